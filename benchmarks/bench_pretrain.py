"""Barlow Twins pre-training throughput on a PaviaU-sized scene (paviaU-sim, 610x340x103):

1. the full pipeline of ``hsinb`` (PairSampler gathers + batched augmentations + forward /
   backward / LARS step), as ``pretrain_barlow_twins`` runs it;
2. the same model's forward + backward + step on pre-made tensors (no data pipeline);
3. a straightforward per-sample Dataset / DataLoader pipeline (partner drawn, windows
   sliced and augmented one sample at a time, collated by the DataLoader).

The data pipeline's share of a step is 1 - (2)/(1) in time (target <= 10 %).
Usage: python benchmarks/bench_pretrain.py [--steps 20] [--batch 256] [--width 64]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _common import peak_rss_mb, write_bench

import hsinb
from hsinb.models import Projector, ResNet2d
from hsinb.objectives import barlow_twins_loss
from hsinb.runtime import describe_device, pick_device, torch_generator
from hsinb.training.batching import fast_layout
from hsinb.training.optim import LARS, lars_param_groups
from hsinb.views import PairSampler, build_transforms

TRANSFORMS = ("flip", "noise", "band_drop", "band_swap")


def _model(b: int, width: int, device):
    enc = ResNet2d(b, width=width).to(device).to(memory_format=torch.channels_last)  # as pretrain_barlow_twins
    proj = Projector(enc.feature_dim, 512, 512).to(device)
    opt = LARS(lars_param_groups([enc, proj], 0.2, 0.024), lr=0.2, weight_decay=1.5e-6)
    return enc, proj, opt


def _step(enc, proj, opt, xa, xb):
    xa, xb = fast_layout(xa), fast_layout(xb)
    loss = barlow_twins_loss(proj(enc(xa)), proj(enc(xb)))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_pipeline(cube, steps, batch, width, device) -> float:
    enc, proj, opt = _model(cube.shape[2], width, device)
    sampler = PairSampler(cube, "overlap", 9, device=device)
    tf = build_transforms(TRANSFORMS)
    g = torch_generator(0, device)
    it = sampler.epoch(batch, g, n_batches=steps + 2)
    for _ in range(2):  # warm-up
        xa, xb = next(it)
        _step(enc, proj, opt, tf(xa, g), tf(xb, g))
    _sync(device)
    t0 = time.perf_counter()
    for xa, xb in it:
        _step(enc, proj, opt, tf(xa, g), tf(xb, g))
    _sync(device)
    return time.perf_counter() - t0


def time_premade(cube, steps, batch, width, device) -> float:
    enc, proj, opt = _model(cube.shape[2], width, device)
    sampler = PairSampler(cube, "overlap", 9, device=device)
    xa, xb = (t.contiguous() for t in sampler.sample(batch, torch_generator(1, device)))
    for _ in range(2):
        _step(enc, proj, opt, xa, xb)
    _sync(device)
    t0 = time.perf_counter()
    for _ in range(steps):
        _step(enc, proj, opt, xa, xb)
    _sync(device)
    return time.perf_counter() - t0


class PerSampleDataset(torch.utils.data.Dataset):
    """The obvious way: one anchor per item, partner and windows made per sample."""

    def __init__(self, cube: np.ndarray, size: int = 9, n: int = 10_000) -> None:
        self.k = size // 2
        self.size = size
        self.padded = np.pad(cube, ((self.k, self.k), (self.k, self.k), (0, 0)), mode="reflect")
        self.h, self.w = cube.shape[:2]
        self.n = n
        self.rng = np.random.default_rng(0)
        self.tf = build_transforms(TRANSFORMS)

    def __len__(self) -> int:
        return self.n

    def _window(self, r: int, c: int) -> torch.Tensor:
        return torch.from_numpy(self.padded[r : r + self.size, c : c + self.size].transpose(2, 0, 1).copy())

    def __getitem__(self, i):
        r, c = int(self.rng.integers(self.h)), int(self.rng.integers(self.w))
        dr, dc = self.rng.integers(-2, 3, size=2)
        r2, c2 = int(np.clip(r + dr, 0, self.h - 1)), int(np.clip(c + dc, 0, self.w - 1))
        xa, xb = self._window(r, c)[None], self._window(r2, c2)[None]
        return self.tf(xa)[0], self.tf(xb)[0]


def time_dataloader(cube, steps, batch, width, device) -> float:
    enc, proj, opt = _model(cube.shape[2], width, device)
    loader = torch.utils.data.DataLoader(PerSampleDataset(cube, n=(steps + 2) * batch), batch_size=batch)
    it = iter(loader)
    for _ in range(2):
        xa, xb = next(it)
        _step(enc, proj, opt, xa.to(device), xb.to(device))
    _sync(device)
    t0 = time.perf_counter()
    for xa, xb in it:
        _step(enc, proj, opt, xa.to(device), xb.to(device))
    _sync(device)
    return time.perf_counter() - t0


def time_data_hsinb(cube, steps, batch, device) -> float:
    """The data pipeline alone: PairSampler gathers + batched augmentations, no model."""
    sampler = PairSampler(cube, "overlap", 9, device=device)
    tf = build_transforms(TRANSFORMS)
    g = torch_generator(0, device)
    it = sampler.epoch(batch, g, n_batches=steps + 2)
    for _ in range(2):
        xa, xb = next(it)
        tf(xa, g), tf(xb, g)
    _sync(device)
    t0 = time.perf_counter()
    for xa, xb in it:
        tf(xa, g), tf(xb, g)
    _sync(device)
    return time.perf_counter() - t0


def time_data_dataloader(cube, steps, batch) -> float:
    """The per-sample Dataset + DataLoader alone, no model."""
    it = iter(torch.utils.data.DataLoader(PerSampleDataset(cube, n=(steps + 2) * batch), batch_size=batch))
    for _ in range(2):
        next(it)
    t0 = time.perf_counter()
    for _ in it:
        pass
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--width", type=int, default=64)
    args = ap.parse_args()
    device = pick_device()
    cube = hsinb.load_scene("paviaU-sim", normalise="band_standardise").cube
    t_pipe = time_pipeline(cube, args.steps, args.batch, args.width, device)
    t_pre = time_premade(cube, args.steps, args.batch, args.width, device)
    t_dl = time_dataloader(cube, args.steps, args.batch, args.width, device)
    t_data = time_data_hsinb(cube, args.steps, args.batch, device)
    t_data_dl = time_data_dataloader(cube, args.steps, args.batch)
    pairs = args.steps * args.batch
    res = {"device": describe_device(device), "steps": args.steps, "batch": args.batch, "width": args.width,
           "pairs_per_s": {"hsinb_pipeline": pairs / t_pipe, "premade_tensors": pairs / t_pre,
                           "per_sample_dataloader": pairs / t_dl, "data_only_hsinb": pairs / t_data,
                           "data_only_dataloader": pairs / t_data_dl},
           "pipeline_share": 1 - t_pre / t_pipe, "peak_rss_mb": peak_rss_mb()}
    p = res["pairs_per_s"]
    md = f"""
## Barlow Twins pre-training throughput, paviaU-sim (610x340x103), 9x9 overlapping-patch pairs

Device: {res['device']}; batch {args.batch} pairs; ResNet2d width {args.width} + 512-512 projector; LARS;
transforms {', '.join(TRANSFORMS)} (p = 0.75); {args.steps} timed steps after 2 warm-up steps.

| pipeline | pairs/s |
|---|---|
| hsinb: `PairSampler` + batched augmentations + step | {p['hsinb_pipeline']:,.0f} |
| same model, forward + backward + step on pre-made tensors | {p['premade_tensors']:,.0f} |
| per-sample `Dataset` + `DataLoader` (num_workers=0) + step | {p['per_sample_dataloader']:,.0f} |
| data alone: `PairSampler` + batched augmentations | {p['data_only_hsinb']:,.0f} |
| data alone: per-sample `Dataset` + `DataLoader` | {p['data_only_dataloader']:,.0f} |

The data pipelines alone: batched gathers and augmentations produce pairs
**{p['data_only_hsinb'] / p['data_only_dataloader']:.1f}x** as fast as the per-sample `Dataset`. The step uses
channels-last convolutions, as `pretrain_barlow_twins` does (see `pretrain_profile_2t.md`).

Data pipeline share of a step: **{100 * res['pipeline_share']:.1f} %** (target <= 10 %). Peak RSS {res['peak_rss_mb']:.0f} MiB.
"""
    write_bench(f"pretrain_{'gpu' if device.type == 'cuda' else 'cpu'}", res, md)


if __name__ == "__main__":
    main()
