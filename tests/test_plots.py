"""hsinb.plots: the numbers behind the figures, and every figure on a tiny hand-made scene."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from hsinb.analysis import stats as analysis
from hsinb.errors import ShapeMismatchError
from hsinb.plots import colour, explorer, scene_plots
from hsinb.scenes import Scene

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def tiny_scene(simulated: bool = True, wavelengths: bool = True, abundances: bool = True) -> Scene:
    """6 x 5 pixels x 4 bands, classes 1..3 (class 3 empty), some unlabelled pixels."""
    rng = np.random.default_rng(0)
    cube = rng.normal(100.0, 5.0, size=(6, 5, 4)).astype(np.float32)
    labels = np.zeros((6, 5), dtype=np.int64)
    labels[:3, :3] = 1
    labels[3:, 2:] = 2
    cube[labels == 2] += np.array([50.0, 0.0, -20.0, 10.0], dtype=np.float32)
    ab = None
    if abundances:
        ab = rng.random((6, 5, 2))
        ab /= ab.sum(axis=2, keepdims=True)
    return Scene(
        name="tiny-sim" if simulated else "tiny",
        cube=cube,
        labels=labels,
        class_names=["Grass", "Roof", "Empty"],
        wavelengths=np.array([450.0, 550.0, 650.0, 850.0]) if wavelengths else None,
        rgb_bands=(2, 1, 0),
        abundances=ab,
        endmember_names=["soil", "veg"] if abundances else None,
        simulated=simulated,
        units="reflectance",
    )


def titles(fig: Figure) -> str:
    """Every title text of a figure (suptitle and axes titles), joined."""
    sup = fig._suptitle.get_text() if fig._suptitle is not None else ""
    return " | ".join([sup, *(ax.get_title() for ax in fig.axes)])


# ---------------------------------------------------------------------------- stats


def test_percentile_stretch_matches_per_channel_numpy():
    rng = np.random.default_rng(1)
    img = rng.gamma(2.0, 3.0, size=(20, 15, 3))
    img[..., 1] *= 1000.0  # channels on very different scales are stretched independently
    got = colour.percentile_stretch(img, 2, 98)
    for c in range(3):
        lo, hi = np.percentile(img[..., c], [2, 98])
        want = np.clip((img[..., c] - lo) / (hi - lo), 0, 1)
        np.testing.assert_allclose(got[..., c], want, rtol=1e-12, atol=1e-12)
    assert got.min() == 0.0 and got.max() == 1.0
    assert np.all(np.abs((got == 0).mean(axis=(0, 1)) - 0.02) < 0.01)  # ~2 % at each end
    assert np.all(np.abs((got == 1).mean(axis=(0, 1)) - 0.02) < 0.01)


def test_percentile_stretch_constant_channel_is_zero():
    img = np.ones((4, 4, 3))
    img[..., 0] = np.arange(16).reshape(4, 4)
    out = colour.percentile_stretch(img)
    assert np.all(out[..., 1:] == 0.0)
    assert np.isfinite(out).all()


def test_stretch_limits_then_apply_equals_stretch():
    img = np.random.default_rng(2).random((8, 9, 3))
    lo, hi = colour.stretch_limits(img, 5, 95)
    np.testing.assert_allclose(colour.apply_stretch(img, lo, hi), colour.percentile_stretch(img, 5, 95))
    with pytest.raises(ShapeMismatchError):
        colour.stretch_limits(img[..., 0])


def test_false_colour_image_uses_the_given_bands():
    s = tiny_scene()
    got = colour.false_colour_image(s.cube, (2, 1, 0))
    np.testing.assert_allclose(got, colour.percentile_stretch(s.cube[..., [2, 1, 0]]))
    assert got.shape == (6, 5, 3)


def test_class_mean_std_matches_masked_numpy():
    s = tiny_scene()
    mean, std, count = analysis.class_mean_std(s.cube, s.labels, s.n_classes)
    assert mean.shape == std.shape == (3, 4) and count.tolist() == [9, 9, 0]
    for c in (1, 2):
        x = s.cube[s.labels == c].astype(np.float64)
        np.testing.assert_allclose(mean[c - 1], x.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(std[c - 1], x.std(axis=0), rtol=1e-10)
    assert np.isnan(mean[2]).all() and np.isnan(std[2]).all()


def test_class_mean_std_flat_input_and_large_offset():
    rng = np.random.default_rng(3)
    x = 1e7 + rng.normal(0, 1e-2, size=(500, 6))  # naive E[x^2] - E[x]^2 would lose this
    y = rng.integers(0, 3, size=500)
    mean, std, count = analysis.class_mean_std(x, y, 2)
    for c in (1, 2):
        np.testing.assert_allclose(std[c - 1], x[y == c].std(axis=0), rtol=1e-6)
        assert count[c - 1] == (y == c).sum()
    with pytest.raises(ShapeMismatchError):
        analysis.class_mean_std(x, y[:-1], 2)


def test_class_mean_std_no_labels():
    mean, std, count = analysis.class_mean_std(np.ones((3, 3, 2)), np.zeros((3, 3), int), 2)
    assert count.tolist() == [0, 0] and np.isnan(mean).all()


def test_band_stats_matches_numpy():
    s = tiny_scene()
    got = analysis.band_stats(s.cube)
    flat = s.cube.reshape(-1, 4).astype(np.float64)
    np.testing.assert_allclose(got["mean"], flat.mean(0), rtol=1e-12)
    np.testing.assert_allclose(got["std"], flat.std(0), rtol=1e-12)
    np.testing.assert_array_equal(got["min"], flat.min(0))
    np.testing.assert_array_equal(got["max"], flat.max(0))


def test_class_pixel_counts_agrees_with_scene():
    s = tiny_scene()
    counts = analysis.class_pixel_counts(s.labels, s.n_classes)
    assert counts.tolist() == list(s.class_counts().values()) == [9, 9, 0]


def test_representative_pixel_is_nearest_the_class_mean():
    cube = np.zeros((3, 3, 2))
    labels = np.zeros((3, 3), int)
    labels[0, :] = 1
    cube[0, 0] = [0, 0]
    cube[0, 1] = [1, 1]  # class mean is (1, 1)
    cube[0, 2] = [2, 2]
    assert analysis.representative_pixel(cube, labels, 1) == (0, 1)
    with pytest.raises(ValueError, match="no labelled pixels"):
        analysis.representative_pixel(cube, labels, 2)


def test_default_rgb_bands():
    wl = np.linspace(400, 1000, 61)
    assert colour.default_rgb_bands(61, (5, 4, 3), wl) == (5, 4, 3)
    assert colour.default_rgb_bands(61, None, wl) == (24, 15, 6)  # 640, 550, 460 nm
    assert colour.default_rgb_bands(100) == (60, 40, 15)
    with pytest.raises(ShapeMismatchError):
        colour.default_rgb_bands(10, (1, 2, 10))


def test_central_window():
    assert colour.central_window(10, 4, 6) == (slice(2, 8), slice(0, 4))
    assert colour.central_window(3, 3, 3) == (slice(0, 3), slice(0, 3))


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
    np.testing.assert_allclose(ax.lines[0].get_ydata(), s.cube[s.labels == 2].mean(0), rtol=1e-6)
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
    np.testing.assert_allclose(pixel.get_ydata(), s.cube[0, 0])
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


def test_typical_spectra_takes_the_largest_classes_in_class_order():
    cube = np.arange(4 * 4 * 2, dtype=float).reshape(4, 4, 2)
    labels = np.array([[1, 1, 1, 2], [2, 3, 3, 3], [3, 3, 0, 0], [0, 0, 0, 0]])
    s = Scene("t", cube, labels, ["a", "b", "c"])
    pixels, spectra, names = analysis.typical_spectra(s, max_classes=2)
    assert names == ["a", "c"]  # the two largest classes (3 and 5 pixels), not b (2)
    assert pixels == [analysis.representative_pixel(cube, labels, 1), analysis.representative_pixel(cube, labels, 3)]
    assert spectra.shape == (2, 2) and np.array_equal(spectra[1], cube[pixels[1]])


def test_endmember_angles_are_pairwise_and_name_the_endmembers():
    m = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])  # (B=2, E=3): e1 ⟂ e2, e3 at 45° to both
    s = Scene("t", np.zeros((2, 2, 2)), np.zeros((2, 2), int), ["a", "b", "c"], endmembers=m)
    ang = analysis.endmember_angles(s)
    assert list(ang.index) == ["a", "b", "c"]
    np.testing.assert_allclose(ang.to_numpy(), [[0, 90, 45], [90, 0, 45], [45, 45, 0]], atol=1e-9)
    with pytest.raises(ValueError, match="no endmembers"):
        analysis.endmember_angles(Scene("t", np.zeros((2, 2, 2)), np.zeros((2, 2), int), ["a"]))


def test_save_figures_writes_whole_pngs_and_refuses_odd_names(tmp_path):
    import matplotlib.pyplot as plt

    from hsinb.plots import save_figures

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    paths = save_figures({"curves": fig}, tmp_path / "figs")
    assert paths == [tmp_path / "figs" / "curves.png"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list((tmp_path / "figs").glob(".*"))  # no temporary file left
    with pytest.raises(ValueError, match="plain file stems"):
        save_figures({"../escape": fig}, tmp_path)
    plt.close(fig)
