"""The two claims of paper C's tables, checked on our records.

1. **Ordering**: for every backbone, baseline < spectral ≤ spatial ≤ spectral+spatial
   (R² increasing; MAE decreasing), compared on seed means.
2. **At or above the paper**: every cell R² ≥ the paper's and MAE ≤ the paper's.

Both work on the output of :func:`hsinb.grid.aggregate` grouped by ``backbone`` and
``transforms`` (columns ``<metric>_mean``, ``<metric>_std``).
"""

from __future__ import annotations

from ..errors import UnknownParameterError

__all__ = ["TRANSFORM_ORDER", "HIGHER_IS_BETTER", "ordering_check", "paper_gap"]

#: paper C's columns, in the order its results claim they improve
TRANSFORM_ORDER = ("none", "spectral", "spatial", "spectral+spatial")
#: direction of each regression metric
HIGHER_IS_BETTER = {"R2": True, "MAE": False, "RMSE": False, "MAE_sum": False}


def _means(agg, metric: str):
    need = {"backbone", "transforms", f"{metric}_mean"}
    if not need <= set(agg.columns):
        raise UnknownParameterError(f"need columns {sorted(need)} (aggregate by backbone and transforms), "
                                    f"got {list(agg.columns)}")
    return agg.pivot(index="backbone", columns="transforms", values=f"{metric}_mean")


def ordering_check(agg, metric: str = "R2"):
    """One row per backbone: the seed-mean ``metric`` of each transform set present, one
    column per step of the claimed order (True when that step holds: strictly better
    than the baseline, at least as good as the previous set otherwise), and ``holds``."""
    import pandas as pd

    if metric not in HIGHER_IS_BETTER:
        raise UnknownParameterError(f"unknown metric {metric!r}; known: {', '.join(HIGHER_IS_BETTER)}")
    sign = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
    wide = _means(agg, metric)
    sets = [t for t in TRANSFORM_ORDER if t in wide.columns]
    rows = []
    for backbone, means in wide.iterrows():
        row = {"backbone": backbone, "metric": metric, **{t: float(means[t]) for t in sets}}
        ok = True
        for prev, cur in zip(sets, sets[1:]):
            better = sign * (means[cur] - means[prev])
            step = bool(better > 0) if prev == "none" else bool(better >= 0)
            row[f"{prev} {'<' if prev == 'none' else '≤'} {cur}"] = step
            ok &= step
        row["holds"] = ok
        rows.append(row)
    return pd.DataFrame(rows)


def paper_gap(agg, paper, metrics=("R2", "MAE"), against: dict[str, str] | None = None):
    """One row per (backbone, transforms) in both tables: ours (mean), the paper's value,
    ours − paper, and whether ours is at least as good (R² ≥, MAE ≤). ``against`` maps
    one of our metrics to the paper column it is compared with (default: the same name;
    e.g. ``{"MAE_sum": "MAE"}``)."""
    import pandas as pd

    against = against or {}
    rows = []
    paper = paper.rename(columns={c: f"{c}__paper" for c in paper.columns if c not in ("backbone", "transforms")})
    merged = agg.merge(paper, on=["backbone", "transforms"], how="inner")
    for _, r in merged.iterrows():
        row = {"backbone": r["backbone"], "transforms": r["transforms"]}
        for m in metrics:
            col = f"{against.get(m, m)}__paper"
            if col not in merged.columns:
                raise UnknownParameterError(f"the paper table has no column {against.get(m, m)!r}")
            ours, theirs = float(r[f"{m}_mean"]), float(r[col])
            row[m] = ours
            row[f"{m} (paper)"] = theirs
            row[f"{m} − paper"] = ours - theirs
            row[f"{m} at least paper"] = bool(ours >= theirs if HIGHER_IS_BETTER[m] else ours <= theirs)
        rows.append(row)
    return pd.DataFrame(rows)
