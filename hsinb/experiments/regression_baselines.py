"""Classical baselines of method C, under its own tile protocol: the question a reviewer
asks first, whether a deep 3-D network is needed to regress tile abundances at all.

Same samples, split and metrics as :func:`hsinb.experiments.method_c.run_method_c`: the scene is
cut into S×S tiles labelled with their mean abundances, ``tile_split(T, test_fraction, seed)``
draws the test tiles (the same tiles as the C run of that seed), and R², MAE and MAE_sum are
computed on them. The baselines:

* ``ridge``: ridge regression from the tile-mean spectrum (B,) to the tile-mean abundances
  (E,), features standardised on the training tiles, the penalty chosen by leave-one-out
  cross-validation on the training tiles (``RidgeCV``).
* ``pls``: partial least squares, the number of components chosen by 5-fold cross-validation
  on the training tiles.
* ``fcls_vca`` and ``nnls_vca``: unmixing with no training labels: endmembers extracted from
  all the scene's pixels by VCA, then per pixel fully constrained least squares (FCLS), or
  non-negative least squares with each pixel's abundances divided by their sum (NNLS:
  invariant to the pixel's brightness, which FCLS is not), and the test tiles' mean
  abundances. The extracted endmembers are put in the reference order by least spectral
  angle to the scene's reference endmembers (the usual evaluation of unmixing; no abundance
  is used).
* ``fcls_reference`` and ``nnls_reference``: the same with the scene's reference endmembers
  (the USGS library spectra of ``synthetic-c``, the ground-truth endmembers of Samson). These
  know the true endmembers, which no other method is given (:data:`ORACLE_BASELINES`): on
  Samson, whose reference abundances are themselves an unmixing of the cube with these
  endmembers, ``nnls_reference`` recovers the reference almost exactly. They are shown, never
  chosen as "the best classical baseline" (:data:`FAIR_BASELINES`).

The regressions' predictions are clipped at 0 and renormalised to sum to one (abundances),
as the deep models' softmax heads guarantee by construction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeMismatchError, check_choice
from ..metrics import regression_metrics
from ..models.unmixing import fcls, match_endmembers, nnls, vca
from ..patches import tile_grid, tile_samples
from ..scenes.scene import Scene
from ..splits import tile_split

__all__ = ["BASELINES_C", "ORACLE_BASELINES", "FAIR_BASELINES", "tile_mean_spectra", "to_simplex", "run_regression_baseline", "run_baselines",
           "best_fair_baseline", "regression_baseline_task"]

#: the classical baselines of the C tables, in the order the checks list them
BASELINES_C = ("ridge", "pls", "fcls_vca", "nnls_vca", "fcls_reference", "nnls_reference")
#: baselines given the scene's reference endmembers: knowledge no other method has
ORACLE_BASELINES = ("fcls_reference", "nnls_reference")
#: the baselines a backbone is paired with: the same training tiles, or the scene alone
FAIR_BASELINES = tuple(b for b in BASELINES_C if b not in ORACLE_BASELINES)
#: ridge penalties tried by leave-one-out cross-validation (features standardised)
RIDGE_ALPHAS = tuple(np.logspace(-4, 4, 33))
#: most PLS components tried (fewer when the training tiles or bands are fewer)
MAX_PLS_COMPONENTS = 20


def tile_mean_spectra(cube: np.ndarray, size: int) -> np.ndarray:
    """(T, B) mean spectrum of every whole S×S tile, tiles in row-major order (as
    :func:`~hsinb.patches.tile_samples`)."""
    th, tw = tile_grid(cube.shape[:2], size)
    b = cube.shape[2]
    c = np.asarray(cube[: th * size, : tw * size], dtype=np.float64)
    return c.reshape(th, size, tw, size, b).mean(axis=(1, 3)).reshape(th * tw, b)


def to_simplex(pred: np.ndarray) -> np.ndarray:
    """Clip (N, E) predictions at 0 and renormalise each row to sum to one (a row that is
    all zero after clipping becomes uniform)."""
    p = np.clip(np.asarray(pred, dtype=np.float64), 0.0, None)
    s = p.sum(axis=1, keepdims=True)
    return np.where(s > 0, p / np.where(s > 0, s, 1.0), 1.0 / p.shape[1])


def _ridge(x_train, y_train, x_test, seed: int) -> tuple[np.ndarray, dict[str, Any]]:
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), RidgeCV(alphas=RIDGE_ALPHAS)).fit(x_train, y_train)
    return model.predict(x_test), {"ridge_alpha": float(model[-1].alpha_)}


def _pls(x_train, y_train, x_test, seed: int) -> tuple[np.ndarray, dict[str, Any]]:
    from sklearn.cross_decomposition import PLSRegression
    from sklearn.model_selection import GridSearchCV, KFold

    folds = min(5, len(x_train))
    most = max(1, min(MAX_PLS_COMPONENTS, x_train.shape[1], len(x_train) - len(x_train) // folds - 1))
    search = GridSearchCV(PLSRegression(scale=True), {"n_components": list(range(1, most + 1))},
                          cv=KFold(folds, shuffle=True, random_state=seed), scoring="neg_mean_squared_error")
    search.fit(x_train, y_train)
    return search.predict(x_test), {"pls_components": int(search.best_params_["n_components"])}


def _unmix(scene: Scene, size: int, test: np.ndarray, seed: int, *, extract: bool,
           solver: str) -> tuple[np.ndarray, dict[str, Any]]:
    if scene.endmembers is None:
        raise ShapeMismatchError(f"{scene.display_name} has no reference endmembers: the *_reference baselines "
                                 "need them, and the *_vca ones need them to name the endmembers they find")
    reference = np.asarray(scene.endmembers, dtype=np.float64).T  # (E, B)
    pixels = np.asarray(scene.cube, dtype=np.float64).reshape(-1, scene.n_bands)
    info: dict[str, Any] = {}
    if extract:
        found, where = vca(pixels, reference.shape[0], seed=seed)
        order, angles = match_endmembers(found, reference)
        endmembers = found[order]
        info = {"vca_pixels": where[order].tolist(), "endmember_angle_deg": angles.round(3).tolist()}
    else:
        endmembers = reference
    h, w = scene.shape[:2]
    th, tw = tile_grid((h, w), size)
    a = (fcls(pixels, endmembers) if solver == "fcls" else to_simplex(nnls(pixels, endmembers))).reshape(h, w, -1)
    e = a.shape[2]
    tiles = a[: th * size, : tw * size].reshape(th, size, tw, size, e).mean(axis=(1, 3)).reshape(th * tw, e)
    return tiles[test], info


def run_regression_baseline(scene: Scene, baseline: str, seed: int, *, patch: int = 10,
                            test_fraction: float = 0.3) -> dict[str, Any]:
    """One classical baseline on the test tiles of ``seed`` (the same tiles as method C's run
    of that seed). Returns ``metrics`` (R2, MAE, RMSE, MAE_sum), ``predictions`` and
    ``targets`` (n_test, E), ``test_tiles`` (indices, row-major), ``n_train``, ``n_test`` and
    ``info`` (the chosen penalty or components, or the VCA endmembers' angles)."""
    check_choice("baseline", baseline, BASELINES_C)
    if scene.abundances is None:
        raise ShapeMismatchError(f"{scene.display_name} has no reference abundances: the C baselines regress them")
    th, tw = tile_grid(scene.shape[:2], patch)
    _, y_tiles = tile_samples(scene.cube, scene.abundances, patch)
    y = y_tiles.numpy().astype(np.float64)
    test = tile_split(th * tw, test_fraction, seed)
    if baseline in ("ridge", "pls"):
        x = tile_mean_spectra(scene.cube, patch)
        fit = _ridge if baseline == "ridge" else _pls
        raw, info = fit(x[~test], y[~test], x[test], seed)
        pred = to_simplex(raw)
    else:
        solver, source = baseline.split("_")
        pred, info = _unmix(scene, patch, test, seed, extract=source == "vca", solver=solver)
    truth = y[test]
    metrics = regression_metrics(truth, pred)
    metrics["MAE_sum"] = metrics["MAE"] * truth.shape[1]  # as method C records it
    return {"metrics": metrics, "predictions": pred, "targets": truth, "test_tiles": np.flatnonzero(test),
            "n_train": int((~test).sum()), "n_test": int(test.sum()), "info": info}


def run_baselines(scene: Scene, seed: int, *, patch: int = 10, test_fraction: float = 0.3,
                  baselines: tuple[str, ...] = BASELINES_C) -> dict[str, dict[str, Any]]:
    """:func:`run_regression_baseline` of each of ``baselines`` on the same split (a second or
    so each): name -> its result. The unmixing baselines are left out, with a warning, for a
    scene with more endmembers than the exact FCLS/NNLS solver enumerates
    (:data:`~hsinb.models.unmixing.MAX_FACES_ENDMEMBERS`, e.g. the 14 of the demo scene)."""
    import warnings

    from ..models.unmixing import MAX_FACES_ENDMEMBERS

    n_end = scene.abundances.shape[-1] if scene.abundances is not None else 0
    if n_end > MAX_FACES_ENDMEMBERS:
        skipped = [b for b in baselines if b not in ("ridge", "pls")]
        if skipped:
            warnings.warn(f"{scene.name}: {n_end} endmembers, more than the exact unmixing solver's "
                          f"{MAX_FACES_ENDMEMBERS}: {', '.join(skipped)} left out", stacklevel=2)
        baselines = tuple(b for b in baselines if b not in skipped)
    return {b: run_regression_baseline(scene, b, seed, patch=patch, test_fraction=test_fraction) for b in baselines}


def best_fair_baseline(results: dict[str, dict[str, Any]], metric: str = "R2") -> str:
    """The name of the fair baseline (not an oracle) with the best ``metric`` among
    ``results`` (from :func:`run_baselines`); R2 higher, errors lower is better."""
    fair = [b for b in results if b in FAIR_BASELINES]
    if not fair:
        raise ShapeMismatchError(f"no fair baseline among {sorted(results)}; run one of {list(FAIR_BASELINES)}")
    sign = 1.0 if metric == "R2" else -1.0
    return max(fair, key=lambda b: sign * results[b]["metrics"][metric])


def regression_baseline_task(scene: str = "synthetic-c", baseline: str = "ridge", seed: int = 0, patch: int = 10,
                             test_fraction: float = 0.3, abundance_layout: str = "smooth", scene_seed: int = 0,
                             quick: bool = False, data_dir: str | None = None,
                             record_path: str | None = None) -> dict[str, Any]:
    """The batch task of the C baselines (``hsinb grid
    hsinb.experiments.regression_baselines:regression_baseline_task ...``): one baseline, one
    seed, one record with the same metrics and ``test_tiles`` as a method C record. The scene
    is loaded as method C loads it (:func:`~hsinb.experiments.method_c.load_regression_scene`).
    ``quick`` changes nothing (every baseline takes seconds); it is accepted so that a grid's
    quick setting applies to it too."""
    from ..records import RunTimer, save_run
    from .method_c import load_regression_scene

    params = dict(scene=scene, baseline=baseline, seed=seed, patch=patch, test_fraction=test_fraction,
                  abundance_layout=abundance_layout, scene_seed=scene_seed, quick=quick)
    timer = RunTimer()
    data = load_regression_scene(scene, scene_seed, data_dir, abundance_layout)
    out = run_regression_baseline(data, baseline, seed, patch=patch, test_fraction=test_fraction)
    return save_run(record_path, params, out["metrics"], None, "cpu", timer,
                    extra={"n_train": out["n_train"], "n_test": out["n_test"], **out["info"],
                           "test_tiles": out["test_tiles"].tolist()})
