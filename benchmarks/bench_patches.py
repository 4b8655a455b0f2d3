"""Patch extraction over every pixel of a PaviaU-sized cube (610 x 340 x 103): batched
gathers from a once-padded cube versus a straightforward per-pixel loop.

Each measurement runs in a fresh subprocess so that peak memory is its own, and reports the
best of 5 passes (this VM's timings vary by up to 2x from pass to pass).
Usage: python benchmarks/bench_patches.py [--size 9] [--batch 1024] [--loop-pixels 20000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from _common import peak_rss_mb, rss_mb, write_bench

H, W, B = 610, 340, 103
REPEATS = 5  # each measurement is the best of 5 passes (timeit convention; this VM is noisy)


def _cube():
    import numpy as np

    return np.random.default_rng(0).random((H, W, B), dtype=np.float32)


def run_batched(size: int, batch: int, reuse: bool) -> dict:
    import torch

    from hsinb.patches import PaddedCube, all_pixel_coordinates

    torch.set_num_threads(2)
    cube = _cube()
    base = rss_mb()
    times, pad_times = [], []
    rows, cols = all_pixel_coordinates(H, W)
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        pc = PaddedCube(cube, size)  # the one-time padding, timed apart (as the loop's is)
        t1 = time.perf_counter()
        checksum = 0.0
        for win in pc.iter_batches(rows, cols, "2d", batch, reuse_buffer=reuse):
            checksum += float(win[:, :, size // 2, size // 2].sum())  # touch every batch
        times.append(time.perf_counter() - t1)
        pad_times.append(t1 - t0)
        del pc
    dt = min(times)
    return {"seconds": dt, "seconds_all": times, "padding_seconds": min(pad_times), "patches": H * W,
            "patches_per_s": H * W / dt, "patches_per_s_with_padding": H * W / (dt + min(pad_times)),
            "extra_peak_mb": peak_rss_mb() - base, "checksum": checksum}


def run_copy_ceiling(size: int, batch: int) -> dict:
    """The bound for ANY method that materialises float32 windows: writing the same bytes
    (batch x B x p x p per batch, all pixels) as one contiguous memory copy per batch, with
    no indexing at all. No gather can beat it; its ratio to the loop caps the speed-up."""
    import torch

    torch.set_num_threads(2)
    src = torch.rand(batch, size, size, B)
    dst = torch.empty_like(src)
    n_batches = -(-H * W // batch)
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for _ in range(n_batches):
            dst.copy_(src)
        times.append(time.perf_counter() - t0)
    dt = min(times)
    gbytes = n_batches * src.numel() * 4 / 1e9
    return {"seconds": dt, "patches_per_s": n_batches * batch / dt, "gb_per_s": gbytes / dt}


def run_loop(size: int, n_pixels: int, batch: int) -> dict:
    """The obvious way, as a per-sample Dataset + collate would do it: pad once with numpy,
    slice and transpose one window per pixel, stack a batch."""
    import numpy as np
    import torch

    cube = _cube()
    base = rss_mb()
    times = []
    k = size // 2
    t_pad = time.perf_counter()
    padded = np.pad(cube, ((k, k), (k, k), (0, 0)), mode="reflect")  # once, timed apart
    pad_s = time.perf_counter() - t_pad
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        checksum = 0.0
        for start in range(0, n_pixels, batch):
            items = []
            for i in range(start, min(start + batch, n_pixels)):
                r, c = divmod(i, W)
                items.append(torch.from_numpy(padded[r : r + size, c : c + size, :].transpose(2, 0, 1).copy()))
            win = torch.stack(items)
            checksum += float(win[:, :, k, k].sum())
        times.append(time.perf_counter() - t0)
    dt = min(times)
    return {"seconds": dt, "seconds_all": times, "padding_seconds": pad_s, "patches": n_pixels,
            "patches_per_s": n_pixels / dt, "extra_peak_mb": peak_rss_mb() - base}


def _sub(mode: str, args) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--size", str(args.size), "--batch",
           str(args.batch), "--loop-pixels", str(args.loop_pixels)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=9)
    ap.add_argument("--batch", type=int, default=256, help="the pre-training batch size of paper A")
    ap.add_argument("--loop-pixels", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=5, help="alternating gather / loop measurements")
    ap.add_argument("--child")
    args = ap.parse_args()
    if args.child in ("batched", "batched_reuse"):
        print(json.dumps(run_batched(args.size, args.batch, args.child == "batched_reuse")))
        return
    if args.child == "ceiling":
        print(json.dumps(run_copy_ceiling(args.size, args.batch)))
        return
    if args.child == "loop":
        print(json.dumps(run_loop(args.size, args.loop_pixels, args.batch)))
        return
    fresh = _sub("batched", args)
    # the gather and the loop alternate over several rounds, and the speed-up is the median of
    # the rounds' ratios: a slow spell of a shared machine then hits both sides of one ratio
    rounds = []
    for _ in range(args.rounds):
        rounds.append((_sub("batched_reuse", args), _sub("loop", args)))
    ratios = [g["patches_per_s"] / lp["patches_per_s"] for g, lp in rounds]
    batched, loop = rounds[sorted(range(len(ratios)), key=ratios.__getitem__)[len(ratios) // 2]]
    ceiling = _sub("ceiling", args)
    sweep = {}
    for b in (64, 128, 192, 256, 384, 512, 1024, 4096):
        sub = argparse.Namespace(**{**vars(args), "batch": b})
        sweep[b] = _sub("batched_reuse", sub)["patches_per_s"]
    cube_mb = H * W * B * 4 / 2**20
    speedup = batched["patches_per_s"] / loop["patches_per_s"]
    loop_with_pad = H * W / (H * W / loop["patches_per_s"] + loop["padding_seconds"])
    result = {"cube": [H, W, B], "patch": args.size, "batch": args.batch, "cube_mb": cube_mb,
              "batched": batched, "batched_fresh_buffers": fresh, "loop": loop, "speedup": speedup,
              "copy_ceiling": ceiling, "ceiling_over_loop": ceiling["patches_per_s"] / loop["patches_per_s"],
              "rounds_speedup": ratios,
              "rounds_patches_per_s": [[g["patches_per_s"], lp["patches_per_s"]] for g, lp in rounds],
              "batch_sweep_patches_per_s": sweep,
              "best_batch": max(sweep, key=sweep.get),
              "speedup_best_batch": max(sweep.values()) / loop["patches_per_s"],
              "speedup_fresh_buffers": fresh["patches_per_s"] / loop["patches_per_s"],
              "speedup_with_padding": batched["patches_per_s_with_padding"] / loop_with_pad,
              "batched_extra_peak_over_cube": batched["extra_peak_mb"] / cube_mb,
              "all_patches_at_once_gb": H * W * B * args.size**2 * 4 / 2**30}
    md = f"""
## Patch extraction, PaviaU-sized cube ({H}x{W}x{B}, float32, {cube_mb:.0f} MiB), {args.size}x{args.size} windows, all {H * W} pixels

| method | patches/s | wall time (s) | extra peak memory (MiB) | x cube |
|---|---|---|---|---|
| batched gather (`PaddedCube.iter_batches`, batch {args.batch}, reused buffer) | {batched['patches_per_s']:,.0f} | {batched['seconds']:.2f} | {batched['extra_peak_mb']:.0f} | {batched['extra_peak_mb'] / cube_mb:.2f} |
| batched gather, a fresh tensor per batch (passes: {', '.join(f'{t:.2f}' for t in fresh['seconds_all'])} s) | {fresh['patches_per_s']:,.0f} | {fresh['seconds']:.2f} | {fresh['extra_peak_mb']:.0f} | {fresh['extra_peak_mb'] / cube_mb:.2f} |
| ceiling: one contiguous copy of the same bytes per batch, no indexing ({ceiling['gb_per_s']:.1f} GB/s) | {ceiling['patches_per_s']:,.0f} | {ceiling['seconds']:.2f} | – | – |
| per-pixel loop + stack, the obvious Dataset way ({args.loop_pixels} pixels, extrapolated) | {loop['patches_per_s']:,.0f} | {H * W / loop['patches_per_s']:.1f} | {loop['extra_peak_mb']:.0f} | {loop['extra_peak_mb'] / cube_mb:.2f} |

Batch-size sweep of the reused-buffer gather (patches/s): {', '.join(f'{b}: {v:,.0f}' for b, v in sweep.items())}.
Best in this sweep: batch {result['best_batch']}, {result['speedup_best_batch']:.1f}x the median round's loop (one measurement per
batch size, which moves by about 15 % between runs; from 512 windows of 33 KB on, a batch no longer
fits in the cache and throughput halves).

Gather and loop alternate over {args.rounds} rounds; speed-up per round (gather / loop patches/s):
{', '.join(f'{r:.1f}x ({g:,.0f} / {lp:,.0f})' for r, (g, lp) in zip(ratios, result['rounds_patches_per_s']))}; the table holds the median round.

Speed-up at batch {args.batch} (median round): **{speedup:.1f}x** with a reused batch buffer, {result['speedup_fresh_buffers']:.0f}x with a fresh
tensor per batch (target >= 20x; fresh tensors page-fault in the passes before glibc's
adaptive mmap threshold lets freed batches be reused, so that row swings between runs). Both paths pad the cube once before extracting, and that
one-time padding is timed apart for both: {batched['padding_seconds']:.2f} s for `PaddedCube`,
{loop['padding_seconds']:.2f} s for the loop's `np.pad`. Counting it in both, the speed-up for one
pass over the scene is {result["speedup_with_padding"]:.0f}x; a training run pads once and extracts every epoch.
The copy ceiling bounds every method that writes float32 windows:
it is {result['ceiling_over_loop']:.0f}x the loop, so a speed-up above that is impossible on this
machine whatever the indexing; the gather reaches {batched['patches_per_s'] / ceiling['patches_per_s']:.0%} of it. Peak memory beyond the cube itself: {batched['extra_peak_mb'] / cube_mb:.2f}x the cube
(the padded copy and one batch; target <= 2x), so {1 + batched['extra_peak_mb'] / cube_mb:.2f}x counting the cube;
all 9x9 patches at once would need {result['all_patches_at_once_gb']:.1f} GiB.
"""
    write_bench("patches", result, md)


if __name__ == "__main__":
    main()
