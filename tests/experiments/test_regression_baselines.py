"""Method C's classical baselines: the same test tiles as a C run, tile-mean features, and
metrics that an independent computation reproduces."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from support import tiny_linear_mixture

from hsinb.errors import UnknownNameError
from hsinb.experiments.method_c import MethodCConfig, run_method_c
from hsinb.experiments.regression_baselines import (
    BASELINES_C,
    FAIR_BASELINES,
    ORACLE_BASELINES,
    run_regression_baseline,
    tile_mean_spectra,
    to_simplex,
)
from hsinb.metrics import r2_score
from hsinb.patches import tile_samples
from hsinb.splits import tile_split


def test_tile_means_and_simplex_projection():
    s = tiny_linear_mixture()
    x = tile_mean_spectra(s.cube, 8)
    assert x.shape == (25, 30)
    np.testing.assert_allclose(x[1 * 5 + 3], s.cube[8:16, 24:32].mean((0, 1)), rtol=1e-5)
    p = to_simplex(np.array([[0.5, -0.2, 1.5], [-1.0, -1.0, -1.0]]))
    np.testing.assert_allclose(p, [[0.25, 0.0, 0.75], [1 / 3, 1 / 3, 1 / 3]])


def test_baselines_use_the_c_runs_test_tiles_and_reproduce_their_metrics():
    s = tiny_linear_mixture()
    c_run = run_method_c(s, MethodCConfig(backbone="luo", patch=8, transforms="none", epochs=1), seed=3,
                         progress=False)
    ridge = run_regression_baseline(s, "ridge", 3, patch=8)
    np.testing.assert_array_equal(ridge["test_tiles"], c_run["test_tiles"])
    np.testing.assert_array_equal(ridge["test_tiles"], np.flatnonzero(tile_split(25, 0.3, 3)))
    np.testing.assert_allclose(ridge["targets"], c_run["targets"], rtol=1e-6)
    # an independent ridge at the chosen penalty (features standardised on the training tiles)
    x = tile_mean_spectra(s.cube, 8)
    test = tile_split(25, 0.3, 3)
    mu, sd = x[~test].mean(0), x[~test].std(0)
    y = ridge["targets"]
    y_all = tile_samples(s.cube, s.abundances, 8)[1].numpy()
    ref = Ridge(alpha=ridge["info"]["ridge_alpha"]).fit((x[~test] - mu) / sd, y_all[~test])
    want = to_simplex(ref.predict((x[test] - mu) / sd))
    np.testing.assert_allclose(ridge["predictions"], want, atol=1e-6)
    assert ridge["metrics"]["R2"] == pytest.approx(r2_score(y, want))
    assert ridge["metrics"]["MAE_sum"] == pytest.approx(3 * np.abs(y - want).mean())


def test_every_baseline_runs_and_linear_ones_fit_a_linear_scene():
    s = tiny_linear_mixture()
    out = {b: run_regression_baseline(s, b, 0, patch=8) for b in BASELINES_C}
    for b, r in out.items():
        assert r["predictions"].shape == r["targets"].shape, b
        np.testing.assert_allclose(r["predictions"].sum(1), 1.0, atol=1e-9)
    assert out["ridge"]["metrics"]["R2"] > 0.9 and out["pls"]["metrics"]["R2"] > 0.9
    assert out["fcls_reference"]["metrics"]["R2"] > 0.99  # the true endmembers of a linear mixture
    assert set(ORACLE_BASELINES) | set(FAIR_BASELINES) == set(BASELINES_C)


def test_nnls_unmixing_is_brightness_free_and_fcls_is_not():
    s = tiny_linear_mixture(brightness=2.0)
    assert run_regression_baseline(s, "nnls_reference", 0, patch=8)["metrics"]["R2"] > 0.99
    assert run_regression_baseline(s, "fcls_reference", 0, patch=8)["metrics"]["R2"] < 0.9


def test_baseline_task_writes_a_record_with_its_test_tiles(tmp_path):
    from hsinb.experiments.regression_baselines import regression_baseline_task

    path = tmp_path / "r.json"
    rec = regression_baseline_task(scene="synthetic-c", baseline="nnls_vca", seed=1, record_path=str(path))
    saved = json.loads(path.read_text())
    assert saved["params"]["baseline"] == "nnls_vca" and saved["metrics"]["R2"] == rec["metrics"]["R2"]
    assert saved["extra"]["test_tiles"] == np.flatnonzero(tile_split(100, 0.3, 1)).tolist()
    assert len(saved["extra"]["endmember_angle_deg"]) == 4


def test_unknown_baseline_is_named():
    with pytest.raises(UnknownNameError, match="ridge"):
        run_regression_baseline(tiny_linear_mixture(), "lasso", 0, patch=8)


def test_run_baselines_share_one_split_and_the_best_fair_one_is_never_an_oracle():
    from hsinb.experiments.regression_baselines import best_fair_baseline, run_baselines

    s = tiny_linear_mixture()
    out = run_baselines(s, 2, patch=8)
    assert list(out) == list(BASELINES_C)
    assert len({tuple(r["test_tiles"]) for r in out.values()}) == 1
    assert out["fcls_reference"]["metrics"]["R2"] > out["ridge"]["metrics"]["R2"] - 1  # the oracle may win ...
    assert best_fair_baseline(out) in FAIR_BASELINES  # ... but is never chosen
    assert best_fair_baseline({"ridge": out["ridge"], "pls": out["pls"]}, "MAE") == min(
        ("ridge", "pls"), key=lambda b: out[b]["metrics"]["MAE"])


def test_a_scene_with_more_endmembers_than_the_exact_solver_keeps_the_linear_baselines():
    import hsinb
    from hsinb.experiments.regression_baselines import run_baselines

    with pytest.warns(UserWarning, match="14 endmembers.*left out"):
        out = run_baselines(hsinb.load_scene("demo"), 0)
    assert sorted(out) == ["pls", "ridge"]
