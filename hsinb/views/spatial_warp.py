"""Spatial augmentations of paper C (section 3.4) that resample the p × p plane: rotation
by any angle, elastic deformation and translation. (Flipping is
:class:`hsinb.views.spatial.RandomFlip`.)

All three build a sampling grid per sample and call ``F.grid_sample`` once per batch (bands
are channels, so every band moves together and spectra are never mixed across bands).
Layouts (N, B, p, p) and (N, 1, B, p, p); single spectra (N, B) are returned unchanged.
Border handling: reflection (a rotated or shifted patch shows the mirrored neighbourhood,
not zeros).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .base import check_p, check_range, rand, randn, sample_mask
from .spatial import _spatial

__all__ = ["RandomRotation", "ElasticDeformation", "SpatialShift"]


def _resample(x: torch.Tensor, grid: torch.Tensor, mask: torch.Tensor, mode: str = "bilinear") -> torch.Tensor:
    n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
    flat = x.reshape(n, -1, h, w)
    dtype = flat.dtype if flat.is_floating_point() else torch.float32
    out = F.grid_sample(flat.to(dtype), grid.to(dtype), mode=mode, padding_mode="reflection", align_corners=False)
    out = torch.where(mask.view(-1, 1, 1, 1), out.to(x.dtype), flat)  # untouched samples stay bit-exact
    return out.reshape(x.shape)


def _base_grid(n: int, h: int, w: int, device) -> torch.Tensor:
    eye = torch.tensor([[1.0, 0, 0], [0, 1.0, 0]], device=device).expand(n, 2, 3)
    return F.affine_grid(eye, [n, 1, h, w], align_corners=False)


@dataclass
class RandomRotation:
    """Rotate each selected patch about its centre by an angle uniform in ``degrees``
    (bilinear, reflected borders).

    Args:
        p: probability that a sample is rotated.
        degrees: (low, high) angle range in degrees. Default (−180, 180).
    """

    p: float = 0.5
    degrees: tuple[float, float] = (-180.0, 180.0)

    def __post_init__(self) -> None:
        check_p(self.p)
        check_range("degrees", self.degrees)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if not _spatial(x):
            return x
        n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        mask = sample_mask(n, self.p, generator, x.device)
        a = torch.deg2rad(self.degrees[0] + (self.degrees[1] - self.degrees[0]) * rand((n,), generator, x.device))
        c, s, z = torch.cos(a), torch.sin(a), torch.zeros_like(a)
        theta = torch.stack([torch.stack([c, -s * h / w, z], 1), torch.stack([s * w / h, c, z], 1)], 1)
        grid = F.affine_grid(theta, [n, 1, h, w], align_corners=False)
        return _resample(x, grid, mask)


@dataclass
class ElasticDeformation:
    """Smooth random displacement of the patch plane (Simard et al. 2003).

    Displacements are white noise smoothed by a Gaussian of ``sigma`` pixels and scaled to
    ``alpha`` pixels at most; the patch is resampled bilinearly at the displaced positions.

    Args:
        p: probability that a sample is deformed.
        alpha: largest displacement in pixels. Default 1.
        sigma: smoothness of the field in pixels. Default 2.
    """

    p: float = 0.5
    alpha: float = 1.0
    sigma: float = 2.0

    def __post_init__(self) -> None:
        check_p(self.p)
        if self.alpha < 0 or self.sigma <= 0:
            raise ValueError(f"need alpha >= 0 and sigma > 0, got {self.alpha}, {self.sigma}")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if not _spatial(x):
            return x
        n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        mask = sample_mask(n, self.p, generator, x.device)
        field = randn((n, 2, h, w), generator, x.device)
        r = max(1, int(math.ceil(2 * self.sigma)))
        t = torch.arange(-r, r + 1, dtype=torch.float32, device=x.device)
        k = torch.exp(-0.5 * (t / self.sigma) ** 2)
        k = k / k.sum()
        field = F.conv2d(F.pad(field.reshape(-1, 1, h, w), (r, r, 0, 0), mode="replicate"), k.view(1, 1, 1, -1))
        field = F.conv2d(F.pad(field, (0, 0, r, r), mode="replicate"), k.view(1, 1, -1, 1)).reshape(n, 2, h, w)
        field = field / field.abs().amax(dim=(1, 2, 3), keepdim=True).clamp(min=1e-12) * self.alpha
        # pixels → normalised grid units (2 / size per pixel), x then y as grid_sample wants
        disp = torch.stack([field[:, 0] * 2 / w, field[:, 1] * 2 / h], dim=-1)
        return _resample(x, _base_grid(n, h, w, x.device) + disp, mask)


@dataclass
class SpatialShift:
    """Shift each selected patch by whole pixels, (dy, dx) uniform over the non-zero offsets
    of [−max_shift, max_shift]² (reflected borders; values are moved, not interpolated; the
    authors' code rolls circularly by up to 5 pixels).

    Args:
        p: probability that a sample is shifted.
        max_shift: largest shift in pixels. Default 2.
    """

    p: float = 0.5
    max_shift: int = 2

    def __post_init__(self) -> None:
        check_p(self.p)
        if self.max_shift < 1:
            raise ValueError(f"max_shift must be >= 1, got {self.max_shift}")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if not _spatial(x):
            return x
        n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        mask = sample_mask(n, self.p, generator, x.device)
        span = 2 * self.max_shift + 1  # offsets per axis; (0, 0) is never drawn
        code = (rand((n,), generator, x.device) * (span * span - 1)).floor().clamp(max=span * span - 2)
        code = code + (code >= (span * span) // 2).float()  # skip the centre code
        d = torch.stack([code // span, code % span], dim=1) - self.max_shift
        shift = torch.stack([d[:, 1] * 2 / w, d[:, 0] * 2 / h], dim=-1).view(n, 1, 1, 2)
        return _resample(x, _base_grid(n, h, w, x.device) - shift, mask, mode="nearest")
