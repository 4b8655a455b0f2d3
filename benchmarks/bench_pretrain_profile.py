"""Where a Barlow Twins step spends its time, against this machine's matmul rate (issue 17).

On pre-made PaviaU-sized 9x9 pairs (ResNet2d + 512-512 projector, LARS), the script
1. counts the step's arithmetic (forward MACs per sample x 2 views x 3 for forward and
   backward, x 2 FLOP per MAC) and measures the float32 matmul rate on the same threads;
2. times the step as ``pretrain_barlow_twins`` runs it, and variants the ecosystem offers:
   channels-last memory format, bf16 autocast, ``torch.compile``; each variant's loss after
   the timed steps is compared with the baseline's (same seed, same batches);
3. profiles the baseline step by operator group (convolutions, batch norm, the rest of the
   encoder, projector matmuls, loss, optimiser).

    python benchmarks/bench_pretrain_profile.py [--steps 10] [--threads 2]
"""

from __future__ import annotations

import argparse
import copy
import time

import torch
from _common import write_bench

import hsinb
from hsinb.models import Projector, ResNet2d, count_macs
from hsinb.objectives import barlow_twins_loss
from hsinb.runtime import torch_generator
from hsinb.training.optim import LARS, lars_param_groups
from hsinb.views import PairSampler


def matmul_gflops(threads: int, n: int = 2048, reps: int = 5, rounds: int = 3) -> float:
    """Float32 GEMM rate (GFLOP/s) of an n x n matmul on ``threads`` threads: the best of
    ``rounds`` timings (a shared machine's neighbours only ever slow it down)."""
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2):
        a @ b
    best = 0.0
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(reps):
            a @ b
        best = max(best, 2 * n**3 * reps / (time.perf_counter() - t0) / 1e9)
    return best


def make(n_bands: int, width: int):
    torch.manual_seed(0)
    enc = ResNet2d(n_bands, width=width)
    proj = Projector(enc.feature_dim, 512, 512)
    return enc, proj


def timed_steps(enc, proj, xa, xb, steps: int, *, autocast: bool = False, channels_last: bool = False,
                compiled: bool = False) -> tuple[float, float]:
    """Seconds per step (after 2 warm-up steps) and the loss of the last step."""
    enc, proj = copy.deepcopy(enc), copy.deepcopy(proj)
    opt = LARS(lars_param_groups([enc, proj], 0.2, 0.024), lr=0.2, weight_decay=1.5e-6)
    if channels_last:
        enc = enc.to(memory_format=torch.channels_last)
        xa, xb = xa.contiguous(memory_format=torch.channels_last), xb.contiguous(memory_format=torch.channels_last)
    fe, fp = (torch.compile(enc), torch.compile(proj)) if compiled else (enc, proj)

    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            za, zb = fp(fe(xa)), fp(fe(xb))
        loss = barlow_twins_loss(za.float(), zb.float())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return float(loss.detach())

    for _ in range(2):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        last = step()
    return (time.perf_counter() - t0) / steps, last


def profile_groups(enc, proj, xa, xb, steps: int = 3) -> dict[str, float]:
    """Share of CPU self time per operator group over ``steps`` baseline steps."""
    from torch.profiler import ProfilerActivity, profile

    enc, proj = copy.deepcopy(enc), copy.deepcopy(proj)
    opt = LARS(lars_param_groups([enc, proj], 0.2, 0.024), lr=0.2, weight_decay=1.5e-6)
    for _ in range(2):
        loss = barlow_twins_loss(proj(enc(xa)), proj(enc(xb)))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            loss = barlow_twins_loss(proj(enc(xa)), proj(enc(xb)))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    groups = {"convolution (fwd+bwd)": ("conv", "mkldnn_convolution"), "batch norm (fwd+bwd)": ("batch_norm",),
              "matmul / linear (fwd+bwd)": ("addmm", "mm", "matmul", "linear"),
              "element-wise, pooling, copies": ("relu", "threshold", "add", "mul", "div", "sub", "copy", "pool",
                                                "mean", "sum", "pow", "sqrt", "fill", "zero", "clone", "cat",
                                                "empty", "to", "view", "where", "norm", "var", "stack")}
    total, share = 0.0, {k: 0.0 for k in groups}
    share["other"] = 0.0
    for ev in prof.key_averages():
        t = ev.self_cpu_time_total
        total += t
        name = ev.key.lower()
        for g, keys in groups.items():
            if any(k in name for k in keys):
                share[g] += t
                break
        else:
            share["other"] += t
    return {k: v / total for k, v in share.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--no-compile", action="store_true", help="skip torch.compile (its first call takes minutes)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cube = hsinb.load_scene("paviaU-sim", normalise="band_standardise").cube
    sampler = PairSampler(cube, "overlap", 9)
    xa, xb = (t.contiguous() for t in sampler.sample(args.batch, torch_generator(1)))
    enc, proj = make(cube.shape[2], args.width)
    macs = count_macs(enc, xa[:1]) + count_macs(proj, torch.zeros(1, enc.feature_dim))
    flop_per_step = 2 * macs * 2 * 3 * args.batch
    rate = matmul_gflops(args.threads)
    torch.set_num_threads(args.threads)
    variants = {"NCHW (the step before issue 17)": {}, "channels-last (as pretrain_barlow_twins runs it)":
                {"channels_last": True},
                "bf16 autocast": {"autocast": True}}
    if not args.no_compile:
        variants["torch.compile (inductor)"] = {"compiled": True}
    rows = {}
    for name, kw in variants.items():
        s, loss = timed_steps(enc, proj, xa, xb, args.steps, **kw)
        rows[name] = {"s_per_step": s, "pairs_per_s": args.batch / s, "gflops": flop_per_step / s / 1e9,
                      "loss_after": loss}
    base = rows["NCHW (the step before issue 17)"]
    groups = profile_groups(enc, proj, xa, xb)
    res = {"threads": args.threads, "batch": args.batch, "width": args.width, "macs_per_sample": macs,
           "flop_per_step": flop_per_step, "matmul_gflops": rate, "variants": rows, "profile_shares": groups}
    table = "\n".join(
        f"| {k} | {v['pairs_per_s']:,.0f} | {v['pairs_per_s'] / base['pairs_per_s']:.2f}x | {v['gflops']:.1f} | "
        f"{100 * v['gflops'] / rate:.0f} % | {v['loss_after']:.2f} |" for k, v in rows.items())
    prof = "\n".join(f"| {k} | {100 * v:.0f} % |" for k, v in sorted(groups.items(), key=lambda kv: -kv[1]))
    md = f"""
## Barlow Twins step against this machine's matmul rate ({args.threads} threads)

ResNet2d width {args.width} + 512-512 projector on PaviaU-sized 9x9 pairs (103 bands), batch {args.batch}
pairs, pre-made tensors (the data pipeline is timed in `pretrain_cpu.md`). Forward
{macs / 1e6:.1f} MMAC per sample; a step is {flop_per_step / 1e9:.1f} GFLOP (2 views x forward + backward).
float32 matmul on the same threads: **{rate:.0f} GFLOP/s** (2048 x 2048, best of 3). Timings on a shared
machine vary by tens of percent between runs; compare rows of one run.

| step | pairs/s | vs NCHW | GFLOP/s | of matmul rate | loss after {args.steps + 2} steps |
|---|---|---|---|---|---|
{table}

Where the NCHW step's CPU time goes (torch profiler, self time by operator):

| operator group | share |
|---|---|
{prof}
"""
    write_bench(f"pretrain_profile_{args.threads}t", res, md)


if __name__ == "__main__":
    main()
