"""Spectral augmentations on batches: they act along the band axis of every layout.

Layouts (see :mod:`hsinb.patches`): 1D spectra (N, B), 2D patches (N, B, p, p) and 3D
patches (N, 1, B, p, p). Every transform is applied to each SAMPLE independently with
probability ``p`` (a Bernoulli mask over N, no loop over samples) and draws its randomness
from an explicit ``torch.Generator``. Random numbers are drawn on the generator's device and
then moved to the input's device, so a CPU generator gives the same numbers whatever the
input's device; the output always lives on the input's device and has its dtype.

The helpers every transform shares live in :mod:`hsinb.views.base`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .base import band_axis, check_p, check_range, per_sample, rand, randn, sample_mask

__all__ = [
    "RandomScale",
    "GaussianNoise",
    "RandomBandDrop",
    "RandomPixelDrop",
    "AdjacentBandSwap",
    "RandomTranslation",
]


def _uniform(lo_hi: tuple[float, float], n: int, generator, device) -> torch.Tensor:
    lo, hi = lo_hi
    return lo + (hi - lo) * rand((n,), generator, device)


def _random_subset(
    n: int, m: int, k: int, generator, device, exclude: int | None = None
) -> torch.Tensor:
    """(n, m) bool with exactly ``k`` True per row at uniformly random positions.

    ``exclude`` is a column that is never chosen (then at most m - 1 can be).
    """
    scores = rand((n, m), generator, device)
    if exclude is not None:
        scores[:, exclude] = -1.0
    chosen = torch.zeros(n, m, dtype=torch.bool, device=device)
    if k > 0:
        idx = scores.topk(k, dim=1).indices
        chosen.scatter_(1, idx, True)
    return chosen


# --------------------------------------------------------------------------- transforms
@dataclass
class RandomScale:
    """Multiply each selected sample by one random factor (spectral shape is preserved).

    Args:
        p: probability that a sample is transformed.
        factor: (low, high) range of the uniform factor, unitless. Default (0.9, 1.1).
    """

    p: float = 0.75
    factor: tuple[float, float] = (0.9, 1.1)

    def __post_init__(self) -> None:
        check_p(self.p)
        check_range("factor", self.factor)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        band_axis(x)
        n = x.shape[0]
        mask = sample_mask(n, self.p, generator, x.device)
        f = _uniform(self.factor, n, generator, x.device).to(x.dtype)
        f = torch.where(mask, f, torch.ones_like(f))
        return x * per_sample(f, x)


@dataclass
class GaussianNoise:
    """Add i.i.d. N(0, std²) noise to every value of each selected sample.

    Args:
        p: probability that a sample is transformed.
        std: noise standard deviation, in the units of the (normalised) data. Default 0.05.
    """

    p: float = 0.75
    std: float = 0.05

    def __post_init__(self) -> None:
        check_p(self.p)
        if self.std < 0:
            raise ValueError(f"std must be >= 0, got {self.std}")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        band_axis(x)
        mask = sample_mask(x.shape[0], self.p, generator, x.device)
        noise = randn(tuple(x.shape), generator, x.device).to(x.dtype) * self.std
        return x + noise * per_sample(mask, x).to(x.dtype)


@dataclass
class RandomBandDrop:
    """Set a random subset of bands to zero (the same bands for every pixel of a patch).

    Args:
        p: probability that a sample is transformed.
        fraction: share of the B bands dropped; exactly ``round(fraction * B)`` bands
            (at least 1 when fraction > 0) are zeroed per selected sample. Default 0.1.
    """

    p: float = 0.75
    fraction: float = 0.1

    def __post_init__(self) -> None:
        check_p(self.p)
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction must be in [0, 1], got {self.fraction}")

    def n_dropped(self, n_bands: int) -> int:
        """Number of bands zeroed in a selected sample of ``n_bands`` bands."""
        if self.fraction <= 0:
            return 0
        return min(n_bands, max(1, round(self.fraction * n_bands)))

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        ax = band_axis(x)
        n, b = x.shape[0], x.shape[ax]
        mask = sample_mask(n, self.p, generator, x.device)
        drop = _random_subset(n, b, self.n_dropped(b), generator, x.device)
        drop &= mask.view(-1, 1)
        return x.masked_fill(per_sample(drop, x), 0.0)


@dataclass
class RandomPixelDrop:
    """Random pixel removal: set all bands of random pixels of a patch to zero.

    For 1D spectra (a single pixel) this is a NO-OP: dropping the only pixel would leave a
    constant, information-free view. Use :class:`RandomBandDrop` to corrupt spectra.

    Args:
        p: probability that a sample is transformed.
        fraction: share of the p×p pixels removed; exactly ``round(fraction * p²)`` (at least
            1 when fraction > 0) per selected patch. Default 0.1 (8 of 81 for 9×9).
        keep_centre: never remove the centre pixel (the one the label belongs to).
            Default False (the paper is silent).
    """

    p: float = 0.75
    fraction: float = 0.1
    keep_centre: bool = False

    def __post_init__(self) -> None:
        check_p(self.p)
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction must be in [0, 1], got {self.fraction}")

    def n_dropped(self, n_pixels: int) -> int:
        """Number of pixels removed in a selected patch of ``n_pixels`` pixels."""
        if self.fraction <= 0:
            return 0
        avail = n_pixels - 1 if self.keep_centre else n_pixels
        return min(avail, max(1, round(self.fraction * n_pixels)))

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        band_axis(x)
        if x.ndim == 2:
            return x
        n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        mask = sample_mask(n, self.p, generator, x.device)
        centre = (h // 2) * w + w // 2 if self.keep_centre else None
        drop = _random_subset(n, h * w, self.n_dropped(h * w), generator, x.device, exclude=centre)
        drop &= mask.view(-1, 1)
        shape = (n,) + (1,) * (x.ndim - 3) + (h, w)
        return x.masked_fill(drop.view(shape), 0.0)


@dataclass
class AdjacentBandSwap:
    """Swap random pairs of neighbouring bands (b, b+1); pairs never overlap.

    The candidate pairs of a sample are (o, o+1), (o+2, o+3), ... with a random offset
    o ∈ {0, 1}, so every adjacent pair can be drawn; ``n_pairs(B)`` of them are swapped, the
    same for every pixel of a patch.

    Args:
        p: probability that a sample is transformed.
        fraction: share of the ⌊B/2⌋ possible disjoint pairs swapped; exactly
            ``round(fraction * B / 2)`` (at least 1 when fraction > 0). Default 0.1.
    """

    p: float = 0.75
    fraction: float = 0.1

    def __post_init__(self) -> None:
        check_p(self.p)
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction must be in [0, 1], got {self.fraction}")

    def n_pairs(self, n_bands: int) -> int:
        """Number of adjacent pairs swapped in a selected sample of ``n_bands`` bands."""
        if self.fraction <= 0 or n_bands < 2:
            return 0
        # with offset 1 only (B - 1) // 2 disjoint pairs exist
        return min((n_bands - 1) // 2, max(1, round(self.fraction * n_bands / 2)))

    def permutation(self, n: int, n_bands: int, generator, device) -> torch.Tensor:
        """(n, B) long: for each sample the band order after swapping (identity if none)."""
        perm = torch.arange(n_bands, device=device).expand(n, n_bands).clone()
        k = self.n_pairs(n_bands)
        if k == 0:
            return perm
        slots = (n_bands - 1) // 2
        offset = (rand((n,), generator, device) < 0.5).long()  # (n,)
        chosen = _random_subset(n, slots, k, generator, device)  # (n, slots)
        rows, slot = chosen.nonzero(as_tuple=True)
        first = offset[rows] + 2 * slot
        perm[rows, first] = first + 1
        perm[rows, first + 1] = first
        return perm

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        ax = band_axis(x)
        n, b = x.shape[0], x.shape[ax]
        mask = sample_mask(n, self.p, generator, x.device)
        perm = self.permutation(n, b, generator, x.device)
        perm = torch.where(mask.view(-1, 1), perm, torch.arange(b, device=x.device))
        index = per_sample(perm, x).expand_as(x)
        return torch.gather(x, ax, index)


@dataclass
class RandomTranslation:
    """Add one random bias to every value of each selected sample (shifts the spectrum).

    Args:
        p: probability that a sample is transformed.
        bias: (low, high) range of the uniform bias, in data units. Default (-0.1, 0.1).
    """

    p: float = 0.75
    bias: tuple[float, float] = (-0.1, 0.1)

    def __post_init__(self) -> None:
        check_p(self.p)
        check_range("bias", self.bias)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        band_axis(x)
        n = x.shape[0]
        mask = sample_mask(n, self.p, generator, x.device)
        b = _uniform(self.bias, n, generator, x.device).to(x.dtype) * mask.to(x.dtype)
        return x + per_sample(b, x)
