"""hsinb.plots.augment_plots / augment_widgets: the pure helpers against independent
computations, and every figure function on tiny inputs (Agg backend)."""

from __future__ import annotations

import dataclasses
import itertools

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from hsinb.analysis import stats as analysis
from hsinb.errors import ShapeMismatchError, UnknownNameError, UnknownParameterError
from hsinb.metrics import spectral_angle_deg
from hsinb.plots import augment_plots as ap
from hsinb.plots import augment_widgets as aw
from hsinb.plots import colour
from hsinb.scenes import Scene
from hsinb.views import CANONICAL_ORDER, TRANSFORMS, overlap_offsets, pairs

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def titles(fig: Figure) -> str:
    sup = fig._suptitle.get_text() if fig._suptitle is not None else ""
    return " | ".join([sup, *(ax.get_title() for ax in fig.axes)])


def tiny_scene(normalised: bool = False) -> Scene:
    """12 x 10 pixels x 6 bands; left half class 1, right half class 2, top row unlabelled."""
    rng = np.random.default_rng(0)
    cube = rng.normal(0.3, 0.02, size=(12, 10, 6)).astype(np.float32)
    labels = np.ones((12, 10), dtype=np.int64)
    labels[:, 5:] = 2
    labels[0] = 0
    cube[labels == 2] += np.linspace(0.0, 0.2, 6, dtype=np.float32)
    s = Scene(name="tiny-sim", cube=cube, labels=labels, class_names=["Soil", "Tree"],
              wavelengths=np.linspace(450.0, 900.0, 6), rgb_bands=(4, 2, 0), simulated=True,
              units="reflectance")
    return s.normalised("band_standardise") if normalised else s


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
def test_spectral_angle_matches_arccos_and_special_cases():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(50, 7)), rng.normal(size=(50, 7))
    want = np.degrees(np.arccos(np.sum(a * b, 1) / np.linalg.norm(a, axis=1)
                                / np.linalg.norm(b, axis=1)))
    np.testing.assert_allclose(spectral_angle_deg(a, b), want, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(spectral_angle_deg(a, 3.7 * a), 0.0, atol=1e-6)
    assert spectral_angle_deg([1.0, 0.0], [0.0, 2.0]) == pytest.approx(90.0)
    assert spectral_angle_deg([1.0, 2.0], [-1.0, -2.0]) == pytest.approx(180.0)
    assert np.isnan(spectral_angle_deg([0.0, 0.0], [1.0, 0.0]))
    assert spectral_angle_deg(a.reshape(5, 10, 7), b.reshape(5, 10, 7)).shape == (5, 10)


def test_relative_change_matches_numpy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(6, 9)), rng.normal(size=(6, 9))
    want = np.sqrt(((b - a) ** 2).sum(1)) / np.sqrt((a**2).sum(1))
    np.testing.assert_allclose(analysis.relative_change(a, b), want, rtol=1e-12)
    assert analysis.relative_change([2.0, 0.0], [3.0, 0.0]) == pytest.approx(0.5)
    assert np.isnan(analysis.relative_change([0.0, 0.0], [1.0, 0.0]))


# ============================================================================ windows
def _pixels(r: int, c: int, size: int) -> set[tuple[int, int]]:
    h = size // 2
    return {(i, j) for i in range(r - h, r + h + 1) for j in range(c - h, c + h + 1)}


@pytest.mark.parametrize("size", [1, 3, 5, 9])
def test_window_overlap_is_the_shared_pixel_fraction(size):
    a = _pixels(20, 20, size)
    for dr, dc in itertools.product(range(-size - 1, size + 2), repeat=2):
        want = len(a & _pixels(20 + dr, 20 + dc, size)) / size**2
        assert pairs.window_overlap(20, 20, 20 + dr, 20 + dc, size) == pytest.approx(want)
    rows = np.array([0, 3, 7])
    got = pairs.window_overlap(rows, rows, rows + 1, rows - 2, size)
    assert got.shape == (3,) and np.allclose(got, got[0])


def test_window_overlap_agrees_with_the_sampler_offsets():
    offs = overlap_offsets(9, 0.5).numpy()
    frac = pairs.window_overlap(0, 0, offs[:, 0], offs[:, 1], 9)
    assert frac.min() >= 0.5 and frac.max() < 1.0
    r = np.arange(-8, 9)
    dr, dc = np.meshgrid(r, r, indexing="ij")
    every = pairs.window_overlap(0, 0, dr, dc, 9)
    assert int(((every >= 0.5) & ((dr != 0) | (dc != 0))).sum()) == len(offs)


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
    np.testing.assert_allclose(sb2, np.clip((before - lo) / (hi - lo), 0, 1), atol=1e-12)


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
def test_box_sums_match_brute_force():
    rng = np.random.default_rng(5)
    img = rng.normal(size=(7, 6, 2))
    got = analysis.box_sums(img, 3)
    assert got.shape == (5, 4, 2)
    for i, j in itertools.product(range(5), range(4)):
        np.testing.assert_allclose(got[i, j], img[i : i + 3, j : j + 3].sum(axis=(0, 1)))


def test_contrast_window_finds_the_highest_variance_window():
    rng = np.random.default_rng(6)
    img = rng.normal(0.0, 0.01, size=(20, 16, 3))
    img[12:15, 3:6] += rng.normal(0.0, 1.0, size=(3, 3, 3))  # a busy 3 x 3 spot
    r, c = analysis.contrast_window(img, 5)
    best, want = -1.0, None
    for i, j in itertools.product(range(2, 18), range(2, 14)):
        v = img[i - 2 : i + 3, j - 2 : j + 3].reshape(-1, 3).var(axis=0).sum()
        if v > best + 1e-12:
            best, want = v, (i, j)
    assert (r, c) == want
    assert analysis.contrast_window(img[..., 0], 5) is not None  # a 2D image works too
    assert analysis.contrast_window(np.zeros((3, 4, 3)), 5) == (1, 2)  # smaller than the window


def test_label_agreement_counts_only_labelled_pairs():
    labels = np.array([[1, 1, 2], [0, 2, 2]])
    share, n = analysis.label_agreement(labels, [0, 0, 1, 0], [0, 1, 0, 2], [0, 0, 1, 1], [1, 2, 1, 1])
    # pairs: (1,1) same, (1,2) differ, (0,2) unlabelled anchor, (2,2) same
    assert n == 3 and share == pytest.approx(2 / 3)
    share, n = analysis.label_agreement(labels, [1], [0], [1], [0])
    assert n == 0 and np.isnan(share)


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
    s = tiny_scene(normalised=True)
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
