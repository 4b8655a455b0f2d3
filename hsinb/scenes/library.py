"""The USGS 1995 spectral library (224 AVIRIS bands) and spectral resampling.

``load_usgs_library`` reads ``USGS_1995_Library.mat`` (MATLAB v5): ``datalib`` is 224 x 501
(column 0 = band centres in micrometres, columns 1-2 = resolution and channel number,
columns 3.. = 498 reflectance spectra) and ``names`` is 501 x 29 character codes (one name
per column of ``datalib``). ``resample_spectra`` convolves spectra with Gaussian spectral
response functions to move them onto another sensor's band grid.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataFileNotFoundError, UnknownNameError

USGS_FILE = Path("usgs_library") / "USGS_1995_Library.mat"
_FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))  # FWHM = 2.3548 sigma


@dataclass
class SpectralLibrary:
    """A set of reflectance spectra on one band grid.

    Attributes:
        wavelengths_nm: (B,) band centres in nanometres, increasing.
        spectra: (N, B) float64 reflectance (unitless, about 0..1).
        names: N names, ``names[i]`` describes ``spectra[i]``.
        source: where the spectra came from.
    """

    wavelengths_nm: np.ndarray
    spectra: np.ndarray
    names: list[str]
    source: str = ""
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.names)

    def find(self, pattern: str) -> list[int]:
        """Indices of the spectra whose name contains ``pattern`` (case-insensitive;
        ``_`` and spaces are treated alike)."""
        key = _norm(pattern)
        return [i for i, n in enumerate(self.names) if key in _norm(n)]

    def index(self, pattern: str) -> int:
        """Index of the first spectrum whose name contains ``pattern``; raises
        :class:`UnknownNameError` with close names if none does."""
        hits = self.find(pattern)
        if not hits:
            first = _norm(pattern).split(" ")[0][:4]
            near = [n for n in self.names if first and first in _norm(n)][:8]
            raise UnknownNameError(
                f"no spectrum named like {pattern!r} in the library ({len(self)} spectra)"
                + (f"; similar: {', '.join(near)}" if near else "")
            )
        return hits[0]

    def get(self, pattern: str) -> np.ndarray:
        """(B,) the first spectrum whose name contains ``pattern``."""
        return self.spectra[self.index(pattern)]

    def subset(self, indices) -> SpectralLibrary:
        """A library holding only ``indices`` (in that order)."""
        idx = np.asarray(indices, dtype=int)
        return SpectralLibrary(
            self.wavelengths_nm,
            self.spectra[idx],
            [self.names[i] for i in idx],
            self.source,
            dict(self.meta),
        )

    def resampled(self, dst_nm: np.ndarray, fwhm_nm=None) -> SpectralLibrary:
        """The library on another band grid (see :func:`resample_spectra`)."""
        dst = np.asarray(dst_nm, dtype=np.float64)
        spectra = resample_spectra(self.spectra, self.wavelengths_nm, dst, fwhm_nm)
        return SpectralLibrary(dst, spectra, list(self.names), self.source, dict(self.meta))


def _norm(name: str) -> str:
    return " ".join(name.replace("_", " ").lower().split())


def load_usgs_library(path: str | Path | None = None, data_dir: str | os.PathLike | None = None,
                      download: bool = True) -> SpectralLibrary:
    """Read the USGS 1995 library (498 spectra on 224 AVIRIS bands, 383-2508 nm).

    ``path`` defaults to the file found (or downloaded) by
    :func:`hsinb.scenes.fetch.fetch_file` like any data file: ``data_dir``, then every folder
    of ``HSINB_DATA``, then the cache. The result is cached per file and its arrays are
    read-only; copy before modifying. Raises :class:`DataFileNotFoundError`.
    """
    if path is None:
        from .fetch import fetch_file

        p = fetch_file(str(USGS_FILE), data_dir, download_missing=download)
    else:
        p = Path(path)
        if not p.is_file():
            raise DataFileNotFoundError(f"USGS spectral library not found at {p.resolve()}")
    return _load_cached(str(Path(p).resolve()))


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> SpectralLibrary:
    from scipy.io import loadmat

    data = loadmat(path, variable_names=["datalib", "names"])
    datalib = np.asarray(data["datalib"], dtype=np.float64)
    names = [bytes(np.asarray(r, dtype=np.uint8)).decode("latin-1").strip() for r in data["names"]]
    wl = datalib[:, 0] * 1000.0
    order = np.argsort(wl)
    wl = wl[order]
    spectra = np.ascontiguousarray(datalib[order, 3:].T)
    wl.setflags(write=False)
    spectra.setflags(write=False)
    return SpectralLibrary(
        wavelengths_nm=wl,
        spectra=spectra,
        names=names[3:],
        source=path,
        meta={"resolution_nm": datalib[order, 1] * 1000.0},
    )


# ---------------------------------------------------------------------- resampling
def local_spacing(grid_nm: np.ndarray) -> np.ndarray:
    """(B,) distance from each band centre to its nearest neighbour (nm); robust to gaps
    from removed bands and to unsorted grids."""
    g = np.asarray(grid_nm, dtype=np.float64)
    if g.size < 2:
        raise ValueError("need at least two band centres to infer a band spacing; pass fwhm_nm")
    order = np.argsort(g)
    s = g[order]
    d = np.diff(s)
    d = np.where(d > 0, d, np.inf)
    nearest = np.minimum(np.r_[np.inf, d], np.r_[d, np.inf])
    if not np.isfinite(nearest).all():
        nearest[~np.isfinite(nearest)] = np.median(d[np.isfinite(d)])
    out = np.empty_like(nearest)
    out[order] = nearest
    return out


def resampling_matrix(
    src_nm: np.ndarray,
    dst_nm: np.ndarray,
    fwhm_nm: float | np.ndarray | None = None,
    extrapolate_nm: float = 50.0,
    n_sigma: float = 3.0,
) -> np.ndarray:
    """(S, D) matrix ``R`` with ``spectra @ R`` = spectra resampled from ``src_nm`` to ``dst_nm``.

    Each destination band ``j`` integrates the piecewise-linear source spectrum against a
    Gaussian of FWHM ``fwhm_nm[j]`` (default: the destination grid's local band spacing)
    centred on ``dst_nm[j]``, truncated at ``n_sigma`` and renormalised to unit area. The
    quadrature nodes are symmetric about each centre, so a constant or a straight-line
    spectrum is reproduced exactly. Beyond the source range the spectrum is continued
    linearly from its two edge bands for at most ``extrapolate_nm``, then held constant.
    """
    src = np.asarray(src_nm, dtype=np.float64)
    dst = np.asarray(dst_nm, dtype=np.float64)
    if src.ndim != 1 or src.size < 2 or np.any(np.diff(src) <= 0):
        raise ValueError("src_nm must be a strictly increasing 1-D grid of at least 2 bands")
    fwhm = local_spacing(dst) if fwhm_nm is None else np.broadcast_to(fwhm_nm, dst.shape)
    sigma = np.maximum(np.asarray(fwhm, dtype=np.float64), 1e-6) / _FWHM_PER_SIGMA
    # symmetric nodes t_k = dst_j + sigma_j * u_k, fine enough for the source spacing
    h = max(np.diff(src).min() / 2.0, 1e-3)
    n_side = int(np.clip(np.ceil(n_sigma * sigma.max() / h), 8, 2000))
    u = np.linspace(-n_sigma, n_sigma, 2 * n_side + 1)
    w = np.exp(-0.5 * u**2)
    w /= w.sum()
    x = dst[:, None] + sigma[:, None] * u[None, :]  # (D, K)
    x = np.clip(x, src[0] - extrapolate_nm, src[-1] + extrapolate_nm)
    right = np.clip(np.searchsorted(src, x), 1, src.size - 1)
    left = right - 1
    t = (x - src[left]) / (src[right] - src[left])  # outside [0, 1] = linear extrapolation
    cols = np.broadcast_to(np.arange(dst.size)[:, None], x.shape)
    mat = np.zeros((src.size, dst.size))
    np.add.at(mat, (left.ravel(), cols.ravel()), (w * (1.0 - t)).ravel())
    np.add.at(mat, (right.ravel(), cols.ravel()), (w * t).ravel())
    return mat


def resample_spectra(
    spectra: np.ndarray,
    src_nm: np.ndarray,
    dst_nm: np.ndarray,
    fwhm_nm: float | np.ndarray | None = None,
) -> np.ndarray:
    """Resample ``spectra`` (..., S) from band centres ``src_nm`` (S,) to ``dst_nm`` (D,).

    Gaussian spectral response functions (see :func:`resampling_matrix`); returns (..., D)
    in the dtype of ``spectra`` (float64 for integer input).
    """
    x = np.asarray(spectra)
    src = np.asarray(src_nm, dtype=np.float64)
    if x.shape[-1] != src.size:
        raise ValueError(f"spectra have {x.shape[-1]} bands but src_nm has {src.size}")
    order = np.argsort(src)
    mat = resampling_matrix(src[order], dst_nm, fwhm_nm)
    dtype = x.dtype if x.dtype.kind == "f" else np.float64
    return (x[..., order] @ mat.astype(dtype)).astype(dtype, copy=False)
