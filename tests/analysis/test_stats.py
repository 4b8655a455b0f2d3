"""The statistics figures show, against independent numpy computations."""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest

from hsinb.analysis import stats as analysis
from hsinb.errors import ShapeMismatchError
from hsinb.scenes import Scene

matplotlib.use("Agg")


# ============================================================================ names, apply

import matplotlib
from support import tiny_scene

matplotlib.use("Agg")


# ---------------------------------------------------------------------------- stats


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


def test_relative_change_matches_numpy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(6, 9)), rng.normal(size=(6, 9))
    want = np.sqrt(((b - a) ** 2).sum(1)) / np.sqrt((a**2).sum(1))
    np.testing.assert_allclose(analysis.relative_change(a, b), want, rtol=1e-12)
    assert analysis.relative_change([2.0, 0.0], [3.0, 0.0]) == pytest.approx(0.5)
    assert np.isnan(analysis.relative_change([0.0, 0.0], [1.0, 0.0]))


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
