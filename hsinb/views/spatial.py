"""Spatial augmentations on batches of patches: they act on the last two (p × p) axes.

Inputs are 2D patches (N, B, p, p) or 3D patches (N, 1, B, p, p); spectra are never mixed.
1D spectra (N, B) are single pixels (1×1 patches), for which every spatial transform is the
identity: they are returned unchanged. Each transform is applied per sample with
probability ``p``, vectorised over the batch, randomness from an explicit generator (see
:mod:`hsinb.views.spectral`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .base import band_axis, check_p, check_range, rand, sample_mask

__all__ = ["RandomFlip", "RandomRotation90", "RandomResizedCrop", "RandomDihedral"]


def _spatial(x: torch.Tensor) -> bool:
    """True for patch layouts, False for 1D spectra (on which spatial transforms are no-ops)."""
    band_axis(x)
    return x.ndim != 2


@dataclass
class RandomFlip:
    """Flip each selected patch horizontally OR vertically (direction drawn 50/50).

    Args:
        p: probability that a sample is flipped.
        horizontal: allow left-right flips (last axis).
        vertical: allow up-down flips (second-to-last axis). With only one direction
            allowed, every selected sample is flipped that way.
    """

    p: float = 0.75
    horizontal: bool = True
    vertical: bool = True

    def __post_init__(self) -> None:
        check_p(self.p)
        if not (self.horizontal or self.vertical):
            raise ValueError("RandomFlip needs horizontal=True or vertical=True")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if not _spatial(x):
            return x
        n = x.shape[0]
        mask = sample_mask(n, self.p, generator, x.device)
        if self.horizontal and self.vertical:
            horiz = rand((n,), generator, x.device) < 0.5
        else:
            horiz = torch.full((n,), self.horizontal, dtype=torch.bool, device=x.device)
        shape = (n,) + (1,) * (x.ndim - 1)
        out = torch.where((mask & horiz).view(shape), x.flip(-1), x)
        return torch.where((mask & ~horiz).view(shape), x.flip(-2), out)


@dataclass
class RandomRotation90:
    """Rotate each selected patch by k × 90° (k ∈ {1, 2, 3} uniform) in the p × p plane.

    Samples are grouped by k (three groups), so there is no per-sample loop.

    Args:
        p: probability that a sample is rotated.
    """

    p: float = 0.75

    def __post_init__(self) -> None:
        check_p(self.p)

    def draw_k(
        self, n: int, generator: torch.Generator | None, device: torch.device
    ) -> torch.Tensor:
        """(n,) long quarter turns per sample, 0 for samples left alone."""
        mask = sample_mask(n, self.p, generator, device)
        k = 1 + (rand((n,), generator, device) * 3).long().clamp_(max=2)
        return torch.where(mask, k, torch.zeros_like(k))

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if not _spatial(x):
            return x
        if x.shape[-1] != x.shape[-2]:
            raise ValueError(f"rotation needs square patches, got {tuple(x.shape[-2:])}")
        k = self.draw_k(x.shape[0], generator, x.device)
        out = x.clone()
        for quarter in (1, 2, 3):  # 3 groups, not a loop over samples
            idx = (k == quarter).nonzero(as_tuple=True)[0]
            if idx.numel():
                out[idx] = torch.rot90(x[idx], quarter, dims=(-2, -1))
        return out


@dataclass
class RandomResizedCrop:
    """Crop a random rectangle of each selected patch and resize it back to p × p (bilinear).

    The crop covers ``s`` of the patch area with aspect ratio ``r`` (width / height), s and
    log r uniform; sides are clipped to the patch and the crop's position is uniform inside
    it. All crops are done at once with ``F.affine_grid`` / ``F.grid_sample``.

    Args:
        p: probability that a sample is cropped.
        scale: (low, high) area fraction. Default (0.5, 1.0) (torchvision's 0.08 lower bound
            is too aggressive for 9 × 9 patches).
        ratio: (low, high) aspect ratio. Default (3/4, 4/3) as in torchvision.
    """

    p: float = 0.75
    scale: tuple[float, float] = (0.5, 1.0)
    ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0)

    def __post_init__(self) -> None:
        check_p(self.p)
        check_range("scale", self.scale)
        check_range("ratio", self.ratio)
        if self.scale[0] <= 0 or self.scale[1] > 1 or self.ratio[0] <= 0:
            raise ValueError(f"need 0 < scale <= 1 and ratio > 0, got {self.scale}, {self.ratio}")

    def draw_theta(
        self, n: int, generator: torch.Generator | None, device: torch.device
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(n,) bool applied mask and (n, 2, 3) affine matrices in normalised coordinates
        (identity where not applied)."""
        mask = sample_mask(n, self.p, generator, device)
        u = rand((n, 4), generator, device)
        area = self.scale[0] + (self.scale[1] - self.scale[0]) * u[:, 0]
        lo, hi = math.log(self.ratio[0]), math.log(self.ratio[1])
        ratio = torch.exp(lo + (hi - lo) * u[:, 1])
        sw = torch.sqrt(area * ratio).clamp(max=1.0)  # width fraction
        sh = torch.sqrt(area / ratio).clamp(max=1.0)  # height fraction
        tx = (1.0 - sw) * (2.0 * u[:, 2] - 1.0)  # crop centre in [-1, 1]
        ty = (1.0 - sh) * (2.0 * u[:, 3] - 1.0)
        one, zero = torch.ones_like(sw), torch.zeros_like(sw)
        sw, sh = torch.where(mask, sw, one), torch.where(mask, sh, one)
        tx, ty = torch.where(mask, tx, zero), torch.where(mask, ty, zero)
        row0 = torch.stack([sw, zero, tx], dim=1)
        row1 = torch.stack([zero, sh, ty], dim=1)
        return mask, torch.stack([row0, row1], dim=1)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if not _spatial(x):
            return x
        n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        mask, theta = self.draw_theta(n, generator, x.device)
        flat = x.reshape(n, -1, h, w)  # (N, B, p, p) for both layouts
        dtype = flat.dtype if flat.is_floating_point() else torch.float32
        grid = F.affine_grid(theta.to(dtype), [n, flat.shape[1], h, w], align_corners=False)
        out = F.grid_sample(
            flat.to(dtype), grid, mode="bilinear", padding_mode="border", align_corners=False
        )
        # grid_sample of the identity is exact up to rounding; keep untouched samples bit-exact
        out = torch.where(mask.view(-1, 1, 1, 1), out.to(x.dtype), flat)
        return out.reshape(x.shape)


@dataclass
class RandomDihedral:
    """Each patch becomes one of its 8 mirror images / rotations (the dihedral group of the
    square), drawn uniformly: a transposition, then a left-right and an up-down flip, each
    with probability 1/2 (paper B's eight-fold augmentation by mirroring across the
    vertical, horizontal and two diagonal axes). Square patches only."""

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if not _spatial(x):
            return x
        if x.shape[-1] != x.shape[-2]:
            raise ValueError(f"RandomDihedral needs square patches, got {tuple(x.shape[-2:])}")
        n = x.shape[0]
        shape = (n,) + (1,) * (x.ndim - 1)
        draws = rand((3, n), generator, x.device) < 0.5
        x = torch.where(draws[0].view(shape), x.transpose(-1, -2), x)
        x = torch.where(draws[1].view(shape), x.flip(-1), x)
        return torch.where(draws[2].view(shape), x.flip(-2), x)
