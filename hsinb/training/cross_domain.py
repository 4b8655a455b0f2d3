"""Paper B's recipes for the cross-domain CNN (:class:`hsinb.models.cross_domain.CrossDomainCNN`).

* :func:`pretrain_regions`: self-supervised pre-training, eq. (1) over p×p regions drawn
  from every source scene (:class:`hsinb.views.regions.RegionSampler`);
* :func:`fit_scenes`: supervised training of one or several scenes' classifiers at once
  (the target alone: fine-tuning or scratch; the sources: supervised pre-training; sources
  and target together: the paper's "cd-scratch"), each scene's centre-pixel cross-entropy,
  averaged over scenes, with the paper's eight-fold dihedral augmentation.

Optimisation as paper B: SGD, momentum 0.9, weight decay 0.005, LR 0.03 divided by 10 at the
milestones (pre-training 200 iterations, 120 and 160; fine-tuning 100, 60 and 80). Listed
``fast_scenes`` train their own layers (first and last) at ``domain_lr_scale`` × LR (paper
B: 10× for the layers that are not transferred).

Ours where paper B is silent: the gradient's norm is clipped to ``clip_norm`` (default 1)
before each step. Without it, pre-training at LR 0.03 blows the shared network's features
up (mean norm about 2·10¹⁰ after 200 iterations on the five stand-in sources, the loss stuck
far above its floor) and fine-tuning diverges to NaN; with it both fall to their floors.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F

from ..models.cross_domain import CrossDomainCNN
from ..objectives.region_contrast import region_info_nce
from ..views.regions import RegionSampler
from ..views.spatial import RandomDihedral
from .batching import show_progress

__all__ = ["PAPER_B_PRETRAIN", "PAPER_B_FINETUNE", "pretrain_regions", "fit_scenes", "sgd_schedule"]

#: paper B's schedules: (iterations, milestones at which the LR is divided by 10)
PAPER_B_PRETRAIN = (200, (120, 160))
PAPER_B_FINETUNE = (100, (60, 80))


def sgd_schedule(groups: list[dict], *, lr: float, milestones: Sequence[int], momentum: float = 0.9,
                 weight_decay: float = 0.005):
    """SGD over parameter groups (each may carry an ``lr_scale``) and its step schedule."""
    for g in groups:
        g["lr"] = lr * g.pop("lr_scale", 1.0)
    opt = torch.optim.SGD(groups, lr=lr, momentum=momentum, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=list(milestones), gamma=0.1)
    return opt, sched


def _param_groups(model: CrossDomainCNN, fast_scenes: Sequence[str], scale: float) -> list[dict]:
    fast = [p for s in fast_scenes for p in model.domain_parameters(s)]
    fast_ids = {id(p) for p in fast}
    rest = [p for p in model.parameters() if id(p) not in fast_ids]
    groups = [{"params": rest, "lr_scale": 1.0}]
    if fast:
        groups.append({"params": fast, "lr_scale": scale})
    return groups


def _step(model: torch.nn.Module, opt: torch.optim.Optimizer, loss: torch.Tensor, clip_norm: float | None) -> None:
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if clip_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
    opt.step()


def pretrain_regions(model: CrossDomainCNN, sampler: RegionSampler, *, iterations: int = PAPER_B_PRETRAIN[0],
                     milestones: Sequence[int] = PAPER_B_PRETRAIN[1], lr: float = 0.03, tau: float = 0.07,
                     seed: int = 0, clip_norm: float | None = 1.0, progress: bool = False) -> dict:
    """Self-supervised pre-training of the encoders and the shared network.

    Each iteration embeds the ``sampler``'s regions of every scene (the shared network's
    output at each pixel of a region, its context margin cut away) and takes one SGD step
    on :func:`~hsinb.objectives.region_contrast.region_info_nce` (regions are the groups).
    Returns the history: ``loss`` per iteration, ``pixels`` per iteration, ``wall_s``.
    """
    g = torch.Generator().manual_seed(seed)
    opt, sched = sgd_schedule(_param_groups(model, (), 1.0), lr=lr, milestones=milestones)
    p, m = sampler.p, sampler.margin
    losses = []
    start = time.perf_counter()
    iterator = range(iterations)
    if show_progress(progress):
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="pre-training", unit="it")
    model.train()
    for _ in iterator:
        z, groups, offset = [], [], 0
        for scene, (windows, _) in sampler.sample(g).items():
            f = model.features(windows, scene)[:, :, m:m + p, m:m + p]  # (R, D, p, p)
            r = f.shape[0]
            z.append(f.permute(0, 2, 3, 1).reshape(r * p * p, -1))
            groups.append(torch.arange(offset, offset + r).repeat_interleave(p * p))
            offset += r
        loss = region_info_nce(torch.cat(z), torch.cat(groups), tau)
        _step(model, opt, loss, clip_norm)
        sched.step()
        losses.append(loss.item())
    return {"loss": losses, "iterations": iterations, "pixels": offset * p * p,
            "wall_s": time.perf_counter() - start}


def fit_scenes(model: CrossDomainCNN, data: Mapping[str, tuple[torch.Tensor, torch.Tensor]], *,
               iterations: int = PAPER_B_FINETUNE[0], milestones: Sequence[int] = PAPER_B_FINETUNE[1],
               lr: float = 0.03, batch_size: int = 128, fast_scenes: Sequence[str] = (),
               domain_lr_scale: float = 10.0, augment: bool = True, seed: int = 0, clip_norm: float | None = 1.0,
               progress: bool = False) -> dict:
    """Supervised training on the labelled patches of one or several scenes.

    ``data``: scene → (x (N, B_s, p, p) patches, y (N,) 0-based classes); the model has an
    encoder and a classifier for each. Each iteration draws ``batch_size`` patches of every
    scene (a fresh permutation per pass), applies a random dihedral transform to each
    (``augment``), and steps on the mean over scenes of the centre pixels' cross-entropy.
    Returns the history: ``loss`` per iteration, ``wall_s``.
    """
    g = torch.Generator().manual_seed(seed)
    opt, sched = sgd_schedule(_param_groups(model, fast_scenes, domain_lr_scale), lr=lr, milestones=milestones)
    dihedral = RandomDihedral()
    order = {s: torch.randperm(len(y), generator=g) for s, (_, y) in data.items()}
    cursor = dict.fromkeys(data, 0)
    losses = []
    start = time.perf_counter()
    model.train()
    for _ in range(iterations):
        total = 0.0
        for scene, (x, y) in data.items():
            n = len(y)
            take = min(batch_size, n)
            if cursor[scene] + take > n:  # a new pass over the scene's patches
                order[scene], cursor[scene] = torch.randperm(n, generator=g), 0
            idx = order[scene][cursor[scene]:cursor[scene] + take]
            cursor[scene] += take
            xb = dihedral(x[idx], g) if augment else x[idx]
            total = total + F.cross_entropy(model.centre_logits(xb, scene), y[idx])
        loss = total / len(data)
        _step(model, opt, loss, clip_norm)
        sched.step()
        losses.append(loss.item())
    return {"loss": losses, "iterations": iterations, "wall_s": time.perf_counter() - start}
