"""Could another way of running the same 3-D convolutions bring the C grid near its 2-hour target?

The C grid spends almost all of its time in ``Conv3d`` forward and backward (torch's
profiler on Ben Hamida: 87 % of the CPU time). This benchmark runs the same arithmetic three
ways, one thread (one worker of a 2-worker grid), forward + backward of a batch of 10 x 10
patches of paper C's synthetic scene (224 bands):

- ``conv3d``: the backbones as they are (what the grid runs);
- ``channels_last_3d``: the Conv3d weights and the input in torch's channels-last 3-D layout;
- ``taps_as_channels``: every single-input-channel Conv3d (the first layer of each backbone)
  run as one Conv2d whose input channels are the kernel's spectral taps (the spectral axis
  unfolded into the batch), the other layers unchanged.

Each alternative is checked against the original (features and the input gradient of a fixed
random projection of them, same weights, float64) before it is timed. The default batch, 140,
is what a spectral+spatial step of the synthetic scene feeds the backbone (70 training tiles,
two views each). The speed-up that would be needed is the projected wall time of the whole
grid (``results/bench/method_c_throughput.json``) over the 2-hour target. Run it on an idle
machine: a grid running beside it makes every timing meaningless.
Usage: python benchmarks/bench_conv3d_layouts.py [--batch 140] [--reps 3]
"""

from __future__ import annotations

import argparse
import copy
import json
import time

from _common import BENCH_DIR, write_bench

BACKBONES = ("luo", "hamida", "li", "atik", "varahagiri")
LAYOUTS = ("conv3d", "channels_last_3d", "taps_as_channels")


def taps_as_channels(model):
    """A copy of ``model`` whose single-input-channel Conv3d layers run as Conv2d."""
    import torch.nn.functional as F
    from torch import nn

    class TapsConv(nn.Module):
        def __init__(self, conv: nn.Conv3d):
            super().__init__()
            self.conv = conv

        def forward(self, x):
            c = self.conv
            kd, sd, pd = c.kernel_size[0], c.stride[0], c.padding[0]
            if pd:
                x = F.pad(x, (0, 0, 0, 0, pd, pd))
            n, _, _, h, w = x.shape
            taps = x[:, 0].unfold(1, kd, sd)  # (n, d', h, w, kd)
            d_out = taps.shape[1]
            taps = taps.permute(0, 1, 4, 2, 3).reshape(n * d_out, kd, h, w)
            y = F.conv2d(taps, c.weight[:, 0], c.bias, stride=c.stride[1:], padding=c.padding[1:])
            return y.reshape(n, d_out, c.out_channels, *y.shape[-2:]).transpose(1, 2)

    model = copy.deepcopy(model)
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.Conv3d) and child.in_channels == 1 and child.groups == 1 \
                    and child.dilation == (1, 1, 1):
                setattr(parent, name, TapsConv(child))
    return model


def prepare(model, x, layout: str):
    import torch
    from torch import nn

    if layout == "channels_last_3d":
        model = copy.deepcopy(model)
        for m in model.modules():
            if isinstance(m, nn.Conv3d):
                m.weight.data = m.weight.data.contiguous(memory_format=torch.channels_last_3d)
        return model, x.contiguous(memory_format=torch.channels_last_3d)
    if layout == "taps_as_channels":
        return taps_as_channels(model), x
    return model, x


def step_ms(model, x, reps: int) -> float:
    """Mean ms of forward + backward (sum of the features) over ``reps`` after 2 warm-ups."""
    for _ in range(2):
        model(x).sum().backward()
    t0 = time.perf_counter()
    for _ in range(reps):
        model(x).sum().backward()
    return (time.perf_counter() - t0) / reps * 1000


def check_same(reference, other, x, x_other) -> float:
    """Largest |difference| of features and of the input gradient of a fixed random projection
    of them (a plain sum can vanish: Varahagiri ends in a LayerNorm), relative to the
    reference's scale, in float64 (in float32, rounding moves a few pre-activations across
    ReLU's kink)."""
    import torch

    outs, weights = [], None
    for model, inp in ((reference, x), (other, x_other)):
        model = copy.deepcopy(model).double()
        inp = inp.detach().double().requires_grad_()
        model.eval()
        y = model(inp)
        if weights is None:
            weights = torch.randn(y.shape, generator=torch.Generator().manual_seed(0), dtype=y.dtype)
        (g,) = torch.autograd.grad((y * weights).sum(), inp)
        outs.append((y.detach(), g))
    (y0, g0), (y1, g1) = outs
    err = max(float((y0 - y1).abs().max() / y0.abs().max()), float((g0 - g1).abs().max() / g0.abs().max()))
    if err > 1e-9:
        raise AssertionError(f"layout differs from the original by {err:.1e} (relative)")
    return err


def main() -> None:
    import torch

    from hsinb.models import build_backbone_3d

    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=140)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(1)
    bands, patch = 224, 10
    rows = []
    for name in BACKBONES:
        torch.manual_seed(0)
        model = build_backbone_3d(name, bands, patch)
        x = torch.randn(args.batch, 1, bands, patch, patch)
        row = {"backbone": name}
        for layout in LAYOUTS:
            m, xi = prepare(model, x, layout)
            row[f"{layout}_rel_err"] = 0.0 if layout == "conv3d" else check_same(model, m, x, xi)
            row[f"{layout}_ms"] = step_ms(m, xi, args.reps)
            print(f"{name:11s} {layout:17s} {row[f'{layout}_ms']:8.0f} ms", flush=True)
        rows.append(row)

    projected_h = json.loads((BENCH_DIR / "method_c_throughput.json").read_text()).get("projected_grid_hours")
    needed = projected_h / 2.0 if projected_h else None
    lines = ["| backbone | conv3d (ms) | channels_last_3d | taps as channels | best alternative |", "|---|---|---|---|---|"]
    for r in rows:
        base = r["conv3d_ms"]
        best = max(base / r[f"{lay}_ms"] for lay in LAYOUTS[1:])
        lines.append(f"| {r['backbone']} | {base:.0f} | {base / r['channels_last_3d_ms']:.2f}x | "
                     f"{base / r['taps_as_channels_ms']:.2f}x | {best:.2f}x |")
    best_all = max(r["conv3d_ms"] / r[f"{lay}_ms"] for r in rows for lay in LAYOUTS[1:])
    md = (f"## Method C: the same 3-D convolutions in other layouts (1 thread, batch {args.batch}, "
          f"224 bands, 10 x 10 patches, forward + backward)\n\n" + "\n".join(lines) + "\n\n"
          "Speed-ups are over the backbones as the grid runs them; each alternative gives the same "
          "features and input gradients (relative difference below 1e-9 in float64, checked before timing). "
          f"The largest speed-up of an alternative on any backbone is {best_all:.2f}x"
          + (f"; the whole grid would need {needed:.1f}x to meet its 2-hour target "
             f"(projected {projected_h:.1f} h)." if needed else "."))
    write_bench("conv3d_layouts", {"batch": args.batch, "reps": args.reps, "rows": rows,
                                   "projected_grid_h": projected_h, "needed_speedup": needed}, md)


if __name__ == "__main__":
    main()
