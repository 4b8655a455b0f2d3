"""The few-shot classification experiment shared by notebooks 03, 04 and the ablations:
patches for a split, evaluation over the test pixels, classification maps, and the
classical baselines (SVM and logistic regression on spectra) every table carries."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..errors import check_choice
from ..metrics import classification_metrics
from ..patches import PaddedCube
from ..scenes.scene import Scene
from ..splits import Split
from ..training.classify import predict
from ..training.linear import fit_logistic_regression

#: encoder name -> (registry name, patch layout)
MODELS = {"1d": ("resnet1d", "1d"), "2d": ("resnet2d", "2d")}


@dataclass
class FewShotData:
    """Tensors of one split of one scene, ready for the classification recipes.

    ``x_train``: (N, B) for 1D models, (N, B, p, p) for 2D; ``y_train``: (N,) 0-based.
    """

    scene: Scene
    split: Split
    cube: PaddedCube
    layout: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor

    @property
    def n_classes(self) -> int:
        return self.scene.n_classes

    @property
    def n_bands(self) -> int:
        return self.scene.n_bands


def prepare_fewshot(scene: Scene, split: Split, model: str = "2d", patch: int = 9,
                    device: torch.device | str | None = None) -> FewShotData:
    """Pad the scene once and extract the training/validation windows of ``split``."""
    check_choice("model", model, MODELS)
    layout = MODELS[model][1]
    size = 1 if layout == "1d" else patch
    cube = PaddedCube(scene.cube, size, device=device)
    y = split.label_vector(scene.labels)

    def part(name: str):
        rows, cols = split.coords(name)
        x = cube.extract(rows, cols, layout).contiguous()
        return x, torch.as_tensor(y[getattr(split, name)] - 1, dtype=torch.long, device=cube.device)

    x_tr, y_tr = part("train")
    x_va, y_va = part("val")
    return FewShotData(scene, split, cube, layout, x_tr, y_tr, x_va, y_va)


def predict_pixels(model: nn.Module, data: FewShotData, flat_idx: np.ndarray,
                   batch_size: int = 1024) -> np.ndarray:
    """0-based class predictions for the given flat pixel indices, in batches."""
    rows, cols = np.divmod(np.asarray(flat_idx, dtype=np.int64), data.scene.shape[1])
    # each batch is consumed before the next is gathered, so one buffer serves them all
    # (fresh 8-30 MB batches page-fault on every allocation; see benchmarks/bench_patches.py)
    batches = data.cube.iter_batches(rows, cols, data.layout, batch_size, reuse_buffer=True)
    preds = [predict(model, x, batch_size) for x in batches]
    return torch.cat(preds).cpu().numpy() if preds else np.zeros(0, np.int64)


def evaluate(model: nn.Module, data: FewShotData, part: str = "test", batch_size: int = 1024,
             max_pixels: int | None = None, seed: int = 0, keep_predictions: bool = False) -> dict:
    """Metrics of ``model`` on a split part (all its pixels, or a seeded subsample of
    ``max_pixels`` for quick runs; the subsample size is recorded). With
    ``keep_predictions`` the result also holds ``"pixels"`` (flat indices) and
    ``"predictions"`` (0-based classes), from which :func:`prediction_map` draws a map
    without predicting again."""
    idx = getattr(data.split, part)
    if max_pixels is not None and idx.size > max_pixels:
        idx = np.sort(np.random.default_rng(seed).choice(idx, max_pixels, replace=False))
    pred = predict_pixels(model, data, idx, batch_size)
    true = data.split.label_vector(data.scene.labels)[idx] - 1
    out = classification_metrics(true, pred, data.n_classes)
    out["n_eval"] = int(idx.size)
    if keep_predictions:
        out["pixels"], out["predictions"] = idx, pred
    return out


def prediction_map(shape: tuple[int, int], pixels: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """(H, W) map with ``predictions + 1`` at the flat ``pixels`` and 0 elsewhere."""
    out = np.zeros(shape[0] * shape[1], dtype=np.int64)
    out[np.asarray(pixels)] = np.asarray(predictions) + 1
    return out.reshape(shape)


def classification_map(model: nn.Module, data: FewShotData, batch_size: int = 1024,
                       labelled_only: bool = False) -> np.ndarray:
    """(H, W) predicted label map (1..C; 0 where not predicted)."""
    h, w = data.scene.shape[:2]
    idx = np.flatnonzero(data.scene.labels.reshape(-1) > 0) if labelled_only else np.arange(h * w)
    out = np.zeros(h * w, dtype=np.int64)
    out[idx] = predict_pixels(model, data, idx, batch_size) + 1
    return out.reshape(h, w)


def protocol_maps(models: dict[str, nn.Module], metrics: dict[str, dict], data: FewShotData, *,
                  full: bool) -> dict[str, np.ndarray]:
    """A (H, W) map (1..C, 0 = not shown) per model: every pixel of the scene (``full``; one
    forward pass per pixel) or, at no cost, the test pixels its metrics already scored
    (``metrics[name]`` from :func:`evaluate` with ``keep_predictions``)."""
    if full:
        return {name: classification_map(model, data) for name, model in models.items()}
    shape = data.scene.shape[:2]
    return {name: prediction_map(shape, metrics[name]["pixels"], metrics[name]["predictions"]) for name in models}


def spectra_of(scene: Scene, split: Split, part: str) -> tuple[np.ndarray, np.ndarray]:
    """(N, B) spectra and 0-based labels of a split part."""
    idx = getattr(split, part)
    return scene.cube.reshape(-1, scene.n_bands)[idx], split.label_vector(scene.labels)[idx] - 1


def classical_baselines(scene: Scene, split: Split, methods: tuple[str, ...] = ("svm", "logreg"),
                        max_test: int | None = None, seed: int = 0, keep_predictions: bool = False) -> dict[str, dict]:
    """SVM (RBF) and logistic regression on standardised pixel spectra, scikit-learn.

    Hyper-parameters: C (and the RBF width) picked by stratified cross-validation on the
    training pixels when every class has at least 3 of them, else fixed defaults
    (SVM C=100, gamma='scale'; logistic regression C=1, at most 300 L-BFGS iterations).
    Returns metrics per method (with ``"pixels"`` and 0-based ``"predictions"`` when
    ``keep_predictions``, as :func:`evaluate`).
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    x_tr, y_tr = spectra_of(scene, split, "train")
    test_idx = split.test
    if max_test is not None and test_idx.size > max_test:
        test_idx = np.sort(np.random.default_rng(seed).choice(test_idx, max_test, replace=False))
    x_te = scene.cube.reshape(-1, scene.n_bands)[test_idx]
    y_te = split.label_vector(scene.labels)[test_idx] - 1
    min_per_class = int(np.bincount(y_tr).min()) if y_tr.size else 0
    results = {}
    for name in methods:
        check_choice("baseline", name, ("svm", "logreg"))
        if name == "logreg":  # the same recipe as the linear probe on frozen features
            est = fit_logistic_regression(x_tr, y_tr, seed=seed)
        else:
            est = make_pipeline(StandardScaler(), SVC(C=100.0, gamma="scale"))
            if min_per_class >= 3:
                cv = StratifiedKFold(n_splits=min(min_per_class, 5), shuffle=True, random_state=seed)
                est = GridSearchCV(est, {"svc__C": [1, 10, 100, 1000], "svc__gamma": ["scale", 0.1, 0.01]},
                                   cv=cv, n_jobs=1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                est.fit(x_tr, y_tr)
        pred = est.predict(x_te)
        results[name] = classification_metrics(y_te, pred, scene.n_classes)
        results[name]["n_eval"] = int(test_idx.size)
        if keep_predictions:
            results[name]["pixels"], results[name]["predictions"] = test_idx, np.asarray(pred)
    return results
