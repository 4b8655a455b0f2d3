"""Small pure numpy computations behind the scene plots (tested numerically).

Everything is vectorised over pixels: a cube of shape (H, W, B) is viewed as N = H·W
spectra of B bands. Statistics are computed in float64 and returned as float64.
"""

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


def class_pixel_counts(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """(C,) int64 number of pixels of each class 1..C in a label map (0 = unlabelled)."""
    return np.bincount(np.asarray(labels).ravel(), minlength=n_classes + 1)[1 : n_classes + 1]


def class_mean_std(
    cube: np.ndarray, labels: np.ndarray, n_classes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and standard deviation (ddof = 0) of the spectra of each class.

    Args:
        cube: (H, W, B) or (N, B) spectra.
        labels: (H, W) or (N,) class ids, 0 = unlabelled (ignored), 1..C.
        n_classes: C.

    Returns:
        ``(mean, std, count)``: (C, B), (C, B) float64 and (C,) int64. Classes without
        pixels have NaN mean and std.
    """
    x = np.asarray(cube, dtype=np.float64)
    x = x.reshape(-1, x.shape[-1])
    y = np.asarray(labels).reshape(-1).astype(np.int64, copy=False)
    if y.shape[0] != x.shape[0]:
        raise ShapeMismatchError(f"{y.shape[0]} labels for {x.shape[0]} spectra")
    keep = (y > 0) & (y <= n_classes)
    order = np.argsort(y[keep], kind="stable")  # group the labelled spectra by class
    xs, ys = x[keep][order], y[keep][order] - 1
    count = np.bincount(ys, minlength=n_classes)
    mean = np.full((n_classes, x.shape[1]), np.nan)
    var = np.full((n_classes, x.shape[1]), np.nan)
    present = np.flatnonzero(count)
    if present.size:
        starts = np.searchsorted(ys, present)  # first row of each non-empty class
        n = count[present, None]
        mean[present] = np.add.reduceat(xs, starts, axis=0) / n
        centred = xs - mean[ys]  # two passes: no cancellation for large offsets
        var[present] = np.add.reduceat(centred**2, starts, axis=0) / n
    return mean, np.sqrt(var), count


def band_stats(cube: np.ndarray) -> dict[str, np.ndarray]:
    """Per-band statistics over all pixels of an (H, W, B) or (N, B) cube.

    Returns a dict of (B,) float64 arrays: ``mean``, ``std`` (ddof = 0), ``min``, ``max``.
    """
    x = np.asarray(cube, dtype=np.float64)
    x = x.reshape(-1, x.shape[-1])
    return {"mean": x.mean(axis=0), "std": x.std(axis=0), "min": x.min(axis=0), "max": x.max(axis=0)}


def representative_pixel(cube: np.ndarray, labels: np.ndarray, class_id: int) -> tuple[int, int]:
    """(row, col) of the pixel of class ``class_id`` whose spectrum is nearest (l2) the class
    mean: a "typical" member of the class. Raises ``ValueError`` if the class is empty."""
    labels = np.asarray(labels)
    rows, cols = np.nonzero(labels == class_id)
    if rows.size == 0:
        raise ValueError(f"class {class_id} has no labelled pixels")
    x = np.asarray(cube, dtype=np.float64)[rows, cols]  # (n, B)
    i = int(np.argmin(((x - x.mean(axis=0)) ** 2).sum(axis=1)))
    return int(rows[i]), int(cols[i])


def typical_spectra(scene, max_classes: int = 4) -> tuple[list[tuple[int, int]], np.ndarray, list[str]]:
    """The most typical pixel (:func:`representative_pixel`) of each of the ``max_classes``
    largest classes of ``scene`` (a :class:`~hsinb.scenes.Scene`), in class order:
    ``(pixels, spectra, names)`` with pixels as (row, col), spectra (n, B) in the scene's
    values and the class names."""
    counts = scene.class_counts()
    classes = sorted(c for c in sorted(counts, key=counts.get, reverse=True)[:max_classes] if counts[c] > 0)
    pixels = [representative_pixel(scene.cube, scene.labels, c) for c in classes]
    spectra = np.asarray(scene.cube)[[r for r, _ in pixels], [c for _, c in pixels]]
    return pixels, spectra, [scene.class_names[c - 1] for c in classes]


def endmember_angles(scene):
    """Pairwise spectral angles (degrees) between the endmembers of ``scene`` (its
    ``endmembers``, (B, E)), as an E × E pandas frame labelled with the class names.
    Endmembers a degree or two apart are practically the same spectrum: no model can tell
    their abundances apart from the spectra alone."""
    import pandas as pd

    from ..metrics import spectral_angle_deg

    if scene.endmembers is None:
        raise ValueError(f"{scene.display_name} has no endmembers")
    m = np.asarray(scene.endmembers, dtype=np.float64).T  # (E, B)
    if m.shape[0] != len(scene.class_names):
        raise ValueError(f"{scene.display_name}: {m.shape[0]} endmembers but {len(scene.class_names)} class names")
    angles = spectral_angle_deg(m[:, None, :], m[None, :, :])
    return pd.DataFrame(angles, index=scene.class_names, columns=scene.class_names)


def central_window(height: int, width: int, size: int) -> tuple[slice, slice]:
    """Row and column slices of the central ``size`` × ``size`` window of an H × W image
    (the whole extent along an axis shorter than ``size``)."""
    r0 = max(0, (height - size) // 2)
    c0 = max(0, (width - size) // 2)
    return slice(r0, min(height, r0 + size)), slice(c0, min(width, c0 + size))
