"""Numbers from predictions: classification (OA, AA, per-class accuracy, Cohen's kappa,
confusion matrix), regression (R², MAE, RMSE) and spectra (spectral angle). Inputs are NumPy arrays or tensors;
class indices are 0-based."""

from __future__ import annotations

import numpy as np


def _np(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """(C, C) counts, rows = true class, columns = predicted class."""
    t, p = _np(y_true).astype(np.int64).ravel(), _np(y_pred).astype(np.int64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"{t.size} true labels but {p.size} predictions")
    c = int(n_classes if n_classes is not None else max(t.max(initial=-1), p.max(initial=-1)) + 1)
    return np.bincount(t * c + p, minlength=c * c).reshape(c, c)


def overall_accuracy(cm: np.ndarray) -> float:
    """Fraction of correctly classified samples."""
    return float(np.trace(cm) / max(cm.sum(), 1))


def per_class_accuracy(cm: np.ndarray) -> np.ndarray:
    """Recall of each class (NaN for a class with no test samples)."""
    support = cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(support > 0, np.diag(cm) / support, np.nan)


def average_accuracy(cm: np.ndarray) -> float:
    """Mean per-class accuracy over classes that have test samples."""
    return float(np.nanmean(per_class_accuracy(cm)))


def cohen_kappa(cm: np.ndarray) -> float:
    """Cohen's kappa: (p_o - p_e) / (1 - p_e) with p_e from the row and column marginals."""
    n = cm.sum()
    if n == 0:
        return float("nan")
    po = np.trace(cm) / n
    pe = float((cm.sum(axis=0) * cm.sum(axis=1)).sum()) / n**2
    return float((po - pe) / (1 - pe)) if pe < 1 else 1.0


def classification_metrics(y_true, y_pred, n_classes: int | None = None) -> dict:
    """OA, AA, kappa (fractions in [0, 1]), per-class accuracy and the confusion matrix."""
    cm = confusion_matrix(y_true, y_pred, n_classes)
    return {
        "OA": overall_accuracy(cm),
        "AA": average_accuracy(cm),
        "kappa": cohen_kappa(cm),
        "per_class": [None if np.isnan(a) else float(a) for a in per_class_accuracy(cm)],
        "confusion": cm.tolist(),
    }


def _as_2d(y) -> np.ndarray:
    y = _np(y).astype(np.float64)
    return y.reshape(-1, 1) if y.ndim == 1 else y.reshape(y.shape[0], -1)


def r2_score(y_true, y_pred) -> float:
    """Coefficient of determination per output column, averaged uniformly over columns."""
    t, p = _as_2d(y_true), _as_2d(y_pred)
    ss_res = ((t - p) ** 2).sum(axis=0)
    ss_tot = ((t - t.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
    return float(r2.mean())


def mean_absolute_error(y_true, y_pred) -> float:
    """Mean of |y - ŷ| over all samples and outputs."""
    return float(np.abs(_as_2d(y_true) - _as_2d(y_pred)).mean())


def root_mean_squared_error(y_true, y_pred) -> float:
    """sqrt of the mean of (y - ŷ)² over all samples and outputs."""
    return float(np.sqrt(((_as_2d(y_true) - _as_2d(y_pred)) ** 2).mean()))


def regression_metrics(y_true, y_pred) -> dict:
    """R², MAE and RMSE."""
    return {
        "R2": r2_score(y_true, y_pred),
        "MAE": mean_absolute_error(y_true, y_pred),
        "RMSE": root_mean_squared_error(y_true, y_pred),
    }


def spectral_angle_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spectral angle in degrees between spectra along the last axis, (...) float64.

    Computed as ``2 atan2(|u - v|, |u + v|)`` with u, v the unit vectors (exact to rounding
    also for nearly parallel spectra, unlike ``arccos``); NaN where a spectrum is all zero.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    na = np.linalg.norm(a, axis=-1, keepdims=True)
    nb = np.linalg.norm(b, axis=-1, keepdims=True)
    ok = (na[..., 0] > 0) & (nb[..., 0] > 0)
    u = a / np.where(na > 0, na, 1.0)
    v = b / np.where(nb > 0, nb, 1.0)
    ang = 2.0 * np.arctan2(np.linalg.norm(u - v, axis=-1), np.linalg.norm(u + v, axis=-1))
    return np.where(ok, np.degrees(ang), np.nan)


def effective_rank(features) -> float:
    """Effective rank of (N, D) features (Roy & Vetterli, 2007): ``exp(H(p))`` with ``p`` the
    singular values of the centred features divided by their sum; between 1 (all features
    on one line: collapse) and min(N, D) (every direction used equally)."""
    x = _np(features).astype(np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"need (N, D) features with N >= 2, got shape {x.shape}")
    s = np.linalg.svd(x - x.mean(axis=0), compute_uv=False)
    if s.sum() <= 0:
        return 1.0
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-(p * np.log(p)).sum()))
