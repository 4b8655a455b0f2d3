"""Simulated stand-ins for the benchmark scenes whose image cubes are not available.

The real label map is the spatial layout. Each class is a recipe of materials (see
:mod:`.standin_recipes`); pixels are rendered with an extended linear mixing model

    x(p) = g(p) * [ M a(p) - delta(p) * dM/dlambda a(p) ] + n(p)

where ``a(p)`` mixes the class recipes by smoothed class-indicator maps (mixed pixels
along region borders), each recipe's proportions vary along smooth random fields
(within-class variability), unlabelled pixels get a smooth random mixture of the scene's
background materials, ``g`` is a smooth illumination field with a little per-pixel
jitter, ``delta`` a smooth spectral shift in nm (first-order Taylor term) and ``n`` white
Gaussian noise at a given SNR. ``Scene.abundances`` holds ``a`` and ``Scene.endmembers``
holds ``M``; ``g``, ``delta`` and ``n`` are not part of them.
"""

from __future__ import annotations

import math
import warnings
import zlib
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.ndimage import gaussian_filter

from ...errors import DataFileNotFoundError, InvalidValuesError, ShapeMismatchError
from ..library import SpectralLibrary, load_usgs_library, resample_spectra
from ..scene import Scene
from ..sensors import rgb_from_wavelengths
from .mixing import add_noise_snr, smooth_field, softmax
from .procedural import material_spectrum
from .standin_recipes import DEFAULT_BACKGROUND, RECIPES, parse_recipe, recipe_for

STANDIN_SCENES = tuple(RECIPES)


@dataclass(frozen=True)
class Variability:
    """Every knob of the renderer (lengths in pixels, shifts in nm, SNR in dB)."""

    snr_db: float | None = 30.0  # None: no noise
    illumination_std: float = 0.08  # std of log illumination, smooth part
    illumination_sigma: float = 15.0
    pixel_illumination_std: float = 0.02  # std of log illumination, per pixel
    abundance_std: float = 0.5  # std of the log recipe proportions
    abundance_sigma: float = 4.0
    n_abundance_fields: int = 4
    shift_nm: float = 1.5  # std of the smooth spectral shift
    shift_sigma: float = 25.0
    border_sigma: float = 0.8  # class-boundary mixing
    closeness: float = 0.3  # how far similar classes' recipes move towards each other
    material_jitter: float = 0.03  # relative jitter of procedural material parameters
    background_sigma: float = 6.0
    background_sharpness: float = 2.5

    @classmethod
    def from_difficulty(cls, difficulty: float = 1.0, **overrides) -> Variability:
        """Scale noise amplitude, variability and class closeness linearly with
        ``difficulty`` (0 = clean, pure recipes; 1 = default; 2 = twice the noise std etc.)."""
        d = max(0.0, float(difficulty))
        base = cls()
        snr = None if d == 0 else base.snr_db - 20.0 * math.log10(d)
        vals = dict(
            snr_db=snr,
            illumination_std=base.illumination_std * d,
            pixel_illumination_std=base.pixel_illumination_std * d,
            abundance_std=base.abundance_std * d,
            shift_nm=base.shift_nm * d,
            closeness=min(0.9, base.closeness * d),
            material_jitter=base.material_jitter * d,
        )
        vals.update(overrides)
        return cls(**{**asdict(base), **vals})


@dataclass
class Rendered:
    """Output of :func:`render_labelled_scene`."""

    cube: np.ndarray  # (H, W, B) float32
    abundances: np.ndarray  # (H, W, E) float32
    endmembers: np.ndarray  # (B, E) float32
    material_names: list[str]
    class_signatures: np.ndarray  # (C, B) recipe @ M.T, no variability
    meta: dict = field(default_factory=dict)


# ---------------------------------------------------------------------- materials
def material_spectra(
    names: list[str],
    wl: np.ndarray,
    library: SpectralLibrary | None,
    rng: np.random.Generator,
    jitter: float = 0.0,
) -> tuple[np.ndarray, list[str]]:
    """(B, E) float32 spectra of recipe materials on ``wl`` (nm), and their display names.

    ``usgs:NAME|fallback`` takes the USGS spectrum (resampled) or, without a library,
    the procedural ``fallback``; other names are procedural presets."""
    cols, shown = [], []
    usgs = [n for n in names if n.startswith("usgs:")]
    lib_idx: dict[str, int] = {}
    if library is not None and usgs:
        lib_idx = {n: library.index(n[5:].split("|")[0]) for n in usgs}
        picked = resample_spectra(
            library.spectra[list(lib_idx.values())], library.wavelengths_nm, wl
        )
        lib_rows = dict(zip(lib_idx, picked))
    for n in names:
        if n in lib_idx:
            cols.append(lib_rows[n])
            shown.append(f"USGS {library.names[lib_idx[n]]}")
        else:
            preset = n.split("|")[1] if n.startswith("usgs:") else n
            cols.append(material_spectrum(preset, wl, rng, jitter))
            shown.append(
                f"{preset} (for {n[5:].split('|')[0]})" if n.startswith("usgs:") else preset
            )
    return np.stack(cols, axis=1).astype(np.float32), shown


def _derivative(M: np.ndarray, wl: np.ndarray) -> np.ndarray:
    """(B, E) dM/dlambda per nm, robust to unsorted or repeated band centres."""
    order = np.argsort(wl, kind="stable")
    ws = np.asarray(wl, dtype=np.float64)[order]
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (
            np.gradient(M[order].astype(np.float64), ws, axis=0)
            if ws.size > 1
            else np.zeros(M.shape)
        )
    d[~np.isfinite(d)] = 0.0
    out = np.empty_like(d)
    out[order] = d
    return out.astype(np.float32)


# ---------------------------------------------------------------------- renderer
def render_labelled_scene(
    labels: np.ndarray,
    class_recipes: list[dict[str, float]],
    background: dict[str, float],
    wavelengths_nm: np.ndarray,
    var: Variability,
    seed: int | np.random.SeedSequence,
    library: SpectralLibrary | None = None,
) -> Rendered:
    """Render a cube for ``labels`` (H, W) with label ``c`` made of ``class_recipes[c-1]``
    ({material: proportion}) and label 0 of a smooth mixture of ``background`` materials.
    Vectorised: one loop over classes and one over pixel chunks, float32 throughout."""
    labels = np.asarray(labels)
    h, w = labels.shape
    n_pix, n_cls = h * w, len(class_recipes)
    wl = np.asarray(wavelengths_nm, dtype=np.float64)
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    r_mat, r_ab, r_bg, r_ill, r_shift, r_noise = (np.random.default_rng(s) for s in ss.spawn(6))

    names: list[str] = []
    for rec in [*class_recipes, background]:
        names += [m for m in rec if m not in names]
    M, shown = material_spectra(names, wl, library, r_mat, var.material_jitter)
    col = {m: i for i, m in enumerate(names)}
    R = np.zeros((n_cls, len(names)), dtype=np.float32)
    for c, rec in enumerate(class_recipes):
        for m, v in rec.items():
            R[c, col[m]] = v
    R = pull_similar_recipes(R, M, var.closeness)
    bg_cols = np.array([col[m] for m in background])
    bg_prior = np.array([background[m] for m in background], dtype=np.float32)

    weights = _class_weights(labels, n_cls, var.border_sigma)  # (N, C+1)
    A = np.zeros((n_pix, len(names)), dtype=np.float32)
    phi = smooth_field((h, w), var.abundance_sigma, r_ab, n=var.n_abundance_fields).reshape(
        n_pix, -1
    )
    for c in range(n_cls):
        idx = np.flatnonzero(weights[:, c + 1] > 1e-4)
        if idx.size == 0:
            continue
        g = r_ab.standard_normal((phi.shape[1], len(names))).astype(np.float32) / np.sqrt(
            phi.shape[1]
        )
        p = R[c] * np.exp(var.abundance_std * (phi[idx] @ g))
        p /= p.sum(axis=1, keepdims=True)
        A[idx] += weights[idx, c + 1, None] * p
    idx = np.flatnonzero(weights[:, 0] > 1e-4)
    if idx.size:
        z = smooth_field((h, w), var.background_sigma, r_bg, n=len(bg_cols)).reshape(n_pix, -1)[idx]
        s = softmax(np.log(bg_prior) + var.background_sharpness * z, axis=1)
        A[idx[:, None], bg_cols[None, :]] += weights[idx, 0, None] * s
    A /= A.sum(axis=1, keepdims=True)
    del weights, phi

    illum = np.exp(
        var.illumination_std * smooth_field((h, w), var.illumination_sigma, r_ill).ravel()
        + var.pixel_illumination_std * r_ill.standard_normal(n_pix, dtype=np.float32)
    ).astype(np.float32)
    shift = (var.shift_nm * smooth_field((h, w), var.shift_sigma, r_shift).ravel()).astype(
        np.float32
    )
    cube = _mix_chunks(A, M, _derivative(M, wl) if var.shift_nm else None, illum, shift)
    cube, sigma = add_noise_snr(cube, var.snr_db, r_noise, inplace=True)
    return Rendered(
        cube=cube.reshape(h, w, -1),
        abundances=A.reshape(h, w, -1),
        endmembers=M,
        material_names=shown,
        class_signatures=R @ M.T,
        meta={"noise_sigma": sigma, "recipe_matrix": R, "recipe_materials": names},
    )


def pull_similar_recipes(R: np.ndarray, M: np.ndarray, closeness: float) -> np.ndarray:
    """Move each class recipe (row of R, (C, E)) towards the recipes of the classes whose
    signatures (R M^T) are near its own, by at most ``closeness``.

    Weights ``w_cj = exp(-(d_cj / tau)^2)`` with ``d`` the RMS distance between signatures
    and ``tau`` the median nearest-neighbour distance; class ``c`` moves by
    ``closeness * max_j w_cj`` towards the ``w``-weighted mean of the others. Classes that
    are already similar become harder to separate; isolated ones (water) hardly move."""
    n = R.shape[0]
    if n < 2 or closeness <= 0:
        return R
    sig = R.astype(np.float64) @ M.T.astype(np.float64)
    d = np.sqrt(np.mean((sig[:, None, :] - sig[None, :, :]) ** 2, axis=2))
    np.fill_diagonal(d, np.inf)
    tau = max(float(np.median(d.min(axis=1))), 1e-9)
    w = np.exp(-((d / tau) ** 2))
    target = (w @ R) / np.maximum(w.sum(axis=1, keepdims=True), 1e-30)
    f = (closeness * w.max(axis=1))[:, None]
    return ((1.0 - f) * R + f * target).astype(np.float32)


def _class_weights(labels: np.ndarray, n_classes: int, sigma: float) -> np.ndarray:
    """(H*W, C+1) float32 smoothed one-hot maps of labels 0..C (rows sum to one)."""
    h, w = labels.shape
    onehot = np.zeros((h, w, n_classes + 1), dtype=np.float32)
    np.put_along_axis(onehot, labels[..., None].astype(np.intp), 1.0, axis=2)
    if sigma > 0:
        onehot = gaussian_filter(onehot, (sigma, sigma, 0.0), mode="nearest", truncate=3.0)
    return onehot.reshape(h * w, -1)


def _mix_chunks(
    A: np.ndarray, M: np.ndarray, dM: np.ndarray | None, illum: np.ndarray, shift: np.ndarray
) -> np.ndarray:
    """(N, B) float32 ``illum * (A M^T - shift * A dM^T)`` computed in pixel chunks."""
    n_pix, n_bands = A.shape[0], M.shape[0]
    out = np.empty((n_pix, n_bands), dtype=np.float32)
    mt = np.ascontiguousarray(M.T)
    dmt = None if dM is None else np.ascontiguousarray(dM.T)
    step = 65536
    for s in range(0, n_pix, step):
        a = A[s : s + step]
        y = a @ mt
        if dmt is not None:
            y -= shift[s : s + step, None] * (a @ dmt)
        y *= illum[s : s + step, None]
        out[s : s + step] = y
    return out


# ---------------------------------------------------------------------- stand-ins
def _library_or_none(library: SpectralLibrary | None, needed: bool) -> tuple[SpectralLibrary | None, str]:
    if not needed:
        return library, "not used (this scene's recipes are procedural materials only)"
    if library is not None:
        return library, library.source or "given"
    try:
        lib = load_usgs_library()
        return lib, lib.source
    except DataFileNotFoundError as err:
        warnings.warn(f"{err}; stand-in uses procedural fallbacks only", stacklevel=3)
        return None, "none (procedural fallbacks)"


def make_standin(
    name: str,
    labels: np.ndarray,
    split_maps: dict[str, np.ndarray] | None,
    class_names: list[str],
    wavelengths_nm: np.ndarray,
    difficulty: float = 1.0,
    seed: int = 0,
    library: SpectralLibrary | None = None,
) -> Scene:
    """A simulated ``name-sim`` scene on the real label map ``labels`` (H, W; 0 = unlabelled).

    ``wavelengths_nm`` (B,) is the sensor's band grid; ``difficulty`` scales noise,
    within-class variability and class-recipe closeness (see
    :meth:`Variability.from_difficulty`); ``library`` defaults to the USGS library in
    the data folder (procedural fallbacks, with a warning, where it is missing). Same
    ``(name, seed)`` gives the same cube. Recipes: :data:`standin_recipes.RECIPES`.
    """
    labels = np.asarray(labels)
    if labels.ndim != 2:
        raise ShapeMismatchError(f"{name}: label map must be H x W, got shape {labels.shape}")
    if wavelengths_nm is None:
        raise InvalidValuesError(f"{name}: a stand-in needs the sensor's wavelengths (nm)")
    wl = np.asarray(wavelengths_nm, dtype=np.float64)
    top = int(labels.max(initial=0))
    if top > len(class_names):
        raise InvalidValuesError(f"{name}: label id {top} but only {len(class_names)} class names")
    found = [recipe_for(name, c) for c in class_names]
    bg = RECIPES.get(name, {}).get("background", DEFAULT_BACKGROUND)
    needs_library = any("usgs:" in r for r, _ in found) or "usgs:" in bg
    lib, lib_source = _library_or_none(library, needs_library)
    var = Variability.from_difficulty(difficulty)
    ss = np.random.SeedSequence([int(seed), zlib.crc32(name.encode())])
    # pixels that only a split map labels (PaviaU's fixed training map labels 1147 pixels the
    # ground truth leaves at 0) get their class's spectra too; Scene.labels stays the real map
    layout = labels.copy()
    for m in (split_maps or {}).values():
        extra = (layout == 0) & (np.asarray(m) > 0)
        layout[extra] = np.asarray(m)[extra]
    out = render_labelled_scene(
        layout, [parse_recipe(r) for r, _ in found], parse_recipe(bg), wl, var, ss, lib
    )
    sensor = RECIPES.get(name, {}).get("sensor", "unknown")
    return Scene(
        name=f"{name}-sim",
        cube=out.cube,
        labels=labels,
        class_names=list(class_names),
        wavelengths=wl,
        sensor=f"{sensor} (simulated)",
        rgb_bands=rgb_from_wavelengths(wl, wl.size),
        abundances=out.abundances,
        endmembers=out.endmembers,
        endmember_names=out.material_names,
        split_maps=dict(split_maps or {}),
        simulated=True,
        source=f"simulator: hsinb.scenes.simulate.standins on the real {name} label map",
        units="reflectance (simulated)",
        meta={
            "generator": "make_standin",
            "difficulty": float(difficulty),
            "seed": int(seed),
            "variability": asdict(var),
            "recipes": {c: r for c, (r, _) in zip(class_names, found)},
            "recipe_source": {c: how for c, (_, how) in zip(class_names, found)},
            "background_recipe": bg,
            "library": lib_source,
            "class_signatures": out.class_signatures,
            **out.meta,
        },
    )
