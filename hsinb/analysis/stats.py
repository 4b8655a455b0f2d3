"""Statistics that figures show, computed once and tested: per-class spectra, band
statistics, typical pixels, endmember angles, how much a transform changed a spectrum, how
often a pair's two centres share a label, and where a scene's most contrasted window lies.

Vectorised over pixels: a cube (H, W, B) is N = H·W spectra of B bands; float64 out.
"""

from __future__ import annotations

import numpy as np

from ..errors import ShapeMismatchError
from ..metrics import spectral_angle_deg

__all__ = ["class_pixel_counts", "class_mean_std", "band_stats", "representative_pixel", "typical_spectra",
           "endmember_angles", "relative_change", "box_sums", "contrast_window", "label_agreement"]


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
    ``endmembers``, (B, E)), as an E × E pandas frame labelled with the endmember names
    (the class names when the scene has none).
    Endmembers a degree or two apart are nearly the same spectrum: their abundances are
    hard to tell apart, more so for a model with few samples (tile-mean ridge regression
    still separates the two feldspars of synthetic-c's validation draw, 1.1° apart)."""
    import pandas as pd


    if scene.endmembers is None:
        raise ValueError(f"{scene.display_name} has no endmembers")
    m = np.asarray(scene.endmembers, dtype=np.float64).T  # (E, B)
    names = list(scene.endmember_names or scene.class_names)
    if m.shape[0] != len(names):
        raise ValueError(f"{scene.display_name}: {m.shape[0]} endmembers but {len(names)} names")
    angles = spectral_angle_deg(m[:, None, :], m[None, :, :])
    return pd.DataFrame(angles, index=names, columns=names)


def relative_change(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """``|after - before| / |before|`` (l2 over the last axis), (...) float64; NaN where
    ``before`` is all zero."""
    b = np.asarray(before, dtype=np.float64)
    a = np.asarray(after, dtype=np.float64)
    nb = np.linalg.norm(b, axis=-1)
    diff = np.linalg.norm(a - b, axis=-1)
    return np.where(nb > 0, diff / np.where(nb > 0, nb, 1.0), np.nan)


def box_sums(image: np.ndarray, size: int) -> np.ndarray:
    """Sums of an (H, W, ...) array over every ``size``×``size`` window lying fully inside
    it: (H - size + 1, W - size + 1, ...), entry (i, j) for the window whose top-left pixel
    is (i, j). Uses 2D cumulative sums (float64)."""
    a = np.asarray(image, dtype=np.float64)
    c = np.zeros((a.shape[0] + 1, a.shape[1] + 1) + a.shape[2:])
    c[1:, 1:] = a.cumsum(0).cumsum(1)
    return c[size:, size:] - c[:-size, size:] - c[size:, :-size] + c[:-size, :-size]


def contrast_window(image: np.ndarray, size: int) -> tuple[int, int]:
    """(row, col) of the centre of the ``size``×``size`` window, fully inside the (H, W, C)
    image, with the largest summed per-channel variance (the most visible structure, so
    that flips and rotations show); ties: the first in row-major order. The image's centre
    pixel when it is smaller than the window."""
    img = np.asarray(image, dtype=np.float64)
    if img.ndim == 2:
        img = img[..., None]
    h, w = img.shape[:2]
    if size > h or size > w:
        return h // 2, w // 2
    n = float(size * size)
    mean = box_sums(img, size) / n
    var = box_sums(img**2, size) / n - mean**2  # (h', w', C)
    total = var.sum(axis=-1)
    r, c = np.unravel_index(int(np.argmax(total)), total.shape)
    return int(r) + size // 2, int(c) + size // 2


def label_agreement(labels: np.ndarray, ra, ca, rb, cb) -> tuple[float, int]:
    """Among pairs whose two centres are both labelled: (share with the same label, count).
    The share is NaN when no pair has two labelled centres."""
    lab = np.asarray(labels)
    la = lab[np.asarray(ra), np.asarray(ca)]
    lb = lab[np.asarray(rb), np.asarray(cb)]
    both = (la > 0) & (lb > 0)
    n = int(both.sum())
    return (float((la[both] == lb[both]).mean()) if n else float("nan")), n


# ============================================================================ drawing
