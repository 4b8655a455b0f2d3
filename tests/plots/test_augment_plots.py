"""hsinb.plots.augment_plots / augment_widgets: the pure helpers against independent
computations, and every figure function on tiny inputs (Agg backend)."""

from __future__ import annotations

import dataclasses

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from support import tiny_two_class_scene, titles

from hsinb.errors import ShapeMismatchError, UnknownNameError, UnknownParameterError
from hsinb.plots import augment_plots as ap
from hsinb.plots import augment_widgets as aw
from hsinb.plots import colour
from hsinb.scenes import Scene
from hsinb.views import CANONICAL_ORDER, TRANSFORMS

matplotlib.use("Agg")


# ============================================================================ names, apply
def test_transform_names_canonical_order_and_validation():
    assert ap.transform_names("all") == list(CANONICAL_ORDER)
    assert ap.transform_names("noise, flip") == ["flip", "noise"]
    assert ap.transform_names(["band_drop", "scale", "band_drop"]) == ["scale", "band_drop"]
    assert ap.transform_names("rotate") == ["rotate"]
    assert ap.transform_names([]) == []
    with pytest.raises(UnknownNameError):
        ap.transform_names("noise,blur")


def test_apply_transform_fires_with_p1_and_is_seeded():
    rng = np.random.default_rng(1)
    x = rng.random((20, 8)).astype(np.float32) + 0.5
    out = ap.apply_transform(x, "scale", seed=3, factor=(0.5, 0.6)).numpy()
    ratio = out / x
    np.testing.assert_allclose(ratio, ratio[:, :1].repeat(8, axis=1), rtol=1e-6)
    assert np.all((ratio > 0.5 - 1e-6) & (ratio < 0.6 + 1e-6))  # every sample scaled
    again = ap.apply_transform(torch.from_numpy(x), "scale", seed=3, factor=(0.5, 0.6))
    assert torch.equal(again, torch.from_numpy(out))
    assert np.array_equal(ap.apply_transform(x, "noise", seed=0, p=0.0).numpy(), x)
    with pytest.raises(UnknownParameterError):
        ap.apply_transform(x, "noise", seed=0, sigma=0.1)


def test_atmosphere_in_the_plots_uses_the_datas_wavelengths():
    from hsinb.views import AtmosphericCompensation

    x = np.full((4, 30), 0.3, dtype=np.float32)
    visible = np.linspace(400.0, 900.0, 30)  # a Samson-like range, not the 400-2500 nm default
    shown = ap.apply_transform(x, "atmosphere", seed=2, wavelengths=visible)
    direct = AtmosphericCompensation(p=1.0, wavelengths=visible)(torch.from_numpy(x), torch.Generator().manual_seed(2))
    assert torch.allclose(shown, direct)
    default_grid = ap.apply_transform(x, "atmosphere", seed=2)  # without: the 400-2500 nm grid
    assert not torch.allclose(shown, default_grid, atol=1e-4)
    assert torch.equal(ap.apply_transform(x, "scale", seed=2, wavelengths=visible),
                       ap.apply_transform(x, "scale", seed=2))  # others ignore the wavelengths


def test_gallery_and_explorer_figure_pass_their_wavelengths_on(monkeypatch):
    seen = []
    real = ap.apply_transform

    def spy(x, name, seed=0, p=1.0, wavelengths=None, **params):
        seen.append((name, wavelengths))
        return real(x, name, seed, p, wavelengths, **params)

    monkeypatch.setattr(ap, "apply_transform", spy)
    monkeypatch.setattr(aw, "apply_transform", spy)
    x = np.full((2, 12), 0.3, dtype=np.float32)
    wl = np.linspace(400.0, 900.0, 12)
    plt.close(ap.transform_gallery(x, "atmosphere", 0, wavelengths=wl))
    plt.close(aw.transform_figure(x, "atmosphere", {}, 0, 1.0, wl))
    assert [n for n, _ in seen] == ["atmosphere", "atmosphere"]
    assert all(w is wl for _, w in seen)


def test_as_display_batch_and_centre_spectra():
    assert ap.as_display_batch(np.arange(5.0)).shape == (1, 5)
    x5 = torch.arange(2 * 3 * 5 * 5, dtype=torch.float32).reshape(2, 1, 3, 5, 5)
    x4 = ap.as_display_batch(x5)
    assert x4.shape == (2, 3, 5, 5) and x4.dtype == np.float64
    np.testing.assert_array_equal(ap.centre_spectra(x4), x5[:, 0, :, 2, 2].numpy())
    spectra = np.ones((4, 3))
    assert ap.centre_spectra(spectra) is spectra
    with pytest.raises(ShapeMismatchError):
        ap.as_display_batch(np.zeros((2, 3, 4)))


# ============================================================================ angle, change




# ============================================================================ windows






def test_window_extent_covers_the_window_pixels():
    x0, y0, w, h = ap.window_extent(10, 4, 5)
    assert (x0, y0, w, h) == (1.5, 7.5, 5.0, 5.0)  # columns 2..6, rows 8..12, edges at ±0.5
    assert ap.window_extent(0, 0, 1) == (-0.5, -0.5, 1.0, 1.0)


def test_zoom_limits_inside_shifted_and_clipped():
    (x0, x1), (yb, yt) = ap.zoom_limits(10, 10, 3, 40, 30)
    assert (x0, x1, yt, yb) == (6.5, 13.5, 6.5, 13.5)  # 7 pixels centred, y inverted
    (x0, x1), (yb, yt) = ap.zoom_limits(1, 28, 3, 40, 30)
    assert (x0, x1) == (22.5, 29.5) and (yt, yb) == (-0.5, 6.5)  # pushed inside
    (x0, x1), (yb, yt) = ap.zoom_limits(2, 2, 10, 5, 4)
    assert (x0, x1) == (-0.5, 3.5) and (yt, yb) == (-0.5, 4.5)  # whole small image


# ============================================================================ stretch
def test_paired_stretch_uses_the_before_limits_for_both():
    rng = np.random.default_rng(4)
    before = rng.gamma(2.0, 1.0, size=(9, 9, 3))
    after = 1.5 * before
    sb, sa = ap.paired_stretch(before, after)
    np.testing.assert_allclose(sb, colour.percentile_stretch(before), atol=1e-12)
    for c in range(3):
        lo, hi = np.percentile(before[..., c], [2, 98])
        np.testing.assert_allclose(sa[..., c], np.clip((after[..., c] - lo) / (hi - lo), 0, 1),
                                   atol=1e-12)
    assert sa.mean() > sb.mean()  # brighter after: the shared stretch shows it
    ref = rng.normal(size=(100, 3))
    sb2, _ = ap.paired_stretch(before, after, reference=ref)
    lo, hi = np.percentile(ref, [2, 98], axis=0)
    hi = np.maximum(hi, before.reshape(-1, 3).max(0))  # the scene's limits, widened to the patch's range
    np.testing.assert_allclose(sb2, (before - lo) / (hi - lo), atol=1e-12)
    assert (sb2 >= 1).sum() == 3  # brighter than the scene, yet only each channel's maximum reaches white


def test_band_values_of_cubes_spectra_and_patches():
    cube = np.arange(4 * 5 * 6, dtype=float).reshape(4, 5, 6)
    np.testing.assert_array_equal(ap.band_values(cube, (5, 0, 2)),
                                  cube.reshape(-1, 6)[:, [5, 0, 2]])
    patches = np.moveaxis(cube, -1, 0)[None]  # (1, B, 4, 5)
    got = ap.band_values(patches, (1, 3, 4))
    np.testing.assert_array_equal(np.sort(got, axis=0), np.sort(cube.reshape(-1, 6)[:, [1, 3, 4]],
                                                                axis=0))
    assert ap.band_values(cube.reshape(-1, 6), [2]).shape == (20, 1)


# ============================================================================ windows in images






def test_change_text_handles_identity_and_zeroed_spectra():
    a = np.array([[1.0, 2.0], [3.0, 1.0]])
    assert ap.change_text(a, a, " (identity)") == "unchanged (identity)"
    assert ap.change_text(a, 2 * a) == "θ = 0.00°, Δ = 100 %"
    assert ap.change_text(a, np.zeros_like(a)) == "set to zero"
    assert ap.change_text(a, np.array([[2.0, 4.0], [0.0, 0.0]])).endswith("(1 zeroed)")


def test_value_label():
    assert ap.value_label("reflectance") == "reflectance"
    assert ap.value_label("reflectance", "none") == "reflectance"
    assert "z-score" in ap.value_label("reflectance", "band_standardise")
    assert ap.value_label("counts", "global_minmax") == "counts, global minmax"


# ============================================================================ widget specs
def test_parameter_docs_reads_the_args_section():
    docs = aw.parameter_docs(TRANSFORMS["noise"])
    assert set(docs) == {"p", "std"}
    assert docs["std"].startswith("noise standard deviation")
    drop = aw.parameter_docs(TRANSFORMS["band_drop"])["fraction"]
    assert "at least 1 when fraction > 0" in drop and "Default 0.1." in drop  # joined lines
    assert aw.parameter_docs(type("NoDoc", (), {})) == {}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_parameter_specs_follow_the_dataclass(name):
    specs = aw.parameter_specs(name)
    fields = [f for f in dataclasses.fields(TRANSFORMS[name]) if f.default is not None]
    assert [s.name for s in specs] == [f.name for f in fields]
    assert specs[0].name == "p" and specs[0].default == 1.0
    for s, f in zip(specs[1:], fields[1:]):
        assert s.default == f.default
        assert s.doc, f"{name}.{s.name} has no documentation"
        if s.kind == "range":
            assert s.low <= min(s.default) and max(s.default) <= s.high
        elif s.kind in ("float", "int"):
            assert s.low <= s.default <= s.high
        else:
            assert s.kind == "bool"
    TRANSFORMS[name](**{s.name: s.default for s in specs})  # the defaults are valid


# ============================================================================ figures
def test_transform_gallery_on_spectra():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 6)).astype(np.float32)
    fig = ap.transform_gallery(x, "all", 0, wavelengths=np.linspace(400, 900, 6),
                               sample_names=["a", "b"], source="tiny-sim")
    assert isinstance(fig, Figure) and "tiny-sim" in titles(fig)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert len(panels) == len(TRANSFORMS)
    by_name = {ax.get_title().split(":")[0]: ax for ax in panels}
    assert "unchanged" in by_name["flip"].get_title()
    scale = by_name["scale"]
    after = ap.apply_transform(x, "scale", 0).numpy()
    np.testing.assert_allclose(scale.lines[0].get_ydata(), x[0])
    np.testing.assert_allclose(scale.lines[1].get_ydata(), after[0], rtol=1e-6)
    np.testing.assert_allclose(scale.lines[0].get_xdata(), np.linspace(400, 900, 6))
    assert "θ = 0.00°" in scale.get_title()


@pytest.mark.parametrize("layout", ["2d", "3d"])
def test_transform_gallery_on_patches(layout):
    rng = np.random.default_rng(8)
    x = rng.normal(size=(3, 6, 5, 5)).astype(np.float32)
    if layout == "3d":
        x = x[:, None]
    fig = ap.transform_gallery(x, ["flip", "noise"], 1, rgb_bands=(0, 1, 2), index=1,
                               reference=rng.normal(size=(4, 4, 6)), source="tiny-sim")
    assert len(fig.axes) == 6 and "5×5 patch" in titles(fig)
    centre = fig.axes[2].lines[0].get_ydata()
    np.testing.assert_allclose(centre, np.asarray(x).reshape(3, 6, 5, 5)[1, :, 2, 2])
    with pytest.raises(ValueError):
        ap.transform_gallery(x, "flip", 0, index=3)
    with pytest.raises(ValueError):
        ap.transform_gallery(x, [], 0)


@pytest.mark.parametrize("mode", ["overlap", "neighbour", "same"])
def test_pair_views_figure(mode):
    s = tiny_two_class_scene(normalised=True)
    size = 1 if mode == "neighbour" else 3
    fig = ap.pair_views_figure(s, mode, n_pairs=3, size=size, neighbourhood=3, seed=2,
                               n_stats=200)
    assert isinstance(fig, Figure) and s.display_name in titles(fig)
    assert len(fig.axes) == (4 if mode == "overlap" else 3)
    spectra_ax = fig.axes[2]
    assert len(spectra_ax.lines) == 6 and "z-score" in spectra_ax.get_ylabel()
    if mode == "overlap":
        # the histogram's bars sum to one and sit at the allowed overlaps
        heights = [p.get_height() for p in fig.axes[3].patches]
        assert sum(heights) == pytest.approx(1.0)
        assert "overlap ≥ 0.5" in titles(fig)
    if mode == "same":
        assert all("θ = 0.0°" in t.get_text() for t in spectra_ax.get_legend().get_texts())


def test_transform_figure_spectra_and_patches():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(3, 6)).astype(np.float32)
    fig = aw.transform_figure(x, "translate", {"bias": (0.5, 0.5)}, seed=0, source="tiny-sim")
    diff = fig.axes[1].lines[0].get_ydata()
    np.testing.assert_allclose(diff, 0.5, atol=1e-6)  # after - before is the bias
    assert "3 of 3 samples changed" in titles(fig) and "tiny-sim" in titles(fig)
    fig = aw.transform_figure(x, "noise", {"std": 0.1}, seed=0, p=0.0)
    assert "0 of 3 samples changed" in titles(fig) and "unchanged" in titles(fig)
    patches = rng.normal(size=(2, 6, 5, 5)).astype(np.float32)
    fig = aw.transform_figure(patches, "pixel_drop", {"fraction": 0.2, "keep_centre": True},
                              rgb_bands=(0, 1, 2), index=1)
    assert len(fig.axes) == 3 and "patch 1 of 2" in titles(fig)
    np.testing.assert_allclose(fig.axes[2].lines[1].get_ydata(), patches[1, :, 2, 2])


def test_transform_explorer_outside_a_kernel_shows_no_widget(capsys):
    x = np.random.default_rng(10).normal(size=(2, 6)).astype(np.float32)
    fig = aw.transform_explorer(x, "band_drop", wavelengths=np.arange(6.0) * 100)
    assert isinstance(fig, Figure) and "band_drop(fraction=0.1) with p = 1" in titles(fig)
    assert capsys.readouterr().out == ""
    with pytest.raises(UnknownNameError):
        aw.transform_explorer(x, "blur")


def test_transform_widget_draws_the_real_figure(capsys):
    pytest.importorskip("ipywidgets")
    x = np.random.default_rng(11).normal(size=(2, 6)).astype(np.float32)
    box = aw.transform_widget(x, "noise", sample_names=["a", "b"])
    box.children[1].children[1].value = 0.3  # std
    out = capsys.readouterr().out  # outside a kernel the Output area prints to stdout
    assert out.count("Figure") == 2 and "noise:" not in out  # two draws, no error


def test_transform_widget_controls_redraw_with_their_values(monkeypatch, capsys):
    pytest.importorskip("ipywidgets")
    calls = []

    def fake(x, name, params, seed, p, wavelengths, fig=None, **options):
        calls.append((name, dict(params), seed, p))
        if not (params.get("horizontal", True) or params.get("vertical", True)):
            raise ValueError("RandomFlip needs horizontal=True or vertical=True")
        return fig

    monkeypatch.setattr(aw, "transform_figure", fake)
    x = np.zeros((2, 4, 3, 3), np.float32)
    box = aw.transform_widget(x, "flip", seed=4)
    controls = box.children[1].children
    assert [c.description for c in controls] == ["p", "horizontal", "vertical", "seed"]
    assert calls[-1] == ("flip", {"horizontal": True, "vertical": True}, 4, 1.0)
    controls[0].value = 0.5
    controls[3].value = 7
    assert calls[-1] == ("flip", {"horizontal": True, "vertical": True}, 7, 0.5)
    controls[1].value = False
    controls[2].value = False
    assert "RandomFlip needs" in capsys.readouterr().out
    box = aw.transform_widget(np.zeros((2, 5), np.float32), "resized_crop")
    crop_scale = box.children[1].children[1]
    assert crop_scale.description == "scale" and tuple(crop_scale.value) == (0.5, 1.0)


def test_showcase_patches_puts_the_busiest_window_first():
    cube = np.zeros((12, 12, 3), dtype=np.float32)
    cube[1:6, 6:11] = np.random.default_rng(0).random((5, 5, 3))  # the only structure
    s = Scene("t", cube, np.zeros((12, 12), int), ["a"])
    anchor, patches = ap.showcase_patches(s, 5, [(6, 6), (2, 2)])
    r, c = anchor
    assert r <= 6 and c >= 6 and patches.shape == (3, 3, 5, 5)  # centred on the structure, not in the blank
    np.testing.assert_array_equal(np.asarray(patches[0]), cube[r - 2:r + 3, c - 2:c + 3].transpose(2, 0, 1))
    np.testing.assert_array_equal(np.asarray(patches[2]), cube[0:5, 0:5].transpose(2, 0, 1))
