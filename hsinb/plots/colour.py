"""Colour for display: band choice, percentile stretches and false-colour composites, and
the central window of an image. The statistics behind figures live in
:mod:`hsinb.analysis.stats`."""

from __future__ import annotations

import numpy as np

from ..errors import ShapeMismatchError
from ..scenes.sensors import rgb_from_wavelengths


def stretch_limits(
    image: np.ndarray, low: float = 2.0, high: float = 98.0
) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel ``low`` and ``high`` percentiles of an (H, W, C) image: two (C,) arrays."""
    if image.ndim != 3:
        raise ShapeMismatchError(f"image must be H x W x C, got shape {image.shape}")
    flat = np.asarray(image, dtype=np.float64).reshape(-1, image.shape[2])
    lo, hi = np.percentile(flat, [low, high], axis=0)
    return lo, hi


def apply_stretch(image: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Map each channel of an (..., C) image linearly from [lo, hi] to [0, 1] and clip.

    Channels with ``hi == lo`` (constant) map to 0. Returns float64 of the same shape.
    """
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    out = (np.asarray(image, dtype=np.float64) - lo) / safe
    out = np.where(span > 0, out, 0.0)
    return np.clip(out, 0.0, 1.0)


def percentile_stretch(image: np.ndarray, low: float = 2.0, high: float = 98.0) -> np.ndarray:
    """Per-channel ``low``–``high`` percentile stretch of an (H, W, C) image to [0, 1]."""
    lo, hi = stretch_limits(image, low, high)
    return apply_stretch(image, lo, hi)


def default_rgb_bands(
    n_bands: int,
    rgb_bands: tuple[int, int, int] | None = None,
    wavelengths: np.ndarray | None = None,
) -> tuple[int, int, int]:
    """The (R, G, B) band indices for a false-colour composite.

    ``rgb_bands`` if given, else the bands nearest 640/550/460 nm, else bands at 60/40/15 %
    of the band range (see :func:`hsinb.scenes.sensors.rgb_from_wavelengths`).
    """
    bands = rgb_bands if rgb_bands is not None else rgb_from_wavelengths(wavelengths, n_bands)
    bands = tuple(int(b) for b in bands)
    if len(bands) != 3 or min(bands) < 0 or max(bands) >= n_bands:
        raise ShapeMismatchError(f"need three band indices in 0..{n_bands - 1}, got {bands}")
    return bands  # type: ignore[return-value]


def false_colour_image(
    cube: np.ndarray, bands: tuple[int, int, int], low: float = 2.0, high: float = 98.0
) -> np.ndarray:
    """(H, W, 3) float64 image in [0, 1] from three bands of an (H, W, B) cube."""
    return percentile_stretch(np.asarray(cube)[..., list(bands)], low, high)


def central_window(height: int, width: int, size: int) -> tuple[slice, slice]:
    """Row and column slices of the central ``size`` × ``size`` window of an H × W image
    (the whole extent along an axis shorter than ``size``)."""
    r0 = max(0, (height - size) // 2)
    c0 = max(0, (width - size) // 2)
    return slice(r0, min(height, r0 + size)), slice(c0, min(width, c0 + size))
