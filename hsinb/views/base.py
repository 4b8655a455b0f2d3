"""What every augmentation shares: the band axis of a layout, random numbers drawn on the
generator's device (so a CPU generator gives the same numbers on any device), the Bernoulli
mask of the samples a transform applies to, per-sample broadcasting, and argument checks.

Layouts (see :mod:`hsinb.patches`): 1D spectra (N, B), 2D patches (N, B, p, p) and 3D
patches (N, 1, B, p, p).
"""

from __future__ import annotations

import torch

from ..errors import ShapeMismatchError

__all__ = ["band_axis", "rand", "randn", "sample_mask", "per_sample", "check_p", "check_range"]


def band_axis(x: torch.Tensor) -> int:
    """Index of the band axis: 1 for (N, B) and (N, B, p, p), 2 for (N, 1, B, p, p)."""
    if x.ndim in (2, 4):
        return 1
    if x.ndim == 5:
        if x.shape[1] != 1:
            raise ShapeMismatchError(f"3D patches must be (N, 1, B, p, p), got {tuple(x.shape)}")
        return 2
    raise ShapeMismatchError(
        f"expected (N, B), (N, B, p, p) or (N, 1, B, p, p), got shape {tuple(x.shape)}"
    )


def _gen_device(generator: torch.Generator | None, device: torch.device) -> torch.device:
    return generator.device if generator is not None else device


def rand(
    shape: tuple[int, ...], generator: torch.Generator | None, device: torch.device
) -> torch.Tensor:
    """U[0, 1) float32 numbers drawn on the generator's device, returned on ``device``."""
    g = _gen_device(generator, device)
    return torch.rand(shape, generator=generator, device=g).to(device)


def randn(
    shape: tuple[int, ...], generator: torch.Generator | None, device: torch.device
) -> torch.Tensor:
    """N(0, 1) float32 numbers drawn on the generator's device, returned on ``device``."""
    g = _gen_device(generator, device)
    return torch.randn(shape, generator=generator, device=g).to(device)


def sample_mask(
    n: int, p: float, generator: torch.Generator | None, device: torch.device
) -> torch.Tensor:
    """(n,) bool: which samples a transform applies to (Bernoulli(p)); p=0 / p=1 are exact."""
    if p >= 1.0:
        return torch.ones(n, dtype=torch.bool, device=device)
    if p <= 0.0:
        return torch.zeros(n, dtype=torch.bool, device=device)
    return rand((n,), generator, device) < p


def per_sample(v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Reshape an (N,) or (N, B) tensor so it broadcasts against ``x`` (bands on the band axis)."""
    ax = band_axis(x)
    shape = [x.shape[0]] + [1] * (x.ndim - 1)
    if v.ndim == 2:
        shape[ax] = v.shape[1]
    return v.reshape(shape)


def check_p(p: float) -> None:
    """Raise ``ValueError`` unless ``p`` is a probability."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"probability p must be in [0, 1], got {p}")


def check_range(name: str, lo_hi: tuple[float, float]) -> None:
    """Raise ``ValueError`` unless ``lo_hi`` is (low, high) with low <= high."""
    lo, hi = lo_hi
    if lo > hi:
        raise ValueError(f"{name} must be (low, high) with low <= high, got {lo_hi}")
