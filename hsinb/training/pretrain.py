"""Self-supervised pre-training recipes (method A: Barlow Twins with LARS)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from ..objectives.barlow_twins import barlow_twins_terms
from .batching import fast_layout, model_device, show_progress
from .optim import LARS, lars_param_groups, warmup_cosine_schedule

__all__ = ["pretrain_barlow_twins"]


def pretrain_barlow_twins(
    encoder: nn.Module,
    projector: nn.Module,
    pair_sampler,
    transforms: Callable[[torch.Tensor, torch.Generator | None], torch.Tensor] | None = None,
    *,
    epochs: int = 100,
    steps_per_epoch: int | None = None,
    batch_size: int = 256,
    lr: float = 0.2,
    lambd: float = 5e-3,
    generator: torch.Generator | None = None,
    device: torch.device | str | None = None,
    progress: bool = True,
    weight_decay: float = 1.5e-6,
    warmup_fraction: float = 0.1,
    final_lr_scale: float = 0.001,
    bias_lr_scale: float = 0.024,
    on_epoch_end: Callable[[int, nn.Module], None] | None = None,
) -> tuple[nn.Module, dict[str, list[float]]]:
    """Pre-train ``encoder`` (+ ``projector``) with the Barlow Twins loss.

    Each step draws ``batch_size`` pairs from ``pair_sampler`` (a
    :class:`~hsinb.views.PairSampler`: one pass over its anchors per epoch unless
    ``steps_per_epoch`` is given), augments both views independently with the same
    ``transforms`` (symmetric, as in the paper; None for no augmentation), and minimises
    ``barlow_twins_loss(projector(encoder(xa)), projector(encoder(xb)), lambd)`` with
    :class:`~hsinb.training.optim.LARS` (η = 0.001, ``weight_decay`` on weights only) under
    a linear warm-up (``warmup_fraction`` of all steps) + cosine decay to
    ``final_lr_scale × lr``. Biases and norm parameters use ``bias_lr_scale × lr``.

    Defaults follow Barlow Twins (lr 0.2 for batch 256, λ 5e-3, wd 1.5e-6, lr ratio 0.024,
    10 % warm-up = 10 of 100 epochs) and the paper (100 epochs, LARS).

    Returns the encoder (in eval mode) and its history: per epoch the mean ``loss`` and its
    two terms (``invariance`` Σ(1 − C_ii)², ``redundancy`` Σ_{i≠j} C_ij², loss = invariance
    + λ · redundancy) and ``lr`` (of the weight group at the epoch's last step); and
    ``steps``, ``pairs`` (pairs seen) and ``wall_s`` (seconds) of the whole pre-training. The projector is trained in
    place. ``on_epoch_end(epoch, encoder)`` (epochs counted from 1) is called after each
    epoch, e.g. to keep snapshots for a budget curve. Progress: a tqdm bar unless
    ``progress=False`` or env ``CI`` is set.
    """
    from tqdm.auto import tqdm

    device = torch.device(device) if device is not None else model_device(encoder)
    encoder.to(device).train()
    projector.to(device).train()
    steps = (
        int(steps_per_epoch) if steps_per_epoch is not None else pair_sampler.n_batches(batch_size)
    )
    total = max(1, epochs * steps)
    opt = LARS(
        lars_param_groups([encoder, projector], lr, bias_lr_scale), lr=lr, weight_decay=weight_decay
    )
    sched = warmup_cosine_schedule(opt, total, round(warmup_fraction * total), final_lr_scale)
    history: dict[str, Any] = {"loss": [], "invariance": [], "redundancy": [], "lr": []}
    bar = tqdm(total=total, desc="Barlow Twins", disable=not show_progress(progress))
    start = time.perf_counter()
    channels_last = False
    for epoch in range(1, epochs + 1):
        running = torch.zeros(3, device=device)
        for xa, xb in pair_sampler.epoch(batch_size, generator, n_batches=steps):
            xa, xb = xa.to(device, non_blocking=True), xb.to(device, non_blocking=True)
            if transforms is not None:
                xa, xb = transforms(xa, generator), transforms(xb, generator)
            if xa.ndim == 4 and not channels_last:  # 2-D patches: channels-last convolutions are faster on CPU
                encoder.to(memory_format=torch.channels_last)
                channels_last = True
            xa, xb = fast_layout(xa), fast_layout(xb)
            invariance, redundancy = barlow_twins_terms(projector(encoder(xa)), projector(encoder(xb)))
            loss = invariance + lambd * redundancy
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            running += torch.stack([loss.detach(), invariance.detach(), redundancy.detach()])
            bar.update(1)
        for k, v in zip(("loss", "invariance", "redundancy"), (running / steps).tolist()):
            history[k].append(v)
        history["lr"].append(opt.param_groups[0]["lr"])
        bar.set_postfix(loss=f"{history['loss'][-1]:.3g}")
        if on_epoch_end is not None:
            on_epoch_end(epoch, encoder)
    bar.close()
    history.update(steps=epochs * steps, pairs=epochs * steps * batch_size, wall_s=time.perf_counter() - start)
    encoder.eval()
    projector.eval()
    return encoder, history
