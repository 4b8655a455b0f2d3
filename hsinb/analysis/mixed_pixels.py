"""Where a patch classifier and a spectrum classifier part ways: accuracy by how mixed a
pixel is and by how much of its window shares its label, and what the frozen features keep
of the centre pixel's own spectrum.

On a mixed-pixel scene such as Samson the label of a pixel is the argmax of its abundances;
a 2-D CNN sees the whole p×p window. If it "labels the neighbourhood", it loses exactly on
the pixels whose window is mostly another class (boundaries), where a classifier of the
pixel's own spectrum does not; and its features predict the window's mean spectrum better
than the centre's. Vectorised over pixels (box sums); no per-pixel loops.
"""

from __future__ import annotations

import numpy as np

from ..errors import ShapeMismatchError
from .stats import box_sums

__all__ = ["AGREEMENT_EDGES", "PURITY_EDGES", "neighbourhood_agreement", "window_mean_spectra", "purity",
           "binned_accuracy", "spectrum_retention"]

#: bins of the share of a window's labelled pixels that have the centre's label
AGREEMENT_EDGES = (0.0, 0.5, 0.75, 0.95, 1.0001)
#: bins of a pixel's largest abundance (1 = pure)
PURITY_EDGES = (0.0, 0.6, 0.8, 0.95, 1.0001)


def _padded(a: np.ndarray, size: int) -> np.ndarray:
    r = size // 2
    pad = [(r, r), (r, r)] + [(0, 0)] * (a.ndim - 2)
    return np.pad(a, pad)  # zeros: pixels outside the scene count as unlabelled / absent


def neighbourhood_agreement(labels: np.ndarray, size: int) -> np.ndarray:
    """(H, W) float: among the labelled pixels of the ``size``×``size`` window centred on each
    pixel (the window a 2-D CNN sees; cut at the scene's edge), the share with the centre's
    label (the centre included); NaN where the centre is unlabelled."""
    lab = np.asarray(labels)
    if lab.ndim != 2:
        raise ShapeMismatchError(f"labels must be (H, W), got {lab.shape}")
    if size < 1 or size % 2 == 0:
        raise ValueError(f"size must be odd and >= 1, got {size}")
    n_classes = int(lab.max())
    onehot = (lab[..., None] == np.arange(1, n_classes + 1)).astype(np.float64)  # (H, W, C)
    counts = box_sums(_padded(onehot, size), size)  # (H, W, C) labelled pixels of each class per window
    total = counts.sum(-1)
    same = np.take_along_axis(counts, np.clip(lab - 1, 0, None)[..., None], -1)[..., 0]
    out = same / np.maximum(total, 1)
    out[lab == 0] = np.nan
    return out


def window_mean_spectra(cube: np.ndarray, size: int) -> np.ndarray:
    """(H, W, B) mean spectrum of the ``size``×``size`` window centred on each pixel (the
    pixels inside the scene only)."""
    x = np.asarray(cube, dtype=np.float64)
    sums = box_sums(_padded(x, size), size)
    n = box_sums(_padded(np.ones(x.shape[:2]), size), size)
    return sums / n[..., None]


def purity(abundances: np.ndarray) -> np.ndarray:
    """(H, W) largest abundance of each pixel (1 = a pure pixel)."""
    return np.asarray(abundances, dtype=np.float64).max(-1)


def binned_accuracy(correct: np.ndarray, values: np.ndarray, edges=AGREEMENT_EDGES) -> list[dict]:
    """Accuracy of ``correct`` (N,) bool in bins ``[lo, hi)`` of ``values`` (N,): per bin
    ``lo``, ``hi``, ``n`` and ``correct`` (counts, so that records of several seeds add up);
    NaN values are left out."""
    correct, values = np.asarray(correct, bool), np.asarray(values, float)
    if correct.shape != values.shape:
        raise ShapeMismatchError(f"correct {correct.shape} and values {values.shape} differ")
    idx = np.digitize(values, edges) - 1
    ok = ~np.isnan(values) & (idx >= 0) & (idx < len(edges) - 1)
    n = np.bincount(idx[ok], minlength=len(edges) - 1)
    c = np.bincount(idx[ok], weights=correct[ok].astype(float), minlength=len(edges) - 1)
    return [{"lo": float(lo), "hi": float(min(hi, 1.0)), "n": int(k), "correct": int(round(m))}
            for lo, hi, k, m in zip(edges[:-1], edges[1:], n, c)]


def spectrum_retention(features: np.ndarray, targets: dict[str, np.ndarray], *, seed: int = 0) -> dict[str, float]:
    """How well frozen ``features`` (N, D) predict each target (N, B) spectrum set (e.g.
    ``{"centre": ..., "window mean": ...}``): R² (mean over bands, after standardising each
    band) of a ridge regression with its penalty chosen by cross-validation on a seeded
    half of the pixels, scored on the other half. Higher for the window mean than for the
    centre: the features describe the neighbourhood more than the pixel."""
    from sklearn.linear_model import RidgeCV
    from sklearn.metrics import r2_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    f = np.asarray(features, dtype=np.float64)
    order = np.random.default_rng(seed).permutation(f.shape[0])
    fit, test = order[: f.shape[0] // 2], order[f.shape[0] // 2:]
    out = {}
    for name, y in targets.items():
        y = np.asarray(y, dtype=np.float64)
        if y.shape[0] != f.shape[0]:
            raise ShapeMismatchError(f"target {name!r} has {y.shape[0]} rows for {f.shape[0]} feature rows")
        y = (y - y[fit].mean(0)) / np.where(y[fit].std(0) > 0, y[fit].std(0), 1.0)
        model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13))).fit(f[fit], y[fit])
        out[name] = float(r2_score(y[test], model.predict(f[test]), multioutput="uniform_average"))
    return out


#: names of the protocols in the report
PROTOCOL_NAMES = {"supervised": "supervised CNN", "linear": "BT + Lin", "linear_spectrum": "BT + Lin + spectrum",
                  "finetune": "BT + Tune", "finetune_lpft": "BT + LP-FT", "svm": "SVM (spectrum)", "logreg": "logistic regression (spectrum)"}


def bins_table(records, by: str = "agreement"):
    """Accuracy (%) per protocol and bin, summed over the records' ``extra.mixed_pixels``
    (one row per scene, model, split, protocol: the random and the disjoint split test
    different pixels, so they are never pooled; a column per bin ``lo–hi`` and ``n`` pixels per
    bin over all records); the records counted in ``records``."""
    import pandas as pd

    sums: dict = {}
    for rec in records:
        mixed = (rec.get("extra") or {}).get("mixed_pixels")
        if not mixed:
            continue
        p = rec["params"]
        for name, b in mixed["bins"].items():
            if by not in b:
                continue
            key = (p.get("scene"), p.get("model"), p.get("split", "random"), name)
            entry = sums.setdefault(key, {"records": 0, "bins": [[bb["lo"], bb["hi"], 0, 0] for bb in b[by]]})
            entry["records"] += 1
            for acc, bb in zip(entry["bins"], b[by]):
                acc[2] += bb["n"]
                acc[3] += bb["correct"]
    rows = []
    def order(item) -> tuple:
        scene, model, split, name = item[0]
        return (str(scene), str(model), str(split), list(PROTOCOL_NAMES).index(name) if name in PROTOCOL_NAMES else 99)

    for (scene, model, split, name), entry in sorted(sums.items(), key=order):
        row = {"scene": scene, "model": model, "split": split, "protocol": PROTOCOL_NAMES.get(name, name),
               "records": entry["records"]}
        for lo, hi, n, c in entry["bins"]:
            row[f"{lo:g}–{hi:g}"] = 100.0 * c / n if n else float("nan")
        row["pixels per bin"] = "/".join(str(n // max(1, entry["records"])) for _, _, n, _ in entry["bins"])
        rows.append(row)
    return pd.DataFrame(rows)


def retention_table(records):
    """Mean R² (over records) with which frozen features predict the centre spectrum, the
    window mean and the centre's departure from it, per scene, model, split and encoder."""
    import pandas as pd

    rows = []
    for rec in records:
        mixed = (rec.get("extra") or {}).get("mixed_pixels")
        for name, r2 in ((mixed or {}).get("spectrum_r2") or {}).items():
            rows.append({"scene": rec["params"].get("scene"), "model": rec["params"].get("model"),
                         "split": rec["params"].get("split", "random"),
                         "encoder": "Barlow Twins" if name == "linear" else "supervised CNN", **r2})
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).groupby(["scene", "model", "split", "encoder"], sort=True).mean().reset_index()


def write_mixed_pixel_report(*, records, out, title: str = "", command: str = "") -> list[str]:
    """Accuracy by window label agreement and by purity (when the scene has abundances), and
    the spectrum retention of the encoders, over the records of one or more folders, to
    ``<out>.md``; returns the file."""
    from pathlib import Path

    from ..records import atomic_write_text, records_in
    from ..tables import to_markdown

    recs = records_in(records)
    agree, pure, keep = bins_table(recs, "agreement"), bins_table(recs, "purity"), retention_table(recs)
    text = f"# {title}\n\n" if title else ""
    if agree.empty:
        text += "*No record holds mixed-pixel diagnostics yet.*\n"
    else:
        text += (_finding(agree) + "\n\n## Test accuracy (%) by the share of the pixel's window (the 2-D CNN's patch) "
                 "that has its label\n\n" + to_markdown(agree.round(1)) + "\n")
        if not pure.empty:
            text += "\n## Test accuracy (%) by the pixel's largest abundance (1 = pure)\n\n" + to_markdown(pure.round(1)) + "\n"
        if not keep.empty:
            text += ("\n## What the frozen features keep: R² of a ridge regression from features to each spectrum "
                     "(held-out half of 2048 pixels, bands standardised)\n\n" + to_markdown(keep.round(3)) + "\n")
    if command:
        text += f"\nProduced by: `{command}`\n"
    return [str(atomic_write_text(Path(out).with_suffix(".md"), text))]


def _finding(agree) -> str:
    """One computed sentence per scene and model: accuracy on the pixels whose window is mostly
    another class (the first bin), protocol by protocol."""
    first = [c for c in agree.columns if "–" in c][0]
    parts = []
    for (scene, model, split), g in agree.groupby(["scene", "model", "split"], sort=True):
        shown = ", ".join(f"{r['protocol']} {r[first]:.0f} %" if r[first] == r[first] else f"{r['protocol']} —"
                          for _, r in g.iterrows())
        parts.append(f"{scene} {model} {split} split: on test pixels where less than half of the window has their label, {shown}")
    return "; ".join(parts) + "."
