"""Mixing models, abundance generators, noise at a given SNR and smooth spatial fields.

Shapes: endmembers ``M`` are (B, E) (one spectrum per column, as in the unmixing
literature), abundances ``A`` are (..., E) with the last axis summing to one, mixed
spectra are (..., B). The mixing functions are plain array algebra and accept NumPy
arrays or torch tensors alike.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from scipy.ndimage import gaussian_filter

from ...errors import check_choice

MIXING_MODELS = ("linear", "pnmm", "bilinear")


# ---------------------------------------------------------------------- mixing models
def linear_mixing(M, A):
    """``x = M a`` for every pixel: (B, E), (..., E) -> (..., B)."""
    return A @ M.T


def pnmm_mixing(M, A, b: float = 1.0):
    """Polynomial post-nonlinear mixing, ``x = Ma + b (Ma) ⊙ (Ma)`` (paper C, eq. 5 with
    ``b = 1``): (B, E), (..., E) -> (..., B)."""
    y = A @ M.T
    return y + b * (y * y)


def bilinear_mixing(M, A):
    """Fan bilinear model, ``x = Ma + sum_{i<j} a_i a_j (m_i ⊙ m_j)``: (B, E), (..., E) -> (..., B)."""
    y = A @ M.T
    pairs = list(combinations(range(M.shape[1]), 2))
    if not pairs:
        return y
    i, j = (list(p) for p in zip(*pairs))
    products = M[:, i] * M[:, j]  # (B, P)
    weights = A[..., i] * A[..., j]  # (..., P)
    return y + weights @ products.T


def mix(M, A, model: str = "linear"):
    """Mix with ``model`` in :data:`MIXING_MODELS`: (B, E), (..., E) -> (..., B)."""
    check_choice("mixing model", model, MIXING_MODELS)
    return {"linear": linear_mixing, "pnmm": pnmm_mixing, "bilinear": bilinear_mixing}[model](M, A)


# ---------------------------------------------------------------------- abundances
def dirichlet_abundances(
    n: int, n_endmembers: int, concentration: float | np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """(n, E) i.i.d. Dirichlet(alpha) abundances; ``concentration`` is a scalar alpha for
    every endmember or an (E,) vector."""
    alpha = np.broadcast_to(np.asarray(concentration, dtype=np.float64), (n_endmembers,))
    return rng.dirichlet(alpha, size=n)


def smooth_field(
    shape: tuple[int, ...], sigma: float, rng: np.random.Generator, n: int | None = None
) -> np.ndarray:
    """Gaussian random field(s): white noise smoothed by a Gaussian of ``sigma`` pixels,
    rescaled to zero mean and unit standard deviation. Returns ``shape`` (float32), or
    ``shape + (n,)`` with ``n`` independent fields (smoothed along the spatial axes only)."""
    full = tuple(shape) + ((n,) if n is not None else ())
    z = rng.standard_normal(full, dtype=np.float32)
    if sigma > 0:
        sig = (sigma,) * len(shape) + ((0.0,) if n is not None else ())
        z = gaussian_filter(z, sig, mode="reflect", truncate=3.0)
    axes = tuple(range(len(shape)))
    z -= z.mean(axis=axes, keepdims=True)
    z /= np.maximum(z.std(axis=axes, keepdims=True), 1e-12)
    return z


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically safe softmax along ``axis`` (keeps the dtype)."""
    z = logits - logits.max(axis=axis, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=axis, keepdims=True)
    return z


def smooth_abundances(
    shape: tuple[int, int],
    n_endmembers: int,
    rng: np.random.Generator,
    sigma: float = 5.0,
    sharpness: float = 3.0,
    prior: np.ndarray | None = None,
) -> np.ndarray:
    """(H, W, E) spatially smooth abundances: ``softmax(log prior + sharpness * z)`` with
    ``z`` independent unit-variance Gaussian random fields of correlation length ``sigma``
    pixels. Larger ``sharpness`` gives purer pixels and crisper regions; 0 gives the prior
    everywhere. Non-negative and summing to one by construction."""
    z = smooth_field(shape, sigma, rng, n=n_endmembers)
    logits = sharpness * z
    if prior is not None:
        logits += np.log(np.maximum(np.asarray(prior, dtype=np.float32), 1e-12))
    return softmax(logits, axis=-1)


# ---------------------------------------------------------------------- spatial modulation
def gaussian_modulation(
    shape: tuple[int, int],
    rng: np.random.Generator,
    n_gaussians: int = 1,
    sigma_range: tuple[float, float] = (0.5, 1.0),
) -> np.ndarray:
    """(H, W) float32 sum of ``n_gaussians`` anisotropic 2-D Gaussians, scaled to a
    maximum of 1 (after Kizel & Shoshany 2018, cited by paper C).

    Each Gaussian has a random centre inside the image, standard deviations drawn
    uniformly from ``sigma_range`` times the image size along each axis, and a random
    orientation.
    """
    h, w = shape
    rows, cols = np.meshgrid(
        np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64), indexing="ij"
    )
    out = np.zeros(shape)
    for _ in range(n_gaussians):
        r0, c0 = rng.uniform(0, h), rng.uniform(0, w)
        sr, sc = rng.uniform(*sigma_range) * h, rng.uniform(*sigma_range) * w
        th = rng.uniform(0, np.pi)
        dr, dc = rows - r0, cols - c0
        u = np.cos(th) * dr + np.sin(th) * dc
        v = -np.sin(th) * dr + np.cos(th) * dc
        out += np.exp(-0.5 * ((u / sr) ** 2 + (v / sc) ** 2))
    return (out / out.max()).astype(np.float32)


# ---------------------------------------------------------------------- noise
def mean_square(x: np.ndarray, chunk: int = 1 << 20) -> float:
    """Mean of ``x**2`` accumulated in float64, in chunks (no full-size temporary)."""
    flat = np.asarray(x).reshape(-1)
    total = 0.0
    for s in range(0, flat.size, chunk):
        c = flat[s : s + chunk].astype(np.float64)
        total += float(np.dot(c, c))
    return total / max(flat.size, 1)


def noise_sigma_for_snr(
    signal: np.ndarray, snr_db: float, weight: np.ndarray | None = None
) -> float:
    """Standard deviation ``s`` such that noise ``s * weight * N(0, 1)`` has an expected
    power ``10 ** (-snr_db / 10)`` times the mean power of ``signal`` (..., B).

    ``weight`` (broadcastable to the spatial shape ``signal.shape[:-1]``) lets the noise
    be modulated spatially while the SNR is still measured over the whole cube."""
    p_signal = mean_square(signal)
    w2 = (
        1.0
        if weight is None
        else float(np.mean(np.square(np.broadcast_to(weight, signal.shape[:-1]), dtype=np.float64)))
    )
    return float(np.sqrt(p_signal / (10.0 ** (snr_db / 10.0)) / w2))


def add_noise_snr(
    x: np.ndarray,
    snr_db: float | None,
    rng: np.random.Generator,
    weight: np.ndarray | None = None,
    signal: np.ndarray | None = None,
    inplace: bool = False,
) -> tuple[np.ndarray, float]:
    """Add zero-mean white Gaussian noise to ``x`` (..., B) at ``snr_db`` dB.

    SNR = 10 log10(signal power / noise power), powers as mean squares over the whole cube;
    ``signal`` (default ``x``) is what the SNR refers to, ``weight`` modulates the noise
    spatially (see :func:`noise_sigma_for_snr`). ``snr_db=None`` adds nothing. Returns the
    noisy array (float32 for float32 input) and the noise standard deviation.
    """
    out = np.ascontiguousarray(x) if inplace else np.array(x, order="C", copy=True)
    if snr_db is None or not np.isfinite(snr_db):
        return out, 0.0
    sigma = noise_sigma_for_snr(x if signal is None else signal, snr_db, weight)
    flat = out.reshape(-1, out.shape[-1])
    wflat = None if weight is None else np.broadcast_to(weight, out.shape[:-1]).reshape(-1)
    step = max(1, 2_000_000 // out.shape[-1])  # add in chunks: no full-size noise temporary
    for start in range(0, flat.shape[0], step):
        n = rng.standard_normal((min(step, flat.shape[0] - start), out.shape[-1]), dtype=np.float32)
        n *= np.float32(sigma)
        if wflat is not None:
            n *= wflat[start : start + n.shape[0], None].astype(np.float32)
        flat[start : start + n.shape[0]] += n
    return out, sigma


def measure_snr_db(clean: np.ndarray, noisy: np.ndarray) -> float:
    """10 log10(sum clean^2 / sum (noisy - clean)^2) over the whole array."""
    c = np.asarray(clean, dtype=np.float64)
    d = np.asarray(noisy, dtype=np.float64) - c
    return float(10.0 * np.log10(np.sum(c * c) / np.sum(d * d)))
