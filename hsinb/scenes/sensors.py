"""Band-centre grids of the sensors behind the registered scenes, in nanometres.

Where the exact centres are public and simple they are used (ROSIS, CASI, SAMSON: evenly
spaced over the stated range; Hyperion: its VNIR/SWIR formulas). AVIRIS centres vary
with the flight year; a nominal even 400-2500 nm grid is used and the scene's removed
bands are dropped from it. These grids drive plots, the simulator and resampling; they are
approximations to about one band width, which is said in each scene's ``meta``.
"""

from __future__ import annotations

import numpy as np


def linear_grid(start_nm: float, stop_nm: float, n_bands: int) -> np.ndarray:
    """``n_bands`` evenly spaced centres from ``start_nm`` to ``stop_nm`` inclusive."""
    return np.linspace(start_nm, stop_nm, n_bands)


def drop_bands(grid: np.ndarray, removed_1based: list[tuple[int, int]]) -> np.ndarray:
    """``grid`` without the bands in the inclusive 1-based ranges ``removed_1based``."""
    keep = np.ones(grid.size, dtype=bool)
    for lo, hi in removed_1based:
        keep[lo - 1 : hi] = False
    return grid[keep]


def keep_bands(grid: np.ndarray, kept_1based: list[tuple[int, int]]) -> np.ndarray:
    """The bands of ``grid`` in the inclusive 1-based ranges ``kept_1based``."""
    idx = np.concatenate([np.arange(lo - 1, hi) for lo, hi in kept_1based])
    return grid[idx]


def aviris_nominal(n_bands: int = 224) -> np.ndarray:
    """Nominal AVIRIS grid: 224 centres evenly over 400-2500 nm (about 9.4 nm apart)."""
    return linear_grid(400.0, 2500.0, n_bands)


def hyperion_grid() -> np.ndarray:
    """Hyperion's 242 nominal centres: VNIR bands 1-70 from 355.59 nm by 10.18 nm, SWIR
    bands 71-242 from 851.92 nm by 10.09 nm (the VNIR/SWIR overlap is kept as is)."""
    vnir = 355.59 + 10.1756 * np.arange(70)
    swir = 851.92 + 10.0898 * np.arange(172)
    return np.concatenate([vnir, swir])


def indian_pines_grid() -> np.ndarray:
    """Indian Pines corrected: 220 AVIRIS bands with 104-108, 150-163 and 220 removed."""
    return drop_bands(aviris_nominal(220), [(104, 108), (150, 163), (220, 220)])


def salinas_grid() -> np.ndarray:
    """Salinas corrected: 224 AVIRIS bands with 108-112, 154-167 and 224 removed."""
    return drop_bands(aviris_nominal(224), [(108, 112), (154, 167), (224, 224)])


def ksc_grid() -> np.ndarray:
    """KSC: 176 of AVIRIS's 224 bands. The removed set is not published with the file; the
    water-absorption and low-SNR bands are dropped here by wavelength (approximate)."""
    grid = aviris_nominal(224)
    bad = (
        (grid < 405)
        | ((grid > 1340) & (grid < 1450))
        | ((grid > 1790) & (grid < 1980))
        | (grid > 2400)
    )
    kept = grid[~bad]  # 180 bands; drop the 4 longest (lowest SNR) to land on 176
    return kept[:176]


def botswana_grid() -> np.ndarray:
    """Botswana: Hyperion bands 10-55, 82-97, 102-119, 134-164 and 187-220 (145 bands)."""
    return keep_bands(hyperion_grid(), [(10, 55), (82, 97), (102, 119), (134, 164), (187, 220)])


def rgb_from_wavelengths(wavelengths: np.ndarray | None, n_bands: int) -> tuple[int, int, int]:
    """Band indices closest to 640, 550 and 460 nm, or spread over the bands if unknown."""
    if wavelengths is None or wavelengths[0] > 600:
        return (int(n_bands * 0.6), int(n_bands * 0.4), int(n_bands * 0.15))
    return tuple(int(np.argmin(np.abs(wavelengths - t))) for t in (640.0, 550.0, 460.0))  # type: ignore[return-value]
