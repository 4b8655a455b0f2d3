"""Barlow Twins loss (Zbontar et al., 2021) as a pure function of two embedding batches."""

from __future__ import annotations

import torch

from ..errors import ShapeMismatchError

__all__ = ["barlow_twins_loss", "barlow_twins_terms", "cross_correlation"]


def _standardise(z: torch.Tensor, eps: float) -> torch.Tensor:
    """Per-dimension batch standardisation, like ``BatchNorm1d(affine=False)`` in training."""
    z = z.float()
    mean = z.mean(0, keepdim=True)
    var = z.var(0, unbiased=False, keepdim=True)
    return (z - mean) / torch.sqrt(var + eps)


def cross_correlation(za: torch.Tensor, zb: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """(D, D) cross-correlation of batch-standardised (N, D) embeddings: za_nᵀ zb_n / N."""
    if za.shape != zb.shape or za.ndim != 2:
        raise ShapeMismatchError(
            f"embeddings must be two (N, D) tensors of equal shape, got {tuple(za.shape)} and {tuple(zb.shape)}"
        )
    if za.shape[0] < 2:
        raise ShapeMismatchError("Barlow Twins needs a batch of at least 2 samples")
    n = za.shape[0]
    return _standardise(za, eps).T @ _standardise(zb, eps) / n


def barlow_twins_terms(za: torch.Tensor, zb: torch.Tensor, eps: float = 1e-5) -> tuple[torch.Tensor, torch.Tensor]:
    """The two terms of the loss: invariance Σ_i (1 − C_ii)² (the views agree) and
    redundancy Σ_{i≠j} C_ij² (the dimensions decorrelate), 0-d tensors; the loss is
    ``invariance + λ · redundancy``."""
    c = cross_correlation(za, zb, eps)
    diag = torch.diagonal(c)
    on_diag = (1.0 - diag).pow(2).sum()
    d = c.shape[0]
    off_diag = c.flatten()[:-1].view(d - 1, d + 1)[:, 1:].pow(2).sum()  # every C_ij, i ≠ j
    return on_diag, off_diag


def barlow_twins_loss(
    za: torch.Tensor, zb: torch.Tensor, lambd: float = 5e-3, eps: float = 1e-5
) -> torch.Tensor:
    """Σ_i (1 − C_ii)² + λ Σ_{i≠j} C_ij², a 0-d float32 tensor on the inputs' device.

    Args:
        za, zb: (N, D) projector outputs of the two views.
        lambd: weight λ of the redundancy-reduction term. Default 5e-3 (Barlow Twins paper).
        eps: added to the per-dimension variance before standardising (BatchNorm's 1e-5).
    """
    on_diag, off_diag = barlow_twins_terms(za, zb, eps)
    return on_diag + lambd * off_diag
