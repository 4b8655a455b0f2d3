"""Figures of the augmentations and pair samplers of :mod:`hsinb.views`.

* :func:`transform_gallery`: every named transform, applied with ``p = 1`` so that it always
  fires, before vs after; on spectra (curves against wavelength) or on patches (false-colour
  images and the centre spectrum).
* :func:`pair_views_figure`: how :class:`~hsinb.views.PairSampler` draws its pairs
  (overlapping p×p windows, or a pixel and a partner in its n×n neighbourhood).

The numbers come from the package (spectral angle: :mod:`hsinb.metrics`; window overlap:
:mod:`hsinb.views.pairs`; changes, label agreement, contrast: :mod:`hsinb.analysis.stats`);
the small helpers at the top of this module only place and stretch what is drawn. The
drawing helpers (``draw_spectra``, ``draw_patch_images``, ...) are shared with the
interactive explorers of :mod:`~hsinb.plots.augment_widgets`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..analysis import stats as analysis
from ..errors import ShapeMismatchError, check_choice
from ..metrics import spectral_angle_deg
from ..scenes.scene import Scene
from ..views import (
    CANONICAL_ORDER,
    SPATIAL,
    TRANSFORMS,
    WAVELENGTH_AWARE,
    PairSampler,
    build_transforms,
)
from ..views.pairs import overlap_offsets, window_overlap
from . import colour
from .spectra import with_gaps

__all__ = [
    "transform_names", "apply_transform", "as_display_batch", "centre_spectra",
    "window_extent", "zoom_limits", "paired_stretch", "band_values", "showcase_patches", "value_label",
    "as_reference", "spectral_x", "change_text", "draw_spectra", "draw_patch_images",
    "transform_gallery", "pair_views_figure",
]  # fmt: skip

#: colours of the samples / pairs in a figure (tab10), repeated when there are more.
SAMPLE_COLOURS = tuple(f"C{i}" for i in range(10))


# ============================================================================ pure helpers
def transform_names(names: str | Iterable[str]) -> list[str]:
    """Registry names in canonical order, duplicates removed.

    ``names``: ``"all"``, one name, a comma-separated string (``"noise, band_drop"``) or an
    iterable of names. Raises :class:`~hsinb.errors.UnknownNameError` for an unknown name.
    """
    if isinstance(names, str):
        if names.strip() == "all":
            return list(CANONICAL_ORDER)
        names = [n.strip() for n in names.split(",") if n.strip()]
    wanted = {check_choice("transform", n, TRANSFORMS) for n in names}
    return [n for n in CANONICAL_ORDER if n in wanted]


def apply_transform(
    x: np.ndarray | torch.Tensor, name: str, seed: int = 0, p: float = 1.0,
    wavelengths: np.ndarray | None = None, **params
) -> torch.Tensor:
    """``x`` after the transform ``name`` (probability ``p``, default 1: it always fires),
    with a fresh CPU generator seeded with ``seed``. ``params`` are the transform's own
    parameters (validated by :func:`~hsinb.views.build_transforms`); ``wavelengths`` (nm,
    one per band) go to the transforms that model physics per wavelength (``atmosphere``)
    unless ``params`` set them. Returns float32."""
    t = torch.as_tensor(np.asarray(x, dtype=np.float32)) if not torch.is_tensor(x) else x.float()
    if wavelengths is not None and name in WAVELENGTH_AWARE:
        params.setdefault("wavelengths", np.asarray(wavelengths, dtype=np.float64))
    pipeline = build_transforms([name], p=p, **{name: dict(params)})
    return pipeline(t, torch.Generator().manual_seed(int(seed)))


def as_display_batch(x: np.ndarray | torch.Tensor) -> np.ndarray:
    """float64 (N, B) spectra or (N, B, p, p) patches from (B,), (N, B), (N, B, p, p) or
    (N, 1, B, p, p) input (a single spectrum becomes a batch of one)."""
    a = x.detach().cpu().numpy() if torch.is_tensor(x) else np.asarray(x)
    a = a.astype(np.float64)
    if a.ndim == 1:
        return a[None]
    if a.ndim == 5 and a.shape[1] == 1:
        return a[:, 0]
    if a.ndim in (2, 4):
        return a
    raise ShapeMismatchError(
        f"expected (B,), (N, B), (N, B, p, p) or (N, 1, B, p, p), got shape {a.shape}"
    )


def centre_spectra(batch: np.ndarray) -> np.ndarray:
    """(N, B) centre-pixel spectra of (N, B, p, p) patches; (N, B) spectra are returned as is."""
    batch = np.asarray(batch)
    if batch.ndim == 2:
        return batch
    p_r, p_c = batch.shape[-2], batch.shape[-1]
    return batch[..., p_r // 2, p_c // 2]


def window_extent(row: int, col: int, size: int) -> tuple[float, float, float, float]:
    """(x0, y0, width, height) of the ``size``×``size`` window centred at pixel (row, col)
    in ``imshow`` coordinates (pixel centres at integers), for a matplotlib ``Rectangle``."""
    half = size // 2
    return col - half - 0.5, row - half - 0.5, float(size), float(size)


def zoom_limits(
    row: int, col: int, half: int, height: int, width: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """((x_left, x_right), (y_bottom, y_top)) axis limits of a (2·half + 1)² view centred on
    (row, col), shifted to stay inside an H × W image where it can (y is inverted, as
    ``imshow`` draws it)."""
    side = 2 * half + 1

    def span(c: int, extent: int) -> tuple[float, float]:
        if side >= extent:
            return -0.5, extent - 0.5
        lo = min(max(c - half, 0), extent - side)
        return lo - 0.5, lo + side - 0.5

    x0, x1 = span(col, width)
    y0, y1 = span(row, height)
    return (x0, x1), (y1, y0)


def paired_stretch(
    before: np.ndarray,
    after: np.ndarray,
    reference: np.ndarray | None = None,
    low: float = 2.0,
    high: float = 98.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Two (H, W, 3) images stretched to [0, 1] with the SAME per-channel limits, so that a
    change of brightness stays visible: the ``low``/``high`` percentiles of ``before``, or of
    ``reference`` (any (..., 3) array, e.g. the whole scene) widened to ``before``'s own range,
    so that a patch on a bright or dark material is not clipped to white or black."""
    if reference is None:
        lo, hi = colour.stretch_limits(np.asarray(before).reshape(-1, 1, 3), low, high)
    else:
        lo, hi = colour.stretch_limits(np.asarray(reference).reshape(-1, 1, 3), low, high)
        flat = np.asarray(before).reshape(-1, 3)
        lo, hi = np.minimum(lo, flat.min(0)), np.maximum(hi, flat.max(0))
    return colour.apply_stretch(before, lo, hi), colour.apply_stretch(after, lo, hi)


def band_values(x: np.ndarray, bands: Sequence[int]) -> np.ndarray:
    """(M, len(bands)) values of the given bands over every pixel of an (H, W, B) cube,
    (N, B) spectra or (N, B, p, p) patches (for colour-stretch limits)."""
    a = np.asarray(x)
    if a.ndim == 4:
        a = np.moveaxis(a, 1, -1)
    return a.reshape(-1, a.shape[-1])[:, list(bands)]


def showcase_patches(scene: Scene, size: int, centres: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], np.ndarray]:
    """Patches for a gallery: the ``size``×``size`` window of ``scene`` whose false colour
    varies most (:func:`contrast_window`) first, then the windows around ``centres``
    ((row, col) pixels). Returns (the first window's centre, patches (n, B, size, size))."""
    from ..patches import extract_patches

    bands = colour.default_rgb_bands(scene.n_bands, scene.rgb_bands, scene.wavelengths)
    anchor = analysis.contrast_window(colour.false_colour_image(scene.cube, bands), size)
    rows = [anchor[0]] + [r for r, _ in centres]
    cols = [anchor[1]] + [c for _, c in centres]
    return anchor, extract_patches(scene.cube, rows, cols, size, layout="2d")


def value_label(units: str, normalisation: str | None = None) -> str:
    """y-axis label of a scene's values: its units, or what a normalisation made of them."""
    if normalisation in (None, "none"):
        return units
    if normalisation == "band_standardise":
        return "z-score (per band)"
    return f"{units}, {normalisation.replace('_', ' ')}"


def as_reference(reference: np.ndarray | torch.Tensor) -> np.ndarray:
    """A stretch reference as numpy: (H, W, B) cubes and (N, B) spectra as given, patches
    in the (N, B, p, p) layout."""
    if torch.is_tensor(reference):
        reference = reference.detach().cpu().numpy()
    a = np.asarray(reference)
    return a if a.ndim == 3 else as_display_batch(a)


def spectral_x(wavelengths: np.ndarray | None, n_bands: int) -> tuple[np.ndarray, str]:
    if wavelengths is not None:
        wl = np.asarray(wavelengths, dtype=np.float64)
        if wl.shape != (n_bands,):
            raise ShapeMismatchError(f"{wl.size} wavelengths for {n_bands} bands")
        return wl, "wavelength (nm)"
    return np.arange(n_bands, dtype=np.float64), "band index"


def change_text(before: np.ndarray, after: np.ndarray, what: str = "") -> str:
    """"θ = 1.2°, Δ = 5 %" (means over samples), or "unchanged" for an identity."""
    if np.array_equal(before, after):
        return f"unchanged{what}"
    ang = spectral_angle_deg(before, after)
    rel = analysis.relative_change(before, after)
    if np.isnan(ang).all():  # e.g. a centre pixel removed: no angle to an all-zero spectrum
        return "set to zero" if not np.any(after) else "θ undefined (all-zero spectrum)"
    text = f"θ = {np.nanmean(ang):.2f}°, Δ = {100 * np.nanmean(rel):.0f} %"
    n_zero = int(np.isnan(ang).sum())
    return text + (f" ({n_zero} zeroed)" if n_zero else "")


def draw_spectra(
    ax: Axes,
    xs: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    sample_names: Sequence[str] | None = None,
    legend: bool = False,
) -> None:
    """Solid before, dashed after, one colour per sample."""
    for i in range(len(before)):
        tint = SAMPLE_COLOURS[i % len(SAMPLE_COLOURS)]
        label = sample_names[i] if sample_names is not None and i < len(sample_names) else f"sample {i}"
        gx, b, a = with_gaps(xs, before[i], after[i])
        ax.plot(gx, b, color=tint, lw=1.3, label=label)
        ax.plot(gx, a, color=tint, lw=1.0, ls="--")
    if legend:
        ax.plot([], [], color="0.3", lw=1.3, label="before")
        ax.plot([], [], color="0.3", lw=1.0, ls="--", label="after")
        ax.legend(fontsize="x-small", frameon=False)


def draw_patch_images(
    ax_before: Axes,
    ax_after: Axes,
    before: np.ndarray,
    after: np.ndarray,
    bands: tuple[int, int, int],
    reference: np.ndarray | None = None,
) -> None:
    """False colour of one (B, p, p) patch before and after, in the same stretch (limits
    from ``reference``, (M, 3) values of the bands; default the patch), with the centre
    pixel outlined."""
    img_b, img_a = paired_stretch(np.moveaxis(before[list(bands)], 0, -1),
                                  np.moveaxis(after[list(bands)], 0, -1), reference)
    p_r, p_c = before.shape[-2:]
    for ax, img in ((ax_before, img_b), (ax_after, img_a)):
        ax.imshow(img, interpolation="nearest")
        ax.add_patch(Rectangle((p_c // 2 - 0.5, p_r // 2 - 0.5), 1, 1, fill=False, ec="red",
                               lw=1.2))
        ax.set_xticks([])
        ax.set_yticks([])


def transform_gallery(
    spectra_or_patches: np.ndarray | torch.Tensor,
    names: str | Iterable[str],
    generator_seed: int = 0,
    wavelengths: np.ndarray | None = None,
    *,
    sample_names: Sequence[str] | None = None,
    rgb_bands: tuple[int, int, int] | None = None,
    reference: np.ndarray | None = None,
    index: int = 0,
    overrides: dict[str, dict] | None = None,
    source: str = "",
    units: str = "value",
    ncols: int = 3,
) -> Figure:
    """Before/after figure of each named transform, applied with ``p = 1``.

    Args:
        spectra_or_patches: (N, B) spectra, (N, B, p, p) or (N, 1, B, p, p) patches.
        names: registry names, ``"all"`` or a comma-separated string (shown in canonical
            order, see :func:`transform_names`).
        generator_seed: every transform gets a fresh generator seeded with this.
        wavelengths: (B,) band centres in nm (x axis); default the band index.
        sample_names: legend names of the spectra (default "sample i").
        rgb_bands: bands of the false-colour patches (default: nearest 640/550/460 nm, or
            60/40/15 % of the band range).
        reference: an (H, W, B) cube, (M, B) spectra or patches whose 2–98 percentiles
            of the three bands fix the colour stretch of before AND after (pass the scene's
            cube: the stretch of a single 9×9 patch blows up its noise); default: all
            patches of the batch.
        index: which patch of the batch is shown (the whole batch is transformed).
        overrides: per-transform parameters, e.g. ``{"noise": {"std": 0.2}}``.
        source: where the data came from (a scene's ``display_name``), put in the title.
        units: y-axis label of the spectra.
        ncols: panels per row for spectra.

    Spectra: one panel per transform with the N spectra before (solid) and after (dashed).
    Patches: one row per transform: false colour before and after (one stretch for both,
    the centre pixel outlined) and the centre spectrum before and after. Titles give the
    mean spectral angle θ and relative change Δ between before and after.
    """
    names, x = transform_names(names), as_display_batch(spectra_or_patches)
    if not names:
        raise ValueError("no transform to show")
    overrides = overrides or {}
    n_bands = x.shape[1]
    xs, xlabel = spectral_x(wavelengths, n_bands)
    afters = {
        n: as_display_batch(apply_transform(x, n, generator_seed, wavelengths=wavelengths,
                                            **overrides.get(n, {})))
        for n in names
    }
    where = f"{source}: " if source else ""
    if x.ndim == 2:
        ncols = max(1, min(ncols, len(names)))
        nrows = -(-len(names) // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.9 * nrows),
                                 layout="constrained", squeeze=False, sharex=True)
        for k, ax in enumerate(axes.ravel()):
            if k >= len(names):
                ax.set_axis_off()
                continue
            n = names[k]
            after = afters[n]
            note = " (identity on spectra)" if n in SPATIAL or n == "pixel_drop" else ""
            draw_spectra(ax, xs, x, after, sample_names, legend=(k == 0))
            ax.set_title(f"{n}: {change_text(x, after, note)}", fontsize="small")
            if k // ncols == nrows - 1 or k + ncols >= len(names):
                ax.set_xlabel(xlabel)
            if k % ncols == 0:
                ax.set_ylabel(units)
        fig.suptitle(f"{where}{len(names)} transforms on {len(x)} spectra "
                     f"(solid before, dashed after; p = 1, seed {generator_seed})",
                     fontsize="medium")
        return fig

    if not 0 <= index < len(x):
        raise ValueError(f"index {index} outside the batch of {len(x)} patches")
    bands = colour.default_rgb_bands(n_bands, rgb_bands, wavelengths)
    fig, axes = plt.subplots(len(names), 3, figsize=(10.5, 2.5 * len(names)),
                             layout="constrained", squeeze=False,
                             width_ratios=[1.0, 1.0, 2.6])
    before = x[index]
    ref = band_values(x if reference is None else as_reference(reference), bands)
    for k, n in enumerate(names):
        after = afters[n][index]
        ax_b, ax_a, ax_s = axes[k]
        draw_patch_images(ax_b, ax_a, before, after, bands, ref)
        changed = "unchanged" if np.array_equal(before, after) else "after"
        ax_b.set_title(f"{n}: before", fontsize="small")
        ax_a.set_title(f"{n}: {changed}", fontsize="small")
        cb, ca = centre_spectra(before[None]), centre_spectra(after[None])
        draw_spectra(ax_s, xs, cb, ca, ["centre pixel"], legend=(k == 0))
        ax_s.set_title(f"centre spectrum: {change_text(cb, ca)}", fontsize="small")
        ax_s.set_ylabel(units)
        if k == len(names) - 1:
            ax_s.set_xlabel(xlabel)
    p_r, p_c = x.shape[-2:]
    fig.suptitle(f"{where}{len(names)} transforms on a {p_r}×{p_c} patch (p = 1, seed "
                 f"{generator_seed}); false colour R, G, B = bands {bands}", fontsize="medium")
    return fig


def _draw_pairs(
    ax: Axes,
    rgb: np.ndarray,
    mode: str,
    ra: np.ndarray,
    ca: np.ndarray,
    rb: np.ndarray,
    cb: np.ndarray,
    size: int,
    neighbourhood: int,
    annotate: bool = True,
) -> None:
    ax.imshow(rgb, interpolation="nearest")
    for k in range(len(ra)):
        tint = SAMPLE_COLOURS[k % len(SAMPLE_COLOURS)]
        if mode == "neighbour":
            x0, y0, w, h = window_extent(ra[k], ca[k], neighbourhood)
            ax.add_patch(Rectangle((x0, y0), w, h, fill=False, ec=tint, lw=1.2))
            ax.plot([ca[k], cb[k]], [ra[k], rb[k]], color=tint, lw=1.0)
            ax.plot(ca[k], ra[k], "o", mfc="none", mec=tint, ms=6, mew=1.5)
            ax.plot(cb[k], rb[k], "x", color=tint, ms=6, mew=1.5)
            if size > 1:
                x0, y0, w, h = window_extent(rb[k], cb[k], size)
                ax.add_patch(Rectangle((x0, y0), w, h, fill=False, ec=tint, lw=0.8, ls=":"))
        else:
            for r, c, ls in ((ra[k], ca[k], "-"), (rb[k], cb[k], "--")):
                x0, y0, w, h = window_extent(r, c, size)
                ax.add_patch(Rectangle((x0, y0), w, h, fill=False, ec=tint, lw=1.5, ls=ls))
            if annotate:
                o = float(window_overlap(ra[k], ca[k], rb[k], cb[k], size))
                x0, y0, _, _ = window_extent(min(ra[k], rb[k]), min(ca[k], cb[k]), size)
                ax.annotate(f"{o:.2f}", (x0, y0), xytext=(0, 2), textcoords="offset points",
                            color=tint, fontsize="small", fontweight="bold",
                            va="bottom", ha="left")
    ax.set_xticks([])
    ax.set_yticks([])


def pair_views_figure(
    scene: Scene,
    mode: str = "overlap",
    n_pairs: int = 4,
    size: int | None = None,
    neighbourhood: int = 5,
    min_overlap: float = 0.5,
    seed: int = 0,
    pixels: tuple | None = None,
    bands: tuple[int, int, int] | None = None,
    n_stats: int = 10_000,
) -> Figure:
    """How :class:`~hsinb.views.PairSampler` draws pairs on a scene, before any transform.

    Args:
        scene: the scene (its cube as the sampler would get it).
        mode: ``"overlap"`` (p×p windows overlapping by ≥ ``min_overlap``), ``"neighbour"``
            (a partner in the n×n neighbourhood) or ``"same"``.
        n_pairs: pairs drawn and drawn in (distinct colours).
        size: window size p (default 9 for ``"overlap"``/``"same"``, 1 for ``"neighbour"``).
        neighbourhood: n for ``"neighbour"`` (paper: 5).
        min_overlap: for ``"overlap"`` (paper: 0.5).
        seed: seed of the sampler's generator.
        pixels: optional anchor pixels (rows, cols), as for the sampler.
        bands: false-colour bands (default ``scene.rgb_bands``).
        n_stats: pairs drawn (centres only) for the label-agreement numbers in the title.

    Panels: the false-colour scene with the pairs (overlap: anchor window solid, partner
    dashed, labelled with their overlap fraction; neighbour: anchor circle, its n×n window,
    partner cross); a zoom on the first pair; anchor (solid) vs partner (dashed) centre
    spectra; for ``"overlap"`` also the overlap fractions of all offsets the sampler draws
    from.
    """
    mode = check_choice("pair mode", mode, ("overlap", "neighbour", "same"))
    size = int(size if size is not None else (1 if mode == "neighbour" else 9))
    sampler = PairSampler(scene.cube, mode, size=size, min_overlap=min_overlap,
                          neighbourhood=neighbourhood, pixels=pixels)
    gen = torch.Generator().manual_seed(int(seed))
    ra, ca, rb, cb = (t.numpy() for t in sampler.sample_centres(n_pairs, gen))
    sa, sca, sb, scb = (t.numpy() for t in sampler.sample_centres(n_stats, gen))
    agree, n_both = analysis.label_agreement(scene.labels, sa, sca, sb, scb)

    bands = colour.default_rgb_bands(scene.n_bands, bands or scene.rgb_bands, scene.wavelengths)
    rgb = colour.false_colour_image(scene.cube, bands)
    h, w, _ = scene.shape
    n_panels = 4 if mode == "overlap" else 3
    ratios = [1.0, 1.0, 1.6, 1.1][:n_panels]
    fig, axes = plt.subplots(1, n_panels, figsize=(3.6 * sum(ratios), 4.2),
                             layout="constrained", width_ratios=ratios)

    _draw_pairs(axes[0], rgb, mode, ra, ca, rb, cb, size, neighbourhood)
    axes[0].set_title(f"{n_pairs} pairs, bands {bands}", fontsize="small")

    half = (size if mode != "neighbour" else max(neighbourhood, size)) + 1
    _draw_pairs(axes[1], rgb, mode, ra[:1], ca[:1], rb[:1], cb[:1], size, neighbourhood)
    (x0, x1), (y0, y1) = zoom_limits(int(ra[0]), int(ca[0]), half, h, w)
    axes[1].set_xlim(x0, x1)
    axes[1].set_ylim(y0, y1)
    axes[1].set_title(f"zoom on pair 1: ({ra[0]}, {ca[0]}) → ({rb[0]}, {cb[0]})",
                      fontsize="small")

    xs, xlabel = spectral_x(scene.wavelengths, scene.n_bands)
    ax = axes[2]
    for k in range(n_pairs):
        tint = SAMPLE_COLOURS[k % len(SAMPLE_COLOURS)]
        la, lb = int(scene.labels[ra[k], ca[k]]), int(scene.labels[rb[k], cb[k]])
        name_a = scene.class_names[la - 1] if la else "unlabelled"
        name_b = scene.class_names[lb - 1] if lb else "unlabelled"
        ang = float(spectral_angle_deg(scene.cube[ra[k], ca[k]], scene.cube[rb[k], cb[k]]))
        extra = (f", overlap {float(window_overlap(ra[k], ca[k], rb[k], cb[k], size)):.2f}"
                 if mode == "overlap" else "")
        gx, a, b = with_gaps(xs, scene.cube[ra[k], ca[k]], scene.cube[rb[k], cb[k]])
        ax.plot(gx, a, color=tint, lw=1.3, label=f"{k + 1}: {name_a} → {name_b}, θ = {ang:.1f}°{extra}")
        ax.plot(gx, b, color=tint, lw=1.0, ls="--")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(value_label(scene.units, scene.meta.get("normalisation")))
    ax.set_title("centre spectra: anchor (solid), partner (dashed)", fontsize="small")
    ax.legend(fontsize="x-small", frameon=False)

    if mode == "overlap":
        ax = axes[3]
        offs = overlap_offsets(sampler.size, min_overlap).numpy()
        frac = window_overlap(0, 0, offs[:, 0], offs[:, 1], sampler.size)
        values, counts = np.unique(np.round(frac, 12), return_counts=True)
        ax.bar(values, counts / counts.sum(), width=0.012, color="0.5")
        for k in range(n_pairs):
            ax.axvline(float(window_overlap(ra[k], ca[k], rb[k], cb[k], size)),
                       color=SAMPLE_COLOURS[k % len(SAMPLE_COLOURS)], lw=1.2, ls="--")
        ax.set_xlabel("overlap fraction")
        ax.set_ylabel("probability")
        ax.set_title(f"{len(offs)} allowed offsets, mean overlap {frac.mean():.2f}",
                     fontsize="small")

    what = {
        "overlap": f"overlapping {size}×{size} patches (overlap ≥ {min_overlap:g})",
        "neighbour": f"neighbour pixels in a {neighbourhood}×{neighbourhood} window",
        "same": f"the same {size}×{size} window twice",
    }[mode]
    share = (f"{100 * agree:.0f} % of {n_both} drawn pairs with two labelled centres share "
             "their label" if n_both else "no drawn pair has two labelled centres")
    fig.suptitle(f"{scene.display_name}: {what}; {share}", fontsize="medium")
    return fig
