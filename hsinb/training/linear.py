"""Linear classifiers fitted in closed form with model selection on the training labels only:
L2 logistic regression on standardised features, its inverse penalty C chosen by stratified
cross-validation. The spectral baseline of method A and its linear probe on frozen features
use this one recipe, so that the two are compared with the same care."""

from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import nn

from ..models.heads import EncoderWithHead, LinearClassifier

__all__ = ["LOGREG_CS", "fit_logistic_regression", "as_linear_head", "fit_logistic_probe"]

#: the inverse L2 penalties tried by cross-validation
LOGREG_CS = (0.01, 0.1, 1.0, 10.0)


def fit_logistic_regression(x: np.ndarray, y: np.ndarray, *, seed: int = 0, cs=LOGREG_CS):
    """A scikit-learn pipeline ``StandardScaler → LogisticRegression`` fitted on ``x`` (N, D)
    and 0-based labels ``y`` (N,). C is chosen among ``cs`` by stratified k-fold
    cross-validation (k = min(5, smallest class)) when every class has at least 3 samples;
    otherwise C = 1. At most 300 L-BFGS iterations (separable few-shot data never converge at
    large C). Returns the fitted pipeline (``best_params_`` via ``.chosen_C``; the mean
    cross-validated accuracy of that C via ``.cv_accuracy``, NaN without cross-validation)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    est = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=300))
    min_per_class = int(np.bincount(y).min()) if y.size else 0
    if min_per_class >= 3:
        cv = StratifiedKFold(n_splits=min(min_per_class, 5), shuffle=True, random_state=seed)
        est = GridSearchCV(est, {"logisticregression__C": list(cs)}, cv=cv, n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(x, y)
    pipe = est.best_estimator_ if hasattr(est, "best_estimator_") else est
    pipe.chosen_C = float(pipe[-1].C)
    pipe.cv_accuracy = float(est.best_score_) if hasattr(est, "best_score_") else float("nan")
    return pipe


def as_linear_head(pipe, n_classes: int) -> LinearClassifier:
    """The fitted ``StandardScaler → LogisticRegression`` pipeline as one torch linear layer
    on the raw features: ``W = coef / scale``, ``b = intercept − W · mean``, so that its
    logits equal the pipeline's decision function (classes absent from training get logit
    −inf, never predicted)."""
    scaler, logreg = pipe[0], pipe[-1]
    coef = np.asarray(logreg.coef_, dtype=np.float64)
    intercept = np.asarray(logreg.intercept_, dtype=np.float64)
    if coef.shape[0] == 1:  # two classes: one decision function, logits (0, z)
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    w = coef / scale
    b = intercept - w @ scaler.mean_
    head = LinearClassifier(w.shape[1], n_classes)
    with torch.no_grad():
        head.weight.zero_()
        head.bias.fill_(-torch.inf)
        cls = torch.as_tensor(logreg.classes_, dtype=torch.long)
        head.weight[cls] = torch.as_tensor(w, dtype=head.weight.dtype)
        head.bias[cls] = torch.as_tensor(b, dtype=head.bias.dtype)
    return head


def fit_logistic_probe(encoder: nn.Module, x_train: torch.Tensor, y_train: torch.Tensor, *, n_classes: int,
                       seed: int = 0, feature_batch_size: int = 256) -> tuple[EncoderWithHead, dict]:
    """Linear probe on a FROZEN encoder with the care the spectral baseline gets: features
    computed once (eval mode), standardised, L2 logistic regression with C by stratified
    cross-validation on the training labels (:func:`fit_logistic_regression`). Returns the
    encoder with the equivalent linear head (eval mode) and ``{"C": chosen C, "cv_accuracy":
    its mean cross-validated accuracy on the training labels}``."""
    from .classify import encode

    feats = encode(encoder, x_train, feature_batch_size).float().cpu().numpy()
    pipe = fit_logistic_regression(feats, torch.as_tensor(y_train).long().cpu().numpy(), seed=seed)
    head = as_linear_head(pipe, n_classes).to(next(encoder.parameters()).device)
    return EncoderWithHead(encoder, head).eval(), {"C": pipe.chosen_C, "cv_accuracy": pipe.cv_accuracy}
