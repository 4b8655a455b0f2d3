"""hsinb.plots: the numbers behind the figures, and every figure on a tiny hand-made scene."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from support import tiny_scene, titles

from hsinb.analysis import stats as analysis
from hsinb.errors import ShapeMismatchError
from hsinb.plots import colour, explorer, scene_plots
from hsinb.scenes import Scene

matplotlib.use("Agg")


# ---------------------------------------------------------------------------- stats


























def test_class_colours_fixed_and_distinct():
    cols = scene_plots.class_colours(16)
    assert cols.shape == (17, 4)
    np.testing.assert_array_equal(cols[0], [0, 0, 0, 1])  # unlabelled is black
    assert len({tuple(c) for c in cols}) == 17
    np.testing.assert_array_equal(scene_plots.class_colours(3), cols[:4])  # same class, same colour


# ---------------------------------------------------------------------------- figures

PLOTS = [
    scene_plots.false_colour,
    scene_plots.label_map,
    scene_plots.class_spectra,
    scene_plots.band_statistics,
    scene_plots.label_counts,
    scene_plots.abundance_maps,
    explorer.explorer_figure,
    explorer.scene_explorer,
]


@pytest.mark.parametrize("plot", PLOTS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("simulated", [True, False], ids=["sim", "real"])
def test_every_plot_returns_a_figure_titled_with_the_display_name(plot, simulated):
    s = tiny_scene(simulated=simulated)
    fig = plot(s)
    assert isinstance(fig, Figure)
    assert s.display_name in titles(fig)
    fig.canvas.draw()  # rendering must not fail either


@pytest.mark.parametrize(
    "plot",
    [scene_plots.false_colour, scene_plots.label_map, scene_plots.class_spectra,
     scene_plots.band_statistics, scene_plots.label_counts],
    ids=lambda f: f.__name__,
)
def test_plots_draw_into_a_given_ax(plot):
    s = tiny_scene()
    fig, axes = plt.subplots(1, 2)
    assert plot(s, ax=axes[1]) is fig
    assert s.display_name in axes[1].get_title()
    assert axes[0].get_title() == ""


def test_spectra_without_wavelengths_use_band_index():
    s = tiny_scene(wavelengths=False)
    for plot in (scene_plots.class_spectra, scene_plots.band_statistics):
        ax = plot(s).axes[0]
        assert ax.get_xlabel() == "band index"
        np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(4))
    assert scene_plots.class_spectra(tiny_scene()).axes[0].get_xlabel() == "wavelength (nm)"


def test_class_spectra_lines_are_the_class_means():
    s = tiny_scene()
    ax = scene_plots.class_spectra(s, classes=["Roof"]).axes[0]
    assert len(ax.lines) == 1
    y = ax.lines[0].get_ydata()  # NaN where bands are missing (a break in the curve)
    np.testing.assert_allclose(y[~np.isnan(y)], s.cube[s.labels == 2].mean(0), rtol=1e-6)
    with pytest.raises(ValueError, match="no class"):
        scene_plots.class_spectra(s, classes=["Water"])
    with pytest.raises(ValueError, match="1..3"):
        scene_plots.class_spectra(s, classes=[4])


def test_label_map_legend_and_prediction_map():
    s = tiny_scene()
    ax = scene_plots.label_map(s).axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["0 unlabelled", "1 Grass (9)", "2 Roof (9)", "3 Empty (0)"]
    pred = np.full((6, 5), 3)
    ax = scene_plots.label_map(s, labels=pred, legend=False).axes[0]
    assert ax.get_legend() is None and "label map" in ax.get_title()
    np.testing.assert_allclose(ax.images[0].cmap(ax.images[0].norm(3)), scene_plots.class_colours(3)[3])
    with pytest.raises(ShapeMismatchError):
        scene_plots.label_map(s, labels=np.zeros((2, 2), int))


def test_label_counts_bars():
    s = tiny_scene()
    ax = scene_plots.label_counts(s).axes[0]
    assert [p.get_width() for p in ax.patches] == [9, 9, 0]
    assert "18 of 30" in ax.get_title()


def test_abundance_maps_needs_abundances():
    s = tiny_scene()
    fig = scene_plots.abundance_maps(s)
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == ["soil", "veg"]
    with pytest.raises(ValueError, match="no abundance maps"):
        scene_plots.abundance_maps(tiny_scene(abundances=False))


def test_false_colour_image_is_the_stretch():
    s = tiny_scene()
    ax = scene_plots.false_colour(s, bands=(3, 2, 1)).axes[0]
    np.testing.assert_allclose(ax.images[0].get_array(), colour.false_colour_image(s.cube, (3, 2, 1)))
    assert "850 nm" in ax.get_title()


# ---------------------------------------------------------------------------- explorer


def test_explorer_figure_edges_and_neighbourhood():
    s = tiny_scene()
    fig = explorer.explorer_figure(s, row=0, col=0, patch_size=3)
    spectra_ax = fig.axes[2]
    pixel = [ln for ln in spectra_ax.lines if ln.get_label() == "pixel (0, 0)"][0]
    y = pixel.get_ydata()
    np.testing.assert_allclose(y[~np.isnan(y)], s.cube[0, 0])
    assert fig.axes[1].images[0].get_array().shape == (3, 3, 3)
    assert "9 of 9 labelled" in fig.axes[1].get_title()  # reflect padding stays in class 1
    fig = explorer.explorer_figure(s, row=5, col=0, patch_size=1)  # unlabelled pixel
    assert "unlabelled" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="outside"):
        explorer.explorer_figure(s, row=6, col=0)


def test_default_pixel_and_max_patch():
    s = tiny_scene()
    r, c = explorer.default_pixel(s)
    assert s.labels[r, c] == 1  # classes 1 and 2 tie; argmax takes the first
    assert explorer.max_patch_size(s) == 9  # 9 // 2 = 4 < 5 columns
    big = Scene("b", np.zeros((40, 40, 2), np.float32), np.zeros((40, 40), int), [])
    assert explorer.max_patch_size(big) == 15 and explorer.default_pixel(big) == (20, 20)


def test_scene_explorer_outside_a_kernel_shows_no_widget(capsys):
    fig = explorer.scene_explorer(tiny_scene(), row=2, col=3, class_id=2)
    assert isinstance(fig, Figure)
    assert capsys.readouterr().out == ""


def test_explorer_widget_class_dropdown_jumps_to_typical_pixel():
    pytest.importorskip("ipywidgets")
    s = tiny_scene()
    box = explorer.explorer_widget(s)
    row_s, col_s = box.children[1].children
    cls_d, p_s = box.children[2].children
    cls_d.value = 2
    assert (row_s.value, col_s.value) == analysis.representative_pixel(s.cube, s.labels, 2)
    p_s.value = 3
    assert p_s.max == 9 and len(cls_d.options) == 4






def test_save_figures_writes_whole_pngs_and_refuses_odd_names(tmp_path):
    import matplotlib.pyplot as plt

    from hsinb.plots import save_figures

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    paths = save_figures({"curves": fig}, tmp_path / "figs")
    assert paths == [tmp_path / "figs" / "curves.png", tmp_path / "figs" / "curves.pdf"]
    assert paths[1].read_bytes()[:5] == b"%PDF-"
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list((tmp_path / "figs").glob(".*"))  # no temporary file left
    with pytest.raises(ValueError, match="plain file stems"):
        save_figures({"../escape": fig}, tmp_path)
    plt.close(fig)
