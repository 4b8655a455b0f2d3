"""The synthetic scene of paper C, section 4.1 (spectral-spatial contrastive regression).

Recipe, as written in the paper: four endmembers drawn at random from the USGS digital
spectral library (224 contiguous bands); 100 x 100 pixels with Dirichlet abundances;
polynomial post-nonlinear mixing ``x = Ma + Ma ⊙ Ma + n``; zero-mean Gaussian noise at
20 dB SNR; the cube "modulated spatially by multiplying it with a 2D Gaussian pattern";
then cut into 10 x 10 patches, each labelled with its mean abundances (the regression
target).

Choices the paper leaves open, made here and recorded in ``Scene.meta``:
  - Dirichlet concentration: 1 (uniform on the simplex), i.i.d. per pixel (the default of
    this function, the literal recipe). i.i.d. abundances have no spatial structure, so
    10 x 10 patch means are all close to 1/E; ``spatial="smooth"`` gives spatially
    correlated (logistic-normal) abundances instead. Method C (notebook 06,
    ``hsinb.experiments.method_c.load_regression_scene``) uses ``"smooth"`` by default and
    says why; ``load_scene("synthetic-c")`` alone gives the literal ``"iid"`` scene.
  - Noise order: eq. (5) adds ``n`` before the modulation, so the noise is modulated too
    (``noise_before_modulation=True``); its level is set so that the final cube has the
    requested SNR (10 log10 of mean squared clean signal over mean squared noise, whole
    cube). ``False`` adds unmodulated noise after the modulation.
  - The Gaussian pattern: one anisotropic 2-D Gaussian (random centre in the image,
    standard deviations 0.5-1 times the image size), scaled to a maximum of 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import PatchSizeError, check_choice
from ..library import load_usgs_library
from ..scene import Scene
from ..sensors import rgb_from_wavelengths
from .mixing import (
    MIXING_MODELS,
    add_noise_snr,
    dirichlet_abundances,
    gaussian_modulation,
    mix,
    smooth_abundances,
)

SPATIAL_MODES = ("iid", "smooth")


def patch_mean_abundances(abundances: np.ndarray, patch: int) -> np.ndarray:
    """(H/patch, W/patch, E) mean abundances of non-overlapping ``patch`` x ``patch`` tiles
    of ``abundances`` (H, W, E); H and W must be multiples of ``patch``."""
    h, w, e = abundances.shape
    if patch < 1 or h % patch or w % patch:
        raise PatchSizeError(
            f"patch size {patch} must be positive and divide the scene size {h} x {w}"
        )
    tiles = abundances.reshape(h // patch, patch, w // patch, patch, e)
    return tiles.mean(axis=(1, 3), dtype=np.float64).astype(abundances.dtype)


def make_paper_c_scene(
    size: int = 100,
    n_endmembers: int = 4,
    snr_db: float | None = 20.0,
    mixing: str = "pnmm",
    modulation: bool = True,
    concentration: float = 1.0,
    patch: int = 10,
    seed: int = 0,
    library_path: str | Path | None = None,
    spatial: str = "iid",
    smooth_sigma: float = 8.0,
    noise_before_modulation: bool = True,
) -> Scene:
    """Paper C's synthetic scene (see the module docstring), ``size`` x ``size`` x 224.

    Args:
        mixing: ``"pnmm"`` (paper), ``"linear"`` or ``"bilinear"`` (Fan).
        concentration: Dirichlet alpha (``spatial="iid"``); with ``"smooth"`` the
            abundances are ``softmax(z * 2.5 / concentration)`` of Gaussian random fields
            ``z`` of correlation length ``smooth_sigma`` px, so larger means more mixed.
        snr_db: None for a noise-free cube.
        seed: picks the endmembers, abundances, modulation and noise (independent streams,
            so switching noise off leaves the rest unchanged).

    Returns a :class:`Scene` named ``"synthetic-c"`` with ``abundances`` (H, W, E),
    ``endmembers`` (224, E), ``labels`` = dominant endmember (1..E) and in ``meta``:
    ``patch_abundances`` (H/patch, W/patch, E), ``modulation_map`` (H, W), the library
    indices and every option.
    """
    check_choice("mixing model", mixing, MIXING_MODELS)
    check_choice("abundance layout", spatial, SPATIAL_MODES)
    if size % patch:
        raise PatchSizeError(f"patch size {patch} must divide the scene size {size}")
    lib = load_usgs_library(library_path)
    r_end, r_ab, r_mod, r_noise = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )
    picks = np.sort(r_end.choice(len(lib), size=n_endmembers, replace=False))
    M = np.asarray(lib.spectra[picks].T, dtype=np.float64)  # (224, E)

    if spatial == "iid":
        A = dirichlet_abundances(size * size, n_endmembers, concentration, r_ab)
        A = A.reshape(size, size, n_endmembers)
    else:
        A = smooth_abundances((size, size), n_endmembers, r_ab, smooth_sigma, 2.5 / concentration)
    A = A.astype(np.float32)
    clean = mix(M, A.astype(np.float64), mixing)  # (H, W, B)

    gmap = (
        gaussian_modulation((size, size), r_mod)
        if modulation
        else np.ones((size, size), np.float32)
    )
    signal = (clean * gmap[..., None]).astype(np.float32)
    weight = gmap if (modulation and noise_before_modulation) else None
    cube, sigma = add_noise_snr(signal, snr_db, r_noise, weight=weight, inplace=True)

    names = [lib.names[i] for i in picks]
    options = dict(
        size=size, n_endmembers=n_endmembers, snr_db=snr_db, mixing=mixing,
        modulation=modulation, concentration=concentration, patch=patch, seed=seed,
        library_path=str(lib.source), spatial=spatial, smooth_sigma=smooth_sigma,
        noise_before_modulation=noise_before_modulation,
    )  # fmt: skip
    wl = np.asarray(lib.wavelengths_nm, dtype=np.float64)
    return Scene(
        name="synthetic-c",
        cube=cube,
        labels=(A.argmax(axis=2) + 1).astype(np.int64),
        class_names=names,
        wavelengths=wl,
        sensor="AVIRIS bands of the USGS 1995 library (simulated)",
        rgb_bands=rgb_from_wavelengths(wl, wl.size),
        abundances=A,
        endmembers=M.astype(np.float32),
        endmember_names=names,
        simulated=True,
        source="simulator: paper C section 4.1 recipe on the USGS 1995 library",
        units="reflectance (simulated; PNMM values can exceed 1)",
        meta={
            "generator": "make_paper_c_scene",
            "options": options,
            **options,
            "library_indices": picks.tolist(),
            "patch_abundances": patch_mean_abundances(A, patch),
            "modulation_map": gmap,
            "noise_sigma": sigma,
            "labels_are": "dominant endmember per pixel (argmax of abundances)",
        },
    )
