"""Mixed-pixel diagnostics: window label agreement and window means (box sums, checked
against plain loops), binned accuracy counts, and which spectrum frozen features keep."""

from __future__ import annotations

import numpy as np
import pytest

from hsinb.analysis.mixed_pixels import (
    binned_accuracy,
    neighbourhood_agreement,
    purity,
    spectrum_retention,
    window_mean_spectra,
)


def _loop_agreement(labels, size):
    r = size // 2
    h, w = labels.shape
    out = np.full((h, w), np.nan)
    for i in range(h):
        for j in range(w):
            if labels[i, j] == 0:
                continue
            win = labels[max(0, i - r): i + r + 1, max(0, j - r): j + r + 1]
            out[i, j] = (win == labels[i, j]).sum() / (win > 0).sum()
    return out


def test_agreement_and_window_means_match_plain_loops():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, size=(9, 11))
    np.testing.assert_allclose(neighbourhood_agreement(labels, 3), _loop_agreement(labels, 3), equal_nan=True)
    np.testing.assert_allclose(neighbourhood_agreement(labels, 5), _loop_agreement(labels, 5), equal_nan=True)
    cube = rng.random((9, 11, 2))
    means = window_mean_spectra(cube, 3)
    np.testing.assert_allclose(means[0, 0], cube[:2, :2].reshape(-1, 2).mean(0))
    np.testing.assert_allclose(means[4, 5], cube[3:6, 4:7].reshape(-1, 2).mean(0))
    with pytest.raises(ValueError, match="odd"):
        neighbourhood_agreement(labels, 4)


def test_a_boundary_pixel_agrees_with_few_of_its_window():
    labels = np.ones((5, 5), int)
    labels[:, 3:] = 2
    agree = neighbourhood_agreement(labels, 3)
    assert agree[2, 0] == 1.0 and agree[2, 2] == pytest.approx(6 / 9) and agree[2, 3] == pytest.approx(6 / 9)
    assert purity(np.array([[[0.2, 0.8], [0.5, 0.5]]])).tolist() == [[0.8, 0.5]]


def test_binned_accuracy_counts_per_bin_and_skips_nan():
    bins = binned_accuracy(np.array([1, 0, 1, 1, 0], bool), np.array([0.1, 0.2, 0.9, 1.0, np.nan]))
    assert [(b["n"], b["correct"]) for b in bins] == [(2, 1), (0, 0), (1, 1), (1, 1)]  # 1.0 falls in the last


def test_features_of_the_window_mean_keep_the_window_not_the_pixel():
    rng = np.random.default_rng(1)
    centre = rng.normal(size=(600, 5))
    window = centre * 0.3 + rng.normal(size=(600, 5))  # mostly the neighbours
    r2 = spectrum_retention(window @ rng.normal(size=(5, 8)), {"centre": centre, "window mean": window})
    assert r2["window mean"] > 0.99 > 0.5 > r2["centre"]


def test_the_report_adds_the_bins_of_every_record(tmp_path):
    import json

    from hsinb.analysis.mixed_pixels import bins_table, write_mixed_pixel_report

    def rec(correct_low: int) -> dict:
        bins = [{"lo": 0.0, "hi": 0.5, "n": 10, "correct": correct_low}, {"lo": 0.5, "hi": 1.0, "n": 30, "correct": 30}]
        return {"params": {"scene": "s", "model": "2d"},
                "extra": {"mixed_pixels": {"bins": {"linear": {"agreement": bins}, "logreg": {"agreement": bins}},
                                           "spectrum_r2": {"linear": {"centre": 0.5, "window mean": 0.9}}}}}

    table = bins_table([rec(2), rec(4), {"params": {}, "extra": {}}])
    assert table["0–0.5"].tolist() == [30.0, 30.0] and table["records"].tolist() == [2, 2]
    (tmp_path / "records").mkdir()
    for i, r in enumerate((rec(2), rec(4))):
        (tmp_path / "records" / f"r{i}.json").write_text(json.dumps(r))
    text = open(write_mixed_pixel_report(records=[tmp_path], out=tmp_path / "mp")[0]).read()
    assert "BT + Lin 30 %, logistic regression (spectrum) 30 %" in text and "| s | 2d | random | Barlow Twins | 0.5 | 0.9 |" in text
