"""An interactive explorer of one augmentation (ipywidgets) that also leaves a static figure.

:func:`transform_explorer` shows a slider for every parameter of the transform, read from its
dataclass fields (the documented defaults preselected, the field's docstring line as the
tooltip), a slider for the probability ``p`` (default 1, so that the transform always fires;
below 1 some samples stay unchanged, as in training) and one for the generator seed, and
redraws the before/after figure on every change.

Run without a widget frontend (papermill, nbconvert, a static viewer) the sliders do nothing,
so :func:`transform_explorer` also returns a plain matplotlib figure of the default
parameters.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from ..errors import check_choice
from ..views import SPATIAL, TRANSFORMS
from . import colour
from .augment_plots import (
    apply_transform,
    as_display_batch,
    as_reference,
    band_values,
    centre_spectra,
    change_text,
    draw_patch_images,
    draw_spectra,
    spectral_x,
)
from .explorer import _in_kernel
from .spectra import with_gaps

__all__ = [
    "PARAM_BOUNDS", "ParamSpec", "parameter_docs", "parameter_specs", "transform_figure",
    "transform_widget", "transform_explorer",
]  # fmt: skip

#: slider (low, high, step) of the transforms' parameters, by field name.
PARAM_BOUNDS: dict[str, tuple[float, float, float]] = {
    "p": (0.0, 1.0, 0.05),
    "factor": (0.0, 3.0, 0.05),
    "std": (0.0, 1.0, 0.01),
    "fraction": (0.0, 1.0, 0.01),
    "bias": (-2.0, 2.0, 0.05),
    "scale": (0.05, 1.0, 0.05),
    "ratio": (0.25, 4.0, 0.05),
}


@dataclass(frozen=True)
class ParamSpec:
    """One slider: the field ``name``, its ``kind`` ("float", "int", "range" for a
    (low, high) tuple, or "bool"), its ``default``, the slider's ``low``/``high``/``step``
    (unused for "bool") and the field's ``doc`` line."""

    name: str
    kind: str
    default: Any
    low: float = 0.0
    high: float = 1.0
    step: float = 0.01
    doc: str = ""


def parameter_docs(cls: type) -> dict[str, str]:
    """``{field: description}`` from the ``Args:`` section of a class docstring
    (continuation lines joined with single spaces)."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    out: dict[str, str] = {}
    inside, current, indent = False, None, None
    for line in doc.splitlines():
        if line.strip() == "Args:":
            inside = True
            continue
        if not inside:
            continue
        if not line.strip() or not line.startswith(" "):
            if out:
                break
            continue
        depth = len(line) - len(line.lstrip())
        text = line.strip()
        head, sep, rest = text.partition(":")
        if (indent is None or depth == indent) and sep and head.isidentifier():
            indent, current = depth, head
            out[current] = rest.strip()
        elif current is not None:
            out[current] = f"{out[current]} {text}".strip()
    return out


def _bounds(name: str, default: Any) -> tuple[float, float, float]:
    if name in PARAM_BOUNDS:
        return PARAM_BOUNDS[name]
    values = np.atleast_1d(np.asarray(default, dtype=np.float64))
    top = max(1.0, 2.0 * float(np.abs(values).max()))
    return (-top if values.min() < 0 else 0.0), top, top / 100.0


def parameter_specs(name: str) -> list[ParamSpec]:
    """The sliders of transform ``name``: ``p`` first (default 1.0, so that the transform
    always fires), then every other dataclass field with its default (fields whose default
    is None, such as wavelengths, are bound to the data and get no slider)."""
    cls = TRANSFORMS[check_choice("transform", name, TRANSFORMS)]
    docs = parameter_docs(cls)
    specs = []
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        if default is None:  # data-bound fields (e.g. wavelengths) are not sliders
            continue
        if f.name == "p":
            default = 1.0
        low, high, step = _bounds(f.name, default)
        if isinstance(default, bool):
            kind = "bool"
        elif isinstance(default, tuple):
            kind = "range"
            low, high = min(low, *default), max(high, *default)
        elif isinstance(default, int):
            kind, step = "int", 1
        else:
            kind = "float"
            low, high = min(low, default), max(high, default)
        specs.append(ParamSpec(f.name, kind, default, low, high, step, docs.get(f.name, "")))
    return specs


def _on_patches(x: np.ndarray) -> bool:
    return x.ndim == 4


def transform_figure(
    x: np.ndarray | torch.Tensor,
    name: str,
    params: dict | None = None,
    seed: int = 0,
    p: float = 1.0,
    wavelengths: np.ndarray | None = None,
    *,
    sample_names: Sequence[str] | None = None,
    rgb_bands: tuple[int, int, int] | None = None,
    reference: np.ndarray | None = None,
    index: int = 0,
    source: str = "",
    units: str = "value",
    fig: Figure | None = None,
) -> Figure:
    """Before/after figure of ONE transform with the given parameters (what the explorer
    redraws).

    Spectra (N, B): the curves before (solid) and after (dashed), and after − before per
    band. Patches (N, B, p, p) or (N, 1, B, p, p): false colour of patch ``index`` before
    and after (one stretch) and its centre spectrum before and after.
    ``params`` are the transform's own parameters (``p`` separately); ``reference`` fixes
    the colour stretch (see :func:`~hsinb.plots.augment_plots.transform_gallery`); ``fig``
    an empty figure to draw into (default: a new pyplot figure).
    """
    params = dict(params or {})
    batch = as_display_batch(x)
    after = as_display_batch(apply_transform(x, name, seed, p=p, wavelengths=wavelengths, **params))
    xs, xlabel = spectral_x(wavelengths, batch.shape[1])
    shown = ", ".join(f"{k}={_fmt(v)}" for k, v in params.items())
    where = f"{source}: " if source else ""
    title = f"{where}{name}({shown}) with p = {p:g}, seed {seed}"
    if not _on_patches(batch):
        if fig is None:
            fig = plt.figure(figsize=(11.0, 3.8), layout="constrained")
        ax_c, ax_d = fig.subplots(1, 2, width_ratios=[1.3, 1.0])
        note = " (identity on spectra)" if name in SPATIAL or name == "pixel_drop" else ""
        draw_spectra(ax_c, xs, batch, after, sample_names, legend=True)
        ax_c.set_title(change_text(batch, after, note), fontsize="small")
        ax_c.set_xlabel(xlabel)
        ax_c.set_ylabel(units)
        for i in range(len(batch)):
            ax_d.plot(*with_gaps(xs, after[i] - batch[i]), color=f"C{i % 10}", lw=1.0)
        ax_d.axhline(0.0, color="0.5", lw=0.6)
        ax_d.set_xlabel(xlabel)
        ax_d.set_ylabel(f"after − before ({units})")
        changed = int((~np.all(after == batch, axis=1)).sum())
        ax_d.set_title(f"difference; {changed} of {len(batch)} samples changed",
                       fontsize="small")
    else:
        if not 0 <= index < len(batch):
            raise ValueError(f"index {index} outside the batch of {len(batch)} patches")
        bands = colour.default_rgb_bands(batch.shape[1], rgb_bands, wavelengths)
        if fig is None:
            fig = plt.figure(figsize=(11.0, 3.6), layout="constrained")
        ax_b, ax_a, ax_s = fig.subplots(1, 3, width_ratios=[1.0, 1.0, 2.2])
        ref = band_values(batch if reference is None else as_reference(reference), bands)
        draw_patch_images(ax_b, ax_a, batch[index], after[index], bands, ref)
        ax_b.set_title(f"before, bands {bands}", fontsize="small")
        same = np.array_equal(batch[index], after[index])
        ax_a.set_title("after (unchanged)" if same else "after", fontsize="small")
        cb, ca = centre_spectra(batch[index][None]), centre_spectra(after[index][None])
        draw_spectra(ax_s, xs, cb, ca, ["centre pixel"], legend=True)
        ax_s.set_title(f"centre spectrum: {change_text(cb, ca)}", fontsize="small")
        ax_s.set_xlabel(xlabel)
        ax_s.set_ylabel(units)
        title += f", patch {index} of {len(batch)}"
    fig.suptitle(title, fontsize="medium")
    return fig


def _fmt(v: Any) -> str:
    if isinstance(v, tuple):
        return "(" + ", ".join(_fmt(e) for e in v) + ")"
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def _make_widget(spec: ParamSpec):
    import ipywidgets as widgets

    common = dict(description=spec.name, description_allow_html=False,
                  style={"description_width": "initial"}, tooltip=spec.doc)
    if spec.kind == "bool":
        return widgets.Checkbox(value=bool(spec.default), indent=False, **common)
    if spec.kind == "range":
        return widgets.FloatRangeSlider(value=list(spec.default), min=spec.low, max=spec.high,
                                        step=spec.step, continuous_update=False,
                                        readout_format=".2f", **common)
    if spec.kind == "int":
        return widgets.IntSlider(value=int(spec.default), min=int(spec.low), max=int(spec.high),
                                 continuous_update=False, **common)
    return widgets.FloatSlider(value=float(spec.default), min=spec.low, max=spec.high,
                               step=spec.step, continuous_update=False, readout_format=".2f",
                               **common)


def transform_widget(
    x: np.ndarray | torch.Tensor,
    name: str,
    wavelengths: np.ndarray | None = None,
    *,
    seed: int = 0,
    **figure_options,
):
    """The ipywidgets explorer of transform ``name`` on ``x``: one control per parameter
    (see :func:`parameter_specs`), a seed slider and an output area redrawn on every change.
    Returns the container widget (display it). ``figure_options`` go to
    :func:`transform_figure`."""
    import ipywidgets as widgets
    from IPython.display import display

    specs = parameter_specs(name)
    controls = {s.name: _make_widget(s) for s in specs}
    seed_s = widgets.IntSlider(value=int(seed), min=0, max=max(99, int(seed)),
                               description="seed", continuous_update=False)
    out = widgets.Output()

    def values() -> tuple[float, dict]:
        params = {}
        for s in specs:
            v = controls[s.name].value
            params[s.name] = tuple(float(e) for e in v) if s.kind == "range" else v
        return float(params.pop("p")), params

    def redraw(*_) -> None:
        with out:
            out.clear_output(wait=True)
            p, params = values()
            try:
                fig = Figure(figsize=(11.0, 3.8), layout="constrained")  # not kept by pyplot
                transform_figure(x, name, params, seed_s.value, p, wavelengths, fig=fig,
                                 **figure_options)
            except ValueError as exc:  # e.g. a flip with both directions switched off
                print(f"{name}: {exc}")
                return
            display(fig)

    for w in [*controls.values(), seed_s]:
        w.observe(redraw, names="value")
    redraw()
    doc = inspect.cleandoc(TRANSFORMS[name].__doc__ or "").splitlines()[0]
    title = widgets.HTML(f"<b>{name}</b> ({TRANSFORMS[name].__name__}): {doc}")
    return widgets.VBox([title, widgets.HBox([*controls.values(), seed_s],
                                             layout=widgets.Layout(flex_flow="row wrap")), out])


def transform_explorer(
    x: np.ndarray | torch.Tensor,
    name: str,
    wavelengths: np.ndarray | None = None,
    *,
    seed: int = 0,
    sample_names: Sequence[str] | None = None,
    rgb_bands: tuple[int, int, int] | None = None,
    reference: np.ndarray | None = None,
    index: int = 0,
    source: str = "",
    units: str = "value",
    widget: bool = True,
) -> Figure:
    """Display the interactive explorer of transform ``name`` on the spectra or patches
    ``x`` (inside a Jupyter kernel, if ``widget``) and return a static figure of the
    documented default parameters with ``p = 1``, which is what papermill and static
    notebook viewers show. See :func:`transform_figure` for the arguments."""
    name = check_choice("transform", name, TRANSFORMS)
    options = dict(sample_names=sample_names, rgb_bands=rgb_bands, reference=reference,
                   index=index, source=source, units=units)
    if widget and _in_kernel():
        try:
            from IPython.display import display

            display(transform_widget(x, name, wavelengths, seed=seed, **options))
        except ImportError:  # ipywidgets missing: the static figure still tells the story
            pass
    defaults = {s.name: s.default for s in parameter_specs(name) if s.name != "p"}
    return transform_figure(x, name, defaults, seed, 1.0, wavelengths, **options)
