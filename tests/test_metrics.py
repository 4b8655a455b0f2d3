"""Metrics against scikit-learn (an independent implementation)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from hsinb.metrics import spectral_angle_deg

matplotlib.use("Agg")


# ============================================================================ names, apply

from sklearn import metrics as skm

from hsinb import metrics as m


@pytest.fixture
def preds():
    rng = np.random.default_rng(0)
    t = rng.integers(0, 5, 500)
    p = np.where(rng.random(500) < 0.7, t, rng.integers(0, 5, 500))
    return t, p


def test_classification(preds):
    t, p = preds
    r = m.classification_metrics(t, p, 5)
    assert r["OA"] == pytest.approx(skm.accuracy_score(t, p))
    assert r["kappa"] == pytest.approx(skm.cohen_kappa_score(t, p))
    assert r["AA"] == pytest.approx(skm.balanced_accuracy_score(t, p))
    np.testing.assert_array_equal(r["confusion"], skm.confusion_matrix(t, p, labels=range(5)))
    np.testing.assert_allclose(r["per_class"], skm.recall_score(t, p, average=None))


def test_absent_class_is_nan_not_zero():
    cm = m.confusion_matrix([0, 0, 1], [0, 1, 1], n_classes=3)
    pc = m.per_class_accuracy(cm)
    assert np.isnan(pc[2]) and m.average_accuracy(cm) == pytest.approx(0.75)


def test_regression():
    rng = np.random.default_rng(0)
    y = rng.random((200, 3))
    yh = y + rng.normal(0, 0.1, y.shape)
    r = m.regression_metrics(y, yh)
    assert r["R2"] == pytest.approx(skm.r2_score(y, yh))
    assert r["MAE"] == pytest.approx(skm.mean_absolute_error(y, yh))
    assert r["RMSE"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, yh)))
    assert m.r2_score(y[:, 0], y[:, 0]) == 1.0


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


def test_effective_rank_from_collapse_to_full():
    from hsinb.metrics import effective_rank

    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 6))
    assert effective_rank(x) > 5.8  # isotropic: nearly every direction
    assert effective_rank(np.outer(rng.normal(size=200), rng.normal(size=6))) == pytest.approx(1.0)
    s = np.array([3.0, 1.0])  # two directions with singular values 3 and 1: exp(H(3/4, 1/4))
    y = np.vstack([np.diag(s), -np.diag(s)])
    assert effective_rank(y) == pytest.approx(np.exp(-(0.75 * np.log(0.75) + 0.25 * np.log(0.25))))
