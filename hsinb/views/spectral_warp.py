"""Spectral augmentations of paper C (section 3.3) that move, reorder or mix values along
the band axis: spectral shift, spectral flipping, elastic spectral distortion, band
erasure, band permutation and nearest-neighbour mixing.

Same conventions as :mod:`hsinb.views.spectral`: any layout (N, B), (N, B, p, p),
(N, 1, B, p, p); each sample transformed with probability ``p``; randomness from an
explicit generator; no loop over samples. Band positions are in units of bands (the
transforms do not need the wavelengths).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .base import band_axis, check_p, check_range, rand, randn, sample_mask

__all__ = ["SpectralShift", "SpectralFlip", "ElasticSpectralDistortion", "BandErasure", "BandPermutation",
           "NeighbourMixing", "resample_bands"]


def _bands_last(x: torch.Tensor) -> torch.Tensor:
    return x.movedim(band_axis(x), -1)


def _bands_back(y: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return y.movedim(-1, band_axis(like))


def _per_sample_last(v: torch.Tensor, xt: torch.Tensor) -> torch.Tensor:
    """(N, B) → broadcastable against a bands-last tensor (N, ..., B)."""
    return v.reshape(v.shape[0], *([1] * (xt.ndim - 2)), v.shape[-1]).expand(xt.shape)


def resample_bands(x: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """Linear interpolation of every sample at fractional band ``positions`` (N, B).

    Output band b of sample n is ``x[n, positions[n, b]]`` (positions clamped to
    [0, B − 1], so the spectrum's ends are extended, not wrapped).
    """
    xt = _bands_last(x)
    b = xt.shape[-1]
    pos = positions.to(x.device, torch.float32).clamp(0, b - 1)
    lo = pos.floor().long().clamp(max=b - 1)
    hi = (lo + 1).clamp(max=b - 1)
    w = (pos - lo.float()).to(x.dtype)
    lo, hi, w = (_per_sample_last(t, xt) for t in (lo, hi, w))
    y = torch.gather(xt, -1, lo) * (1 - w) + torch.gather(xt, -1, hi) * w
    return _bands_back(y, x)


def _identity_positions(n: int, b: int, device) -> torch.Tensor:
    return torch.arange(b, dtype=torch.float32, device=device).expand(n, b)


@dataclass
class SpectralShift:
    """Displace the spectrum along the band axis by a random fraction of bands.

    Output band b takes the value at band b − s (linear interpolation, ends extended), s
    uniform in [−max_shift, max_shift] bands per sample. (The authors' code of paper C's
    earlier work shifts right by 1-20 whole bands and extrapolates linearly.)

    Args:
        p: probability that a sample is shifted.
        max_shift: largest displacement in bands. Default 10.
    """

    p: float = 0.5
    max_shift: float = 10.0

    def __post_init__(self) -> None:
        check_p(self.p)
        if self.max_shift < 0:
            raise ValueError(f"max_shift must be >= 0, got {self.max_shift}")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        ax = band_axis(x)
        n, b = x.shape[0], x.shape[ax]
        mask = sample_mask(n, self.p, generator, x.device)
        s = self.max_shift * (2 * rand((n,), generator, x.device) - 1) * mask
        return resample_bands(x, _identity_positions(n, b, x.device) - s[:, None])


@dataclass
class SpectralFlip:
    """Reverse the band order of each selected sample (invariance to band ordering).

    Args:
        p: probability that a sample is flipped.
    """

    p: float = 0.5

    def __post_init__(self) -> None:
        check_p(self.p)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        ax = band_axis(x)
        mask = sample_mask(x.shape[0], self.p, generator, x.device)
        return torch.where(mask.view(-1, *([1] * (x.ndim - 1))), x.flip(ax), x)


@dataclass
class ElasticSpectralDistortion:
    """Smooth random warp of the band axis: band b is read at b + d(b).

    d is white noise smoothed by a Gaussian of ``sigma`` bands and scaled so that its
    largest magnitude is ``alpha`` bands (a drawn amplitude in [0, alpha]).

    Args:
        p: probability that a sample is warped.
        alpha: largest displacement in bands. Default 4.
        sigma: smoothness of the displacement, in bands. Default 5.
    """

    p: float = 0.5
    alpha: float = 4.0
    sigma: float = 5.0

    def __post_init__(self) -> None:
        check_p(self.p)
        if self.alpha < 0 or self.sigma <= 0:
            raise ValueError(f"need alpha >= 0 and sigma > 0, got {self.alpha}, {self.sigma}")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        ax = band_axis(x)
        n, b = x.shape[0], x.shape[ax]
        mask = sample_mask(n, self.p, generator, x.device)
        noise = randn((n, 1, b), generator, x.device)
        half = int(min(3 * self.sigma, b - 1))
        t = torch.arange(-half, half + 1, dtype=torch.float32, device=x.device)
        kernel = torch.exp(-0.5 * (t / self.sigma) ** 2)
        smooth = F.conv1d(F.pad(noise, (half, half), mode="replicate"), (kernel / kernel.sum()).view(1, 1, -1))[:, 0]
        smooth = smooth / smooth.abs().amax(1, keepdim=True).clamp(min=1e-12)
        amp = self.alpha * rand((n, 1), generator, x.device) * mask[:, None]
        return resample_bands(x, _identity_positions(n, b, x.device) + amp * smooth)


@dataclass
class BandErasure:
    """Set a random contiguous block of bands to ``value`` (masking random wavelengths).

    Args:
        p: probability that a sample is erased.
        fraction: (low, high) share of the bands in the block. Default (0.1, 0.1), one
            tenth of the bands as in the authors' code.
        value: what erased bands become. Default 0 (the band mean of standardised data).
    """

    p: float = 0.5
    fraction: tuple[float, float] = (0.1, 0.1)
    value: float = 0.0

    def __post_init__(self) -> None:
        check_p(self.p)
        check_range("fraction", self.fraction)
        if not 0 <= self.fraction[0] <= self.fraction[1] <= 1:
            raise ValueError(f"fraction must lie in [0, 1], got {self.fraction}")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        ax = band_axis(x)
        n, b = x.shape[0], x.shape[ax]
        mask = sample_mask(n, self.p, generator, x.device)
        u = rand((n, 2), generator, x.device)
        width = (self.fraction[0] + (self.fraction[1] - self.fraction[0]) * u[:, 0]) * b
        start = (b - width) * u[:, 1]
        band = torch.arange(b, device=x.device, dtype=torch.float32)[None]
        erased = (band >= start.floor()[:, None]) & (band < (start.floor() + width.round())[:, None]) & mask[:, None]
        shape = [n] + [1] * (x.ndim - 1)
        shape[ax] = b
        return x.masked_fill(erased.view(shape), self.value)


@dataclass
class BandPermutation:
    """Cut the bands into ``groups`` contiguous blocks and shuffle the order of the blocks.

    A permutation of single bands would destroy the spectrum; permuting blocks keeps each
    block's shape (as in the code of the authors' earlier work: B // 20 blocks).

    Args:
        p: probability that a sample is permuted.
        groups: number of blocks. Default 8.
    """

    p: float = 0.5
    groups: int = 8

    def __post_init__(self) -> None:
        check_p(self.p)
        if self.groups < 1:
            raise ValueError(f"groups must be >= 1, got {self.groups}")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        ax = band_axis(x)
        n, b = x.shape[0], x.shape[ax]
        g = min(self.groups, b)
        mask = sample_mask(n, self.p, generator, x.device)
        block = torch.arange(b, device=x.device) * g // b  # (B,) block of each band, sizes differ by <= 1
        rank = rand((n, g), generator, x.device).argsort(1).argsort(1)  # new position of each block
        rank = torch.where(mask[:, None], rank, torch.arange(g, device=x.device).expand(n, g))
        key = rank[:, block] * b + torch.arange(b, device=x.device)  # blocks in new order, bands kept inside
        order = key.argsort(dim=1)
        xt = _bands_last(x)
        return _bands_back(torch.gather(xt, -1, _per_sample_last(order, xt)), x)


@dataclass
class NeighbourMixing:
    """Replace each pixel by the mean of its ``k`` spectrally nearest pixels, itself included.

    For patches the neighbours are searched among the p × p pixels of the same patch (as in
    the authors' code, k = 5); for single spectra (N, B) among the batch. The result is
    blended, x' = (1 − λ) x + λ x̄, λ uniform in ``weight`` (default 1: full replacement).

    Args:
        p: probability that a sample is mixed.
        k: neighbours averaged (the pixel itself counts). Default 5.
        weight: (low, high) range of λ. Default (1, 1).
    """

    p: float = 0.5
    k: int = 5
    weight: tuple[float, float] = (1.0, 1.0)

    def __post_init__(self) -> None:
        check_p(self.p)
        check_range("weight", self.weight)
        if self.k < 1:
            raise ValueError(f"k must be >= 1, got {self.k}")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        ax = band_axis(x)
        n = x.shape[0]
        mask = sample_mask(n, self.p, generator, x.device)
        lam = (self.weight[0] + (self.weight[1] - self.weight[0]) * rand((n,), generator, x.device)) * mask
        if x.ndim == 2:
            k = min(self.k, n)
            idx = torch.cdist(x.float(), x.float()).topk(k, largest=False).indices  # (N, k), self first
            mean = x[idx].mean(1)
        else:
            pix = _bands_last(x).reshape(n, -1, x.shape[ax])  # (N, p*p, B)
            k = min(self.k, pix.shape[1])
            idx = torch.cdist(pix.float(), pix.float()).topk(k, largest=False).indices  # (N, p*p, k)
            gathered = torch.gather(pix[:, None].expand(-1, pix.shape[1], -1, -1), 2,
                                    idx[..., None].expand(-1, -1, -1, pix.shape[2]))
            mean_pix = gathered.mean(2)  # (N, p*p, B)
            mean = _bands_back(mean_pix.reshape(_bands_last(x).shape), x)
        lam = lam.view(-1, *([1] * (x.ndim - 1))).to(x.dtype)
        return (1 - lam) * x + lam * mean
