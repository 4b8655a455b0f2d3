"""Figures of one :class:`~hsinb.scenes.Scene`: false colour, label map, spectra, statistics.

Every function takes a scene (and an optional matplotlib ``ax`` to draw into), returns the
:class:`~matplotlib.figure.Figure`, and puts ``scene.display_name`` in the title so that a
simulated scene ("paviaU-sim", "demo (simulated)") is never mistaken for a real one.
The numbers come from :mod:`hsinb.analysis.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..analysis import stats as analysis
from ..errors import ShapeMismatchError
from ..scenes.scene import Scene
from . import colour
from .spectra import with_gaps

#: categorical colours for classes 1, 2, ...; class 0 (unlabelled) is always black.
#: tab10, then the light tab20 shades, then tab20b: 30 distinct colours, then repeated.
CLASS_PALETTE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
    "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
    "#5254a3", "#8ca252", "#bd9e39", "#ad494a", "#a55194", "#6b6ecf",
)  # fmt: skip
UNLABELLED_COLOUR = "#000000"


def class_colours(n_classes: int) -> np.ndarray:
    """(C + 1, 4) RGBA colours: row 0 black (unlabelled), row c the colour of class c."""
    rows = [to_rgba(UNLABELLED_COLOUR)]
    rows += [to_rgba(CLASS_PALETTE[i % len(CLASS_PALETTE)]) for i in range(n_classes)]
    return np.array(rows)


def class_cmap(n_classes: int) -> tuple[ListedColormap, BoundaryNorm]:
    """Colormap and norm that draw label id c (0..C) in ``class_colours(C)[c]``."""
    cmap = ListedColormap(class_colours(n_classes), name=f"hsinb_classes_{n_classes}")
    norm = BoundaryNorm(np.arange(-0.5, n_classes + 1.5), cmap.N)
    return cmap, norm


def spectral_axis(scene: Scene) -> tuple[np.ndarray, str]:
    """x values for spectra: (B,) wavelengths in nm, or band indices 0..B-1 if unknown."""
    if scene.wavelengths is not None:
        return np.asarray(scene.wavelengths, dtype=np.float64), "wavelength (nm)"
    return np.arange(scene.n_bands, dtype=np.float64), "band index"


def _figure(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def _band_label(scene: Scene, bands: Sequence[int]) -> str:
    if scene.wavelengths is None:
        return "bands " + ", ".join(str(b) for b in bands)
    return ", ".join(f"{b} ({scene.wavelengths[b]:.0f} nm)" for b in bands)


def _resolve_classes(scene: Scene, classes: Sequence[int | str] | None) -> list[int]:
    """Class ids 1..C from ids or names (default: every class)."""
    if classes is None:
        return list(range(1, scene.n_classes + 1))
    out = []
    for c in classes:
        if isinstance(c, str):
            if c not in scene.class_names:
                raise ValueError(f"{scene.display_name}: no class {c!r}; classes: {scene.class_names}")
            out.append(scene.class_names.index(c) + 1)
        elif 1 <= int(c) <= scene.n_classes:
            out.append(int(c))
        else:
            raise ValueError(f"{scene.display_name}: class ids are 1..{scene.n_classes}, got {c}")
    return out


def false_colour(
    scene: Scene,
    bands: tuple[int, int, int] | None = None,
    ax: Axes | None = None,
    low: float = 2.0,
    high: float = 98.0,
) -> Figure:
    """Three bands as R, G, B, each stretched between its ``low`` and ``high`` percentiles.

    ``bands`` defaults to ``scene.rgb_bands`` (else bands nearest 640/550/460 nm).
    """
    bands = colour.default_rgb_bands(scene.n_bands, bands or scene.rgb_bands, scene.wavelengths)
    img = colour.false_colour_image(scene.cube, bands, low, high)
    fig, ax = _figure(ax, (5.5, 5.5))
    ax.imshow(img, interpolation="nearest")
    ax.set_title(f"{scene.display_name}: false colour\nR, G, B = {_band_label(scene, bands)}",
                 fontsize="medium")
    ax.set_axis_off()
    return fig


def label_map(
    scene: Scene,
    labels: np.ndarray | None = None,
    ax: Axes | None = None,
    legend: bool = True,
    title: str | None = None,
) -> Figure:
    """A class map in the fixed palette (0 = black, unlabelled), with class names in a legend.

    ``labels``: an (H, W) map with the scene's class ids (e.g. a prediction); default the
    scene's ground truth.
    """
    lab = scene.labels if labels is None else np.asarray(labels)
    if lab.shape != scene.labels.shape:
        raise ShapeMismatchError(f"label map is {lab.shape}, scene is {scene.labels.shape}")
    cmap, norm = class_cmap(scene.n_classes)
    fig, ax = _figure(ax, (7.5, 5.5) if legend else (5.5, 5.5))
    ax.imshow(lab, cmap=cmap, norm=norm, interpolation="nearest")
    what = title or ("ground truth" if labels is None else "label map")
    ax.set_title(f"{scene.display_name}: {what}", fontsize="medium")
    ax.set_axis_off()
    if legend:
        colours = class_colours(scene.n_classes)
        counts = analysis.class_pixel_counts(lab, scene.n_classes)
        handles = [Patch(facecolor=colours[0], edgecolor="grey", label="0 unlabelled")]
        handles += [
            Patch(facecolor=colours[c], label=f"{c} {name} ({counts[c - 1]})")
            for c, name in enumerate(scene.class_names, start=1)
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                  fontsize="small", frameon=False, title="class (pixels)")
    return fig


def class_spectra(
    scene: Scene,
    ax: Axes | None = None,
    classes: Sequence[int | str] | None = None,
    n_std: float = 1.0,
) -> Figure:
    """Mean spectrum of each class with a band of ± ``n_std`` standard deviations.

    x is the wavelength in nm (band index when wavelengths are unknown); y in ``scene.units``.
    ``classes``: ids (1..C) or names to show; default all.
    """
    ids = _resolve_classes(scene, classes)
    mean, std, count = analysis.class_mean_std(scene.cube, scene.labels, scene.n_classes)
    x, xlabel = spectral_axis(scene)
    colours = class_colours(scene.n_classes)
    fig, ax = _figure(ax, (8.0, 4.5))
    for c in ids:
        if count[c - 1] == 0:
            continue
        gx, m, s = with_gaps(x, mean[c - 1], std[c - 1])
        ax.plot(gx, m, color=colours[c], lw=1.5, label=f"{scene.class_names[c - 1]} (n={count[c - 1]})")
        ax.fill_between(gx, m - n_std * s, m + n_std * s, color=colours[c], alpha=0.18, lw=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(scene.units)
    ax.set_title(f"{scene.display_name}: class spectra (mean ± {n_std:g} std)", fontsize="medium")
    if ax.lines:
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def band_statistics(scene: Scene, ax: Axes | None = None) -> Figure:
    """Per-band mean, mean ± std, min and max over all H·W pixels (labelled or not)."""
    st = analysis.band_stats(scene.cube)
    x, xlabel = spectral_axis(scene)
    fig, ax = _figure(ax, (8.0, 4.0))
    x, lo, hi, mean, std = with_gaps(x, st["min"], st["max"], st["mean"], st["std"])
    ax.fill_between(x, lo, hi, color="0.85", lw=0, label="min – max")
    ax.fill_between(x, mean - std, mean + std, color="C0", alpha=0.3, lw=0, label="mean ± std")
    ax.plot(x, mean, color="C0", lw=1.5, label="mean")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(scene.units)
    h, w, _ = scene.shape
    ax.set_title(f"{scene.display_name}: per-band statistics over all {h * w} pixels",
                 fontsize="medium")
    ax.legend(fontsize="small", frameon=False)
    return fig


def label_counts(scene: Scene, ax: Axes | None = None) -> Figure:
    """Horizontal bar chart of the labelled pixels per class (class 1 at the top)."""
    counts = analysis.class_pixel_counts(scene.labels, scene.n_classes)
    colours = class_colours(scene.n_classes)[1:]
    fig, ax = _figure(ax, (7.0, 0.9 + 0.32 * max(scene.n_classes, 1)))
    y = np.arange(scene.n_classes)
    ax.barh(y, counts, color=colours, edgecolor="0.3", lw=0.5)
    for yi, n in zip(y, counts):
        ax.annotate(f" {n}", (n, yi), va="center", fontsize="small")
    ax.set_yticks(y, [f"{c} {name}" for c, name in enumerate(scene.class_names, start=1)])
    ax.invert_yaxis()
    ax.set_xlabel("labelled pixels")
    ax.margins(x=0.15)
    n_lab, n_all = int(counts.sum()), scene.labels.size
    ax.set_title(f"{scene.display_name}: labelled pixels per class "
                 f"({n_lab} of {n_all}, {100 * n_lab / n_all:.1f} %)", fontsize="medium")
    return fig


def abundance_maps(scene: Scene, ncols: int = 4) -> Figure:
    """One panel per endmember: its fractional abundance in [0, 1] at every pixel.

    Raises ``ValueError`` for a scene without abundances (most real classification scenes).
    """
    if scene.abundances is None:
        raise ValueError(
            f"{scene.display_name} has no abundance maps (only unmixing scenes such as samson "
            "and simulated scenes have them)"
        )
    ab = np.asarray(scene.abundances)
    n_end = ab.shape[2]
    names = scene.endmember_names or [f"endmember {e + 1}" for e in range(n_end)]
    ncols = max(1, min(ncols, n_end))
    nrows = -(-n_end // ncols)
    side = 3.2 if n_end <= ncols else 2.4  # inches per panel
    fig, axes = plt.subplots(nrows, ncols, figsize=(side * ncols + 0.8, side * nrows),
                             layout="constrained", squeeze=False)
    im = None
    for e, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if e < n_end:
            im = ax.imshow(ab[..., e], vmin=0.0, vmax=1.0, cmap="viridis", interpolation="nearest")
            ax.set_title(names[e], fontsize="medium")
    fig.colorbar(im, ax=axes, shrink=0.8, label="abundance (fraction of the pixel)")
    kind = "true (simulated)" if scene.simulated else "reference"
    fig.suptitle(f"{scene.display_name}: {kind} abundance maps")
    return fig
