"""Multiply-accumulate counts of a forward pass, for the throughput benchmarks.

Counted: convolutions of any dimension, linear layers and multi-head attention (input and
output projections plus the two token-by-token products). Activations, normalisation,
pooling and additions are left out: they are memory-bound and small next to these. A
training step costs about 3× the forward MACs (forward, gradient of the input, gradient
of the weights); 1 MAC = 2 floating-point operations.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["count_macs"]


def _conv_macs(m: nn.Module, out: torch.Tensor) -> int:
    per_output = (m.in_channels // m.groups) * math.prod(m.kernel_size)
    return out.numel() * per_output


def _attention_macs(m: nn.MultiheadAttention, query: torch.Tensor, key: torch.Tensor) -> int:
    batch_first = getattr(m, "batch_first", False)
    if query.ndim == 2:  # unbatched (L, E)
        n, lq, lk = 1, query.shape[0], key.shape[0]
    elif batch_first:
        n, lq, lk = query.shape[0], query.shape[1], key.shape[1]
    else:
        n, lq, lk = query.shape[1], query.shape[0], key.shape[0]
    e = m.embed_dim
    projections = n * (2 * lq * e * e + lk * e * (m.kdim + m.vdim))  # q and out; k and v from their widths
    products = 2 * n * lq * lk * e  # Q K^T and (softmax) V, summed over heads
    return projections + products


def count_macs(model: nn.Module, x: torch.Tensor | tuple[torch.Tensor, ...]) -> int:
    """Multiply-accumulates of ``model(x)`` for the batch ``x`` (divide by its size for a
    per-sample figure; a tuple is passed as several arguments). Runs one forward pass without gradients in evaluation mode (so
    BatchNorm statistics stay untouched), then restores the model's modes."""
    total = 0

    def hook(module: nn.Module, args: tuple, kwargs: dict, out) -> None:
        nonlocal total
        if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            total += _conv_macs(module, out)
        elif isinstance(module, nn.Linear):
            total += out.numel() * module.in_features
        elif isinstance(module, nn.MultiheadAttention):
            inputs = list(args) + [kwargs.get(k) for k in ("query", "key")[len(args):]]
            total += _attention_macs(module, inputs[0], inputs[1])

    kinds = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear, nn.MultiheadAttention)
    handles = [m.register_forward_hook(hook, with_kwargs=True) for m in model.modules() if isinstance(m, kinds)]
    modes = {m: m.training for m in model.modules()}
    model.eval()
    try:
        with torch.no_grad():
            model(*x) if isinstance(x, tuple) else model(x)
    finally:
        for h in handles:
            h.remove()
        for m, training in modes.items():
            m.train(training)
    return total
