"""What the training recipes share: shuffled mini-batches, the model's device, whether to
draw a progress bar, and the epoch loop over labelled mini-batches (:func:`fit_epochs`)."""

from __future__ import annotations

import os

import torch
from torch import nn

__all__ = ["batch_indices", "model_device", "show_progress", "fit_epochs", "fast_layout", "recalibrate_batchnorm"]


def show_progress(progress: bool) -> bool:
    """True when a progress bar should be drawn (``progress`` and env ``CI`` unset)."""
    return bool(progress) and not os.environ.get("CI")


def model_device(model: nn.Module) -> torch.device:
    """Device of the model's first parameter (CPU for a parameter-free model)."""
    p = next(model.parameters(), None)
    return p.device if p is not None else torch.device("cpu")


def batch_indices(
    n: int, batch_size: int, generator: torch.Generator | None
) -> list[torch.Tensor]:
    """Shuffled index batches of near-equal size: ``ceil(n / batch_size)`` batches, none
    larger than ``batch_size``, sizes differing by at most one (36 samples at batch size 32
    are two batches of 18, not 32 + 4).

    A small trailing batch would be normalised by its own BatchNorm statistics and, being
    the last step of every epoch, pull the weights and the running statistics towards a
    handful of samples: on the Indian Pines crop at K = 9 (36 = 32 + 4) it cost the supervised
    CNN up to 19 OA points. Balanced batches keep every step's statistics comparable.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    gdev = generator.device if generator is not None else torch.device("cpu")
    order = torch.randperm(n, generator=generator, device=gdev).cpu()
    if n == 0:
        return []
    return list(order.tensor_split(-(-n // batch_size)))


def fast_layout(x: torch.Tensor) -> torch.Tensor:
    """``x`` in the memory layout the CPU convolutions run fastest on: channels-last for
    (N, C, H, W) batches (1.27x on a Barlow Twins step of the 2-D encoder, the same loss to
    four digits, results/bench/pretrain_profile_2t.md; 1.2-1.45x over runs on a shared
    machine), unchanged otherwise. A model fed such batches
    should be moved with ``model.to(memory_format=torch.channels_last)`` once."""
    return x.contiguous(memory_format=torch.channels_last) if x.ndim == 4 else x


def fit_epochs(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    step,
    *,
    epochs: int,
    batch_size: int,
    generator: torch.Generator | None,
    progress: bool,
    desc: str,
    frozen_norm: nn.Module | None = None,
) -> dict[str, list[float]]:
    """The loop of every recipe that learns from labelled samples: ``epochs`` passes over
    shuffled mini-batches (:func:`batch_indices`) of ``x`` (N, ...) and ``y`` (N, ...), each
    batch moved to the model's device and handed to ``step(xb, yb)``, which updates the
    model and returns per-batch SUMS (tensors or floats, e.g. ``loss × batch size``).
    Returns per-epoch means (each sum / N) under the names ``step`` used; leaves the model
    in eval mode. The batch-norm layers of ``frozen_norm`` (e.g. a pre-trained encoder)
    stay in eval mode: they normalise with their running statistics and do not update them. A tqdm bar (with ETA) unless ``progress=False`` or env ``CI`` is set."""
    from tqdm.auto import tqdm

    device = model_device(model)
    history: dict[str, list[float]] = {}
    if x.ndim == 4:
        model.to(memory_format=torch.channels_last)
    model.train()
    if frozen_norm is not None:
        for m in frozen_norm.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.eval()
    for _ in tqdm(range(epochs), desc=desc, disable=not show_progress(progress), leave=False):
        sums: dict[str, torch.Tensor | float] = {}
        for idx in batch_indices(x.shape[0], batch_size, generator):
            xb = fast_layout(x[idx.to(x.device)].to(device, non_blocking=True))
            yb = y[idx.to(y.device)].to(device, non_blocking=True)
            for k, v in step(xb, yb).items():
                sums[k] = sums.get(k, 0.0) + v
        for k, v in sums.items():
            history.setdefault(k, []).append(float(v) / x.shape[0])
    model.eval()
    return history


@torch.no_grad()
def recalibrate_batchnorm(model: nn.Module, x: torch.Tensor, *, batch_size: int = 512,
                          frozen: nn.Module | None = None) -> int:
    """"Precise BatchNorm": the running statistics of ``model``'s batch-norm layers (those not
    in ``frozen``) recomputed over all of ``x`` (N, ...) with the final weights. During training
    they are exponential averages (momentum 0.1) of mini-batch statistics taken while the
    weights still moved; with a few labelled samples (two batches an epoch) they lag the final
    weights, and the network evaluated with them is not the one that was trained (measured on
    a paviaU-sim run with K = 7: training accuracy 98 % with batch statistics, 81 % with the
    running ones, test OA 32 % -> 71 % once recalibrated). Leaves the model in eval mode;
    returns the number of layers recalibrated."""
    frozen_ids = {id(m) for m in frozen.modules()} if frozen is not None else set()
    layers = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)
              and m.track_running_stats and id(m) not in frozen_ids]
    model.eval()
    if not layers or x.shape[0] == 0:
        return 0
    momenta = [m.momentum for m in layers]
    for m in layers:
        m.reset_running_stats()
        m.momentum = None  # a cumulative average over the batches below
        m.train()
    device = model_device(model)
    for start in range(0, x.shape[0], batch_size):
        model(fast_layout(x[start : start + batch_size].to(device)))
    for m, momentum in zip(layers, momenta):
        m.momentum = momentum
        m.eval()
    return len(layers)
