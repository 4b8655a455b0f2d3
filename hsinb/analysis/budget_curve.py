"""Method A's budget curve from the records: does the gap between Barlow Twins and the
supervised CNN close as pre-training goes on?

A run with ``checkpoint_epochs`` (:func:`hsinb.experiments.method_a.budget_curve`) records the
linear probe on snapshots of ONE pre-training (the same encoder after 8, 25, 50 and 100
epochs, say), with the Barlow Twins loss terms and the effective rank of the features at each.
Here the records are brought together: per K and snapshot, the probe's OA over seeds, and
its gap to the supervised CNN and to the best spectral baseline of the same records,
paired by seed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import UnknownParameterError
from .paired import paired_difference

__all__ = ["curve_points", "curve_table", "recorded_curve", "write_budget_curve"]


def curve_points(records: Sequence[dict]) -> pd.DataFrame:
    """One row per (record, snapshot): the run's ``K``, ``seed``, the snapshot's ``epoch``,
    ``steps``, ``pairs``, loss terms, ``effective_rank``, ``linear_OA``, and the record's
    ``supervised_OA``, ``svm_OA``, ``logreg_OA`` (NaN when absent). Records without a budget
    curve are skipped."""
    rows = []
    for rec in records:
        curve = (rec.get("extra") or {}).get("budget_curve")
        if not curve:
            continue
        p, m = rec["params"], rec["metrics"]
        for point in curve:
            rows.append({"scene": p.get("scene"), "model": p.get("model"), "split": p.get("split", "random"),
                         "K": p["K"], "seed": p["seed"],
                         **{k: point.get(k) for k in ("epoch", "steps", "pairs", "lr", "loss", "invariance",
                                                      "redundancy", "effective_rank", "linear_OA")},
                         **{k: m.get(k, np.nan) for k in ("supervised_OA", "svm_OA", "logreg_OA")}})
    return pd.DataFrame(rows)


def _ms(values: pd.Series, digits: int = 1) -> str:
    v = values.astype(float)
    return f"{v.mean():.{digits}f} ± {v.std(ddof=1):.{digits}f}" if len(v) > 1 else f"{v.mean():.{digits}f}"


def curve_table(points: pd.DataFrame) -> pd.DataFrame:
    """Per (scene, model, split, K, epoch): seeds, steps, pairs, the probe's OA (mean ± std),
    the loss terms and effective rank (means), and the probe's gap to the supervised CNN and to
    the best spectral baseline of the cell, paired by seed (mean ± std, wins)."""
    if points.empty:
        raise UnknownParameterError("no record holds a budget curve (run method A with checkpoint_epochs)")
    keys = ["scene", "model", "split", "K"]
    rows = []
    for cell, g in points.groupby(keys, sort=True):
        base = [b for b in ("svm_OA", "logreg_OA") if g[b].notna().all()]
        best = max(base, key=lambda b: g[b].mean()) if base else None
        for epoch, e in g.groupby("epoch", sort=True):
            e = e.drop_duplicates("seed")
            row = {**dict(zip(keys, cell)), "epoch": int(epoch), "steps": int(e["steps"].iloc[0]),
                   "pairs": int(e["pairs"].iloc[0]), "lr": float(e["lr"].mean()), "seeds": len(e),
                   "BT + Lin OA": _ms(e["linear_OA"]),
                   "BT + Lin OA mean": float(e["linear_OA"].mean()),
                   "invariance": float(e["invariance"].mean()), "redundancy": float(e["redundancy"].mean()),
                   "effective rank": float(e["effective_rank"].mean())}
            if e["supervised_OA"].notna().all():
                d = paired_difference(e["linear_OA"], e["supervised_OA"])
                row.update({"supervised OA": float(e["supervised_OA"].mean()),
                            "gap to supervised": f"{d['mean']:+.1f} ± {d['std']:.1f}",
                            "gap to supervised mean": d["mean"], "wins (supervised)": f"{d['wins']}/{d['n']}"})
            if best is not None:
                d = paired_difference(e["linear_OA"], e[best])
                row.update({"best baseline": best.removesuffix("_OA"), "baseline OA": float(e[best].mean()),
                            "gap to baseline": f"{d['mean']:+.1f} ± {d['std']:.1f}", "gap to baseline mean": d["mean"]})
            rows.append(row)
    return pd.DataFrame(rows)


def _closing(table: pd.DataFrame) -> str:
    """One sentence per K: the gap to the supervised CNN at the first and the last snapshot."""
    parts = []
    for (scene, model, split, k), g in table.groupby(["scene", "model", "split", "K"], sort=True):
        if "gap to supervised mean" not in g or len(g) < 2:
            continue
        first, last = g.iloc[0], g.iloc[-1]
        move = last["gap to supervised mean"] - first["gap to supervised mean"]
        trend = ("moves in BT's favour" if move > 0.5 else "moves against BT" if move < -0.5 else "stays")
        parts.append(f"{scene} {model} {split} K={k}: BT + Lin − supervised {first['gap to supervised']} after "
                     f"{first['steps']} steps, {last['gap to supervised']} after {last['steps']} ({trend}; effective "
                     f"rank {first['effective rank']:.0f} → {last['effective rank']:.0f})")
    return "; ".join(parts) + "." if parts else ""


def write_budget_curve(*, records: str | os.PathLike | Sequence[str | os.PathLike], out: str | os.PathLike,
                       title: str = "", command: str = "") -> list[str]:
    """The budget curve of the records under ``records`` (one or more folders): ``<out>.csv``,
    ``<out>.md`` (the table and one computed sentence per K) and ``<out>.png`` (probe OA with
    the supervised CNN and the best baseline beside it, the two loss terms, the effective
    rank, against pre-training steps). Returns the files."""
    from pathlib import Path

    from ..plots.save import save_figures
    from ..plots.training_plots import budget_curve_figure
    from ..records import atomic_write_text, records_in
    from ..tables import to_markdown

    table = curve_table(curve_points(records_in(records)))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    written = [atomic_write_text(out.with_suffix(".csv"), table.to_csv(index=False))]
    shown = table.drop(columns=[c for c in table.columns if c.endswith(" mean")])
    text = ((f"# {title}\n\n" if title else "") + _closing(table)
            + " OA in %, gaps in points, paired by seed (mean ± std over seeds); loss terms and effective rank are "
            "means over seeds, the loss terms of the snapshot's epoch. The snapshots lie on one 100-epoch schedule "
            "(10 warm-up epochs, then cosine decay; lr is the weights' learning rate at the snapshot): they say how "
            "far along one paper-budget training the features are useful, not what a shorter schedule would buy."
            "\n\n"
            + to_markdown(shown.round(2)) + "\n")
    if command:
        text += f"\nProduced by: `{command}`\n"
    written.append(atomic_write_text(out.with_suffix(".md"), text))
    import matplotlib.pyplot as plt

    fig = budget_curve_figure(table, title=title.split("·")[0].strip() if title else "")
    written += save_figures({out.name: fig}, out.parent, dpi=120, vector=None)
    plt.close(fig)
    return [str(p) for p in written]


def recorded_curve(results: str | os.PathLike | None = None, *, model: str = "2d") -> pd.DataFrame | None:
    """The budget curve (:func:`curve_table`) of the committed paper-budget records of
    ``model`` (``results/runs/A_paper_*_<model>``), or None when no record holds one yet."""
    from pathlib import Path

    from ..records import iter_records
    from ..runner.catalog import default_results

    root = Path(results) if results is not None else default_results()
    recs = [rec for f in sorted((root / "runs").glob(f"A_paper_*_{model}")) for _, rec in iter_records(f)]
    points = curve_points(recs)
    return curve_table(points) if len(points) else None
