"""What every training loop shares: shuffled mini-batches, the model's device, and whether
to draw a progress bar."""

from __future__ import annotations

import os

import torch
from torch import nn

__all__ = ["batch_indices", "model_device", "show_progress"]


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
    """Shuffled index batches; a trailing batch of one sample is merged into the previous one
    (BatchNorm cannot train on a single sample)."""
    gdev = generator.device if generator is not None else torch.device("cpu")
    order = torch.randperm(n, generator=generator, device=gdev).cpu()
    chunks = list(order.split(batch_size))
    if len(chunks) > 1 and chunks[-1].numel() == 1:
        chunks[-2] = torch.cat(chunks[-2:])
        chunks.pop()
    return chunks
