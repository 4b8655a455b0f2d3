"""Spectra break at removed bands instead of drawing straight lines across them."""

from __future__ import annotations

import numpy as np

from hsinb.plots.spectra import band_gaps, with_gaps


def test_gaps_are_found_where_the_wavelength_step_jumps_and_broken_with_nan():
    x = np.array([400.0, 410, 420, 430, 600, 610, 620, 900, 910])
    np.testing.assert_array_equal(band_gaps(x), [3, 6])
    assert band_gaps(np.arange(50.0)).size == 0  # band indices: no gaps
    y = np.arange(2 * x.size, dtype=float).reshape(2, x.size)
    gx, gy = with_gaps(x, y)
    assert gx.shape == (x.size + 2,) and gy.shape == (2, x.size + 2)
    assert np.isnan(gx[[4, 8]]).all() and np.isnan(gy[:, [4, 8]]).all()
    np.testing.assert_array_equal(gy[~np.isnan(gy)].reshape(2, -1), y)


def test_scene_figures_break_their_curves_at_the_demo_scenes_water_bands():
    import matplotlib

    matplotlib.use("Agg")
    from hsinb import load_scene, plots

    scene = load_scene("demo")
    assert band_gaps(scene.wavelengths).size == 2  # the two water-absorption gaps
    for fig in (plots.class_spectra(scene), plots.band_statistics(scene)):
        line = fig.axes[0].lines[0]
        assert np.isnan(line.get_ydata()).sum() == 2, "a curve drawn straight across removed bands"
