"""Spectra drawn with gaps where bands were removed (e.g. the water-absorption bands that
PaviaU, Indian Pines or the demo scene leave out), instead of straight lines across them."""

from __future__ import annotations

import numpy as np

__all__ = ["band_gaps", "with_gaps"]


def band_gaps(x: np.ndarray, factor: float = 1.5) -> np.ndarray:
    """Indices i (into x) after which bands are missing: the step x[i+1] - x[i] exceeds
    ``factor`` times the median step. ``x``: (B,) wavelengths in nm (or band indices, which
    have no gaps)."""
    x = np.asarray(x, dtype=np.float64)
    if x.size < 3:
        return np.empty(0, dtype=np.int64)
    step = np.diff(x)
    return np.flatnonzero(step > factor * np.median(step))


def with_gaps(x: np.ndarray, *ys: np.ndarray) -> tuple[np.ndarray, ...]:
    """``x`` (B,) and each ``y`` (..., B) with a NaN inserted after every band gap, so that
    matplotlib's ``plot`` and ``fill_between`` break the curve there. Returns (x, *ys)."""
    gaps = band_gaps(x)
    if gaps.size == 0:
        return (np.asarray(x), *(np.asarray(y) for y in ys))
    out = [np.insert(np.asarray(x, dtype=np.float64), gaps + 1, np.nan)]
    for y in ys:
        out.append(np.insert(np.asarray(y, dtype=np.float64), gaps + 1, np.nan, axis=-1))
    return tuple(out)
