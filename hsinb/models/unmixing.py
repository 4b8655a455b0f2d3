"""The linear mixing model, the classical answer to "what fraction of each material is in a
pixel": endmember extraction by vertex component analysis (VCA), and abundances by fully
constrained (FCLS) or non-negative (NNLS) least squares. NumPy only, vectorised over pixels; no training labels.

Each pixel spectrum ``x`` (B,) is modelled as ``x ≈ aᵀM`` with endmembers ``M`` (E, B) and
abundances ``a`` (E,) on the simplex (``a ≥ 0``, ``Σa = 1``).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from ..errors import InvalidValuesError, ShapeMismatchError
from ..metrics import spectral_angle_deg

__all__ = ["vca", "fcls", "nnls", "match_endmembers", "MAX_FACES_ENDMEMBERS"]

#: the exact solvers enumerate every face (2^E − 1 of them): cheap up to here
MAX_FACES_ENDMEMBERS = 12


def _as_pixels(x, name: str = "spectra") -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ShapeMismatchError(f"{name} must be (N, B) pixels × bands, got shape {x.shape}; "
                                 "reshape a cube with cube.reshape(-1, cube.shape[-1])")
    if not np.isfinite(x).all():
        raise InvalidValuesError(f"{name} hold NaN or Inf values; remove or fill those pixels first")
    return x


def vca(spectra, n_endmembers: int, *, seed: int = 0, snr_db: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Vertex component analysis (Nascimento & Bioucas-Dias, 2005).

    ``spectra`` (N, B) pixels. Returns the endmembers (E, B), each one of the pixels (the
    purest pixels found), and their row indices (E,). The data are projected on their
    E-dimensional signal subspace (a projective projection when the estimated SNR is above
    ``15 + 10 log10(E)`` dB, else an (E − 1)-dimensional PCA plus a constant coordinate);
    then E times a random direction orthogonal to the endmembers found so far picks the
    pixel with the most extreme projection. ``snr_db`` overrides the SNR estimate.
    """
    y = _as_pixels(spectra)
    n, b = y.shape
    e = int(n_endmembers)
    if not 1 <= e <= min(n, b):
        raise ShapeMismatchError(f"n_endmembers={e} must lie in [1, min(pixels, bands) = {min(n, b)}]")
    rng = np.random.default_rng(seed)
    mean = y.mean(axis=0)
    if snr_db is None:  # ours: signal power in the uncentred E-dim subspace (the paper centres it)
        u = np.linalg.svd(y.T @ y / n, hermitian=True)[0][:, :e]
        p_y = float((y**2).sum() / n)
        p_x = float(((y @ u) ** 2).sum() / n)
        snr_db = 10 * np.log10(max(p_x - e / b * p_y, 1e-12) / max(p_y - p_x, 1e-12))
    if snr_db > 15 + 10 * np.log10(e):
        u = np.linalg.svd(y.T @ y / n, hermitian=True)[0][:, :e]  # (B, E)
        x = y @ u  # (N, E)
        scale = x @ (x.mean(axis=0))
        scale = np.where(np.abs(scale) > 1e-12, scale, 1e-12)
        proj = x / scale[:, None]  # projective projection: the simplex lies on a hyperplane
    else:
        centred = y - mean
        u = np.linalg.svd(centred.T @ centred / n, hermitian=True)[0][:, : e - 1]
        x = centred @ u  # (N, E - 1)
        c = np.sqrt((x**2).sum(axis=1).max()) if e > 1 else 1.0
        proj = np.concatenate([x, np.full((n, 1), c)], axis=1)
    vertices = np.zeros((e, e))
    vertices[-1, 0] = 1.0
    found = np.zeros(e, dtype=np.int64)
    for i in range(e):
        w = rng.standard_normal(e)
        f = w - vertices @ np.linalg.pinv(vertices) @ w  # orthogonal to the span found so far
        f /= np.linalg.norm(f)
        found[i] = int(np.argmax(np.abs(proj @ f)))
        vertices[:, i] = proj[found[i]]
    return y[found].copy(), found


def _best_on_faces(x: np.ndarray, m: np.ndarray, sum_to_one: bool) -> np.ndarray:
    """Least squares over non-negative coefficients (and ``Σa = 1`` when ``sum_to_one``),
    exactly, by enumerating the faces of the feasible set; (N, E) float64."""
    e = m.shape[0]
    if m.shape[1] != x.shape[1]:
        raise ShapeMismatchError(f"endmembers have {m.shape[1]} bands, the spectra {x.shape[1]}")
    if e > MAX_FACES_ENDMEMBERS:
        raise ShapeMismatchError(f"the exact solver enumerates the 2^E - 1 faces: at most "
                                 f"{MAX_FACES_ENDMEMBERS} endmembers, got {e}")
    mx = m @ x.T  # (E, N)
    gram = m @ m.T  # (E, E)
    xx = (x**2).sum(axis=1)  # (N,)
    best = np.full(x.shape[0], np.inf) if sum_to_one else xx.copy()  # NNLS: a = 0 is feasible
    out = np.zeros((x.shape[0], e))
    extra = int(sum_to_one)
    for k in range(1, e + 1):
        for face in combinations(range(e), k):
            s = list(face)
            g = gram[np.ix_(s, s)]
            kkt = np.zeros((k + extra, k + extra))
            kkt[:k, :k] = g
            rhs = mx[s]
            if sum_to_one:  # Lagrange row and column of the equality Σa = 1
                kkt[:k, k] = kkt[k, :k] = 1.0
                rhs = np.vstack([rhs, np.ones((1, x.shape[0]))])
            a = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:k]  # (k, N)
            # ‖x − aᵀM_S‖² from the Gram matrix, without forming the residual spectra
            res = xx - 2 * (a * mx[s]).sum(axis=0) + (a * (g @ a)).sum(axis=0)
            take = (a >= -1e-10).all(axis=0) & (res < best - 1e-14 * np.maximum(xx, 1.0))
            if take.any():
                best[take] = res[take]
                out[take] = 0.0
                out[np.ix_(np.flatnonzero(take), s)] = np.clip(a[:, take].T, 0.0, None)
    return out


def fcls(spectra, endmembers) -> np.ndarray:
    """Fully constrained least squares: for every pixel, ``argmin ‖x − aᵀM‖²`` over the
    simplex (``a ≥ 0``, ``Σa = 1``).

    ``spectra`` (N, B), ``endmembers`` (E, B); returns abundances (N, E), float64. Exact:
    the optimum lies in the relative interior of one face of the simplex, where it is the
    equality-constrained least-squares solution on that face's endmembers; the solution is
    computed on every face at once (one small KKT system per face, shared by all pixels) and
    each pixel keeps the feasible one with the least residual. ``E`` ≤
    :data:`MAX_FACES_ENDMEMBERS`. Not invariant to the pixel's brightness: a scene scaled
    against its endmembers (illumination, another calibration) biases it; see :func:`nnls`.
    """
    out = _best_on_faces(_as_pixels(spectra), _as_pixels(endmembers, "endmembers"), sum_to_one=True)
    return out / out.sum(axis=1, keepdims=True)


def nnls(spectra, endmembers) -> np.ndarray:
    """Non-negative least squares for every pixel: ``argmin ‖x − aᵀM‖²`` over ``a ≥ 0``
    (no sum constraint), (N, E) float64, exact (the same enumeration as :func:`fcls`).
    Dividing each row by its sum gives scale-invariant abundances: a pixel ``c·x`` gets the
    same ones as ``x`` (the sum absorbs brightness)."""
    return _best_on_faces(_as_pixels(spectra), _as_pixels(endmembers, "endmembers"), sum_to_one=False)


def match_endmembers(found, reference) -> tuple[np.ndarray, np.ndarray]:
    """Order ``found`` endmembers (E, B) like ``reference`` (E, B) by the assignment of least
    total spectral angle (Hungarian method). Returns ``order`` (E,), such that
    ``found[order][j]`` matches ``reference[j]``, and the matched angles in degrees (E,)."""
    from scipy.optimize import linear_sum_assignment

    found = np.asarray(found, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    if found.shape != reference.shape:
        raise ShapeMismatchError(f"found endmembers {found.shape} and reference {reference.shape} differ")
    cost = spectral_angle_deg(reference[:, None, :], found[None, :, :])  # (E_ref, E_found)
    rows, cols = linear_sum_assignment(np.nan_to_num(cost, nan=180.0))
    order = cols[np.argsort(rows)]
    return order, cost[np.arange(len(order)), order]
