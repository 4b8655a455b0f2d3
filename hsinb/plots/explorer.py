"""An interactive scene explorer (ipywidgets) that also leaves a static figure behind.

Pick a pixel with the row/column sliders, or a class in the dropdown (which jumps to that
class's most typical pixel, the one nearest the class mean). The figure shows

1. the false-colour scene with the p×p window around the pixel outlined;
2. that window (from :func:`hsinb.patches.extract_patches`, reflect-padded at the edges)
   in the same colour stretch, and how many of its labelled pixels share the centre's label;
3. the pixel's spectrum, the spectra of its window (grey) and the mean ± std of the class
   (the dropdown's class, or the pixel's own class when the dropdown says so).

Run without a widget frontend (papermill, nbconvert, a static viewer) the sliders do
nothing, so :func:`scene_explorer` also returns a plain matplotlib figure of the initial
selection.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..analysis import stats as analysis
from ..patches import check_patch_size, extract_patches
from ..scenes.scene import Scene
from . import colour
from .scene_plots import class_colours, spectral_axis
from .spectra import with_gaps

MAX_PATCH = 15


@dataclass
class _ExplorerData:
    """What every redraw needs, computed once per scene."""

    scene: Scene
    bands: tuple[int, int, int]
    lo: np.ndarray  # (3,) stretch limits of the RGB bands
    hi: np.ndarray
    rgb: np.ndarray  # (H, W, 3) in [0, 1]
    mean: np.ndarray  # (C, B)
    std: np.ndarray  # (C, B)
    count: np.ndarray  # (C,)
    x: np.ndarray  # (B,) wavelengths or band indices
    xlabel: str

    @classmethod
    def of(cls, scene: Scene) -> _ExplorerData:
        bands = colour.default_rgb_bands(scene.n_bands, scene.rgb_bands, scene.wavelengths)
        three = scene.cube[..., list(bands)]
        lo, hi = colour.stretch_limits(three)
        mean, std, count = analysis.class_mean_std(scene.cube, scene.labels, scene.n_classes)
        x, xlabel = spectral_axis(scene)
        return cls(scene, bands, lo, hi, colour.apply_stretch(three, lo, hi), mean, std, count,
                   x, xlabel)


def default_pixel(scene: Scene) -> tuple[int, int]:
    """(row, col) to start from: the most typical pixel of the largest class, else the centre."""
    counts = analysis.class_pixel_counts(scene.labels, scene.n_classes)
    if counts.size and counts.max() > 0:
        return analysis.representative_pixel(scene.cube, scene.labels, int(np.argmax(counts)) + 1)
    h, w, _ = scene.shape
    return h // 2, w // 2


def max_patch_size(scene: Scene, cap: int = MAX_PATCH) -> int:
    """Largest odd window size ≤ ``cap`` that reflect padding allows on this scene."""
    h, w, _ = scene.shape
    p = min(cap, 2 * min(h, w) - 1)  # reflect padding needs p // 2 < min(h, w)
    return max(1, p if p % 2 else p - 1)


def explorer_figure(
    scene: Scene,
    row: int | None = None,
    col: int | None = None,
    class_id: int | None = None,
    patch_size: int = 7,
    fig: Figure | None = None,
    _data: _ExplorerData | None = None,
) -> Figure:
    """The explorer's figure for one selection (static; what the widget redraws).

    Args:
        row, col: the pixel (default :func:`default_pixel`).
        class_id: class (1..C) whose mean ± std is drawn; default the pixel's own label.
        patch_size: odd window size p.
        fig: an empty figure to draw into (default: a new pyplot figure).
    """
    d = _data or _ExplorerData.of(scene)
    h, w, _ = scene.shape
    if row is None or col is None:
        row, col = default_pixel(scene)
    if not (0 <= row < h and 0 <= col < w):
        raise ValueError(f"pixel ({row}, {col}) lies outside the {h} x {w} scene")
    p = check_patch_size(patch_size, h, w)
    r = p // 2
    own = int(scene.labels[row, col])
    cls = int(class_id) if class_id else own
    colours = class_colours(scene.n_classes)

    # the p×p window of spectra and of labels around the pixel
    win = extract_patches(scene.cube, [row], [col], p, layout="2d")[0].numpy()  # (B, p, p)
    win = np.moveaxis(win, 0, -1)  # (p, p, B)
    lab_win = extract_patches(scene.labels[..., None].astype(np.float32), [row], [col], p)
    lab_win = np.rint(lab_win[0, 0].numpy()).astype(np.int64)  # (p, p)
    labelled = lab_win > 0
    same = int((labelled & (lab_win == own)).sum()) if own else 0

    if fig is None:
        fig = plt.figure(figsize=(13.0, 4.2), layout="constrained")
    axes = fig.subplots(1, 3, width_ratios=[1.0, 0.8, 1.7])

    ax = axes[0]
    ax.imshow(d.rgb, interpolation="nearest")
    ax.add_patch(Rectangle((col - r - 0.5, row - r - 0.5), p, p, fill=False, ec="yellow", lw=1.5))
    ax.plot(col, row, "+", color="red", ms=8)
    ax.set_title(f"false colour, bands {d.bands}", fontsize="small")
    ax.set_axis_off()

    ax = axes[1]
    ax.imshow(colour.apply_stretch(win[..., list(d.bands)], d.lo, d.hi), interpolation="nearest")
    ax.add_patch(Rectangle((r - 0.5, r - 0.5), 1, 1, fill=False, ec="red", lw=1.5))
    agree = (f"{same} of {int(labelled.sum())} labelled pixels share its label"
             if own else f"centre unlabelled; {int(labelled.sum())} labelled pixels")
    ax.set_title(f"{p}×{p} neighbourhood\n{agree}", fontsize="small")
    ax.set_axis_off()

    ax = axes[2]
    gx, around = with_gaps(d.x, win.reshape(-1, scene.n_bands))
    ax.plot(gx, around.T, color="0.75", lw=0.5)
    if cls and d.count[cls - 1] > 0:
        gx, m, s = with_gaps(d.x, d.mean[cls - 1], d.std[cls - 1])
        ax.fill_between(gx, m - s, m + s, color=colours[cls], alpha=0.3, lw=0)
        ax.plot(gx, m, color=colours[cls], lw=1.5,
                label=f"class {cls} {scene.class_names[cls - 1]}: mean ± std (n={d.count[cls - 1]})")
    ax.plot(*with_gaps(d.x, scene.cube[row, col]), color="black", lw=1.8, label=f"pixel ({row}, {col})")
    ax.plot([], [], color="0.75", lw=0.5, label=f"{p}×{p} neighbourhood")
    ax.set_xlabel(d.xlabel)
    ax.set_ylabel(scene.units)
    ax.legend(fontsize="small", frameon=False)
    name = scene.class_names[own - 1] if own else "unlabelled"
    fig.suptitle(f"{scene.display_name}: pixel (row {row}, col {col}), label {own} ({name})",
                 fontsize="medium")
    return fig


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (where widgets can be displayed)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def explorer_widget(
    scene: Scene,
    row: int | None = None,
    col: int | None = None,
    class_id: int | None = None,
    patch_size: int = 7,
):
    """The ipywidgets explorer: row/col sliders, class dropdown, patch-size slider and an
    output area redrawn on every change. Returns the container widget (display it)."""
    import ipywidgets as widgets
    from IPython.display import display

    d = _ExplorerData.of(scene)
    h, w, _ = scene.shape
    if row is None or col is None:
        row, col = default_pixel(scene)
    row_s = widgets.IntSlider(value=row, min=0, max=h - 1, description="row",
                              continuous_update=False)
    col_s = widgets.IntSlider(value=col, min=0, max=w - 1, description="col",
                              continuous_update=False)
    options = [("pixel's own class", 0)] + [
        (f"{c} {name} ({d.count[c - 1]} px)", c)
        for c, name in enumerate(scene.class_names, start=1)
    ]
    cls_d = widgets.Dropdown(options=options, value=int(class_id or 0), description="class")
    p_s = widgets.IntSlider(value=patch_size, min=1, max=max_patch_size(scene), step=2,
                            description="patch p", continuous_update=False)
    out = widgets.Output()
    busy = [False]

    def redraw(*_) -> None:
        if busy[0]:
            return
        with out:
            out.clear_output(wait=True)
            fig = Figure(figsize=(13.0, 4.2), layout="constrained")  # not kept by pyplot
            explorer_figure(scene, row_s.value, col_s.value, cls_d.value, p_s.value, fig=fig,
                            _data=d)
            display(fig)

    def jump_to_class(change) -> None:
        c = change["new"]
        if c and d.count[c - 1] > 0:
            busy[0] = True
            row_s.value, col_s.value = analysis.representative_pixel(scene.cube, scene.labels, c)
            busy[0] = False
        redraw()

    for s in (row_s, col_s, p_s):
        s.observe(redraw, names="value")
    cls_d.observe(jump_to_class, names="value")
    redraw()
    title = widgets.HTML(f"<b>{scene.display_name}</b>: pick a pixel or a class")
    return widgets.VBox([title, widgets.HBox([row_s, col_s]), widgets.HBox([cls_d, p_s]), out])


def scene_explorer(
    scene: Scene,
    row: int | None = None,
    col: int | None = None,
    class_id: int | None = None,
    patch_size: int = 7,
    widget: bool = True,
) -> Figure:
    """Display the interactive explorer (inside a Jupyter kernel, if ``widget``) and return
    a static figure of the initial selection, which is what papermill and static notebook
    viewers show. See :func:`explorer_figure` for the arguments."""
    if widget and _in_kernel():
        try:
            from IPython.display import display

            display(explorer_widget(scene, row, col, class_id, patch_size))
        except ImportError:  # ipywidgets missing: the static figure still tells the story
            pass
    return explorer_figure(scene, row, col, class_id, patch_size)
