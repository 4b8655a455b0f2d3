"""Colour for display: percentile stretches, band choice, false colour, central windows."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from support import tiny_scene

from hsinb.errors import ShapeMismatchError
from hsinb.plots import colour

matplotlib.use("Agg")


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
