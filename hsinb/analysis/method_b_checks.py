"""Method B's verdicts, computed from the grids' records: does cross-domain pre-training help?

For every cell of a grid (target, split, training samples, backbone, ...), a method is paired
with ``scratch`` **by seed** (same target split, same fine-tuning recipe, only the shared
network's starting point differs) and with the best classical baseline on the target's
spectra (SVM or logistic regression, recorded by the scratch run of the same seed and split;
"best" = the higher mean in that cell, which favours the baseline). A difference counts when
a paired t-test gives p < 0.05; otherwise the verdict is "no clear difference"
(:mod:`hsinb.analysis.paired`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from ..errors import UnknownParameterError
from .paired import paired_difference

__all__ = ["SPLIT_KEYS", "paired_verdicts", "verdict_report", "write_verdicts"]

#: the parameters that fix a run's target split (scratch and a method pair on them and the seed)
SPLIT_KEYS = ("target", "split", "train_samples", "samples_per")
#: parameters that change the pre-training only: a scratch run's value means nothing
PRETRAIN_ONLY = ("p", "regions_per_scene", "tau", "sources", "pretrain_iterations", "source_labels", "baselines")


def paired_verdicts(runs: pd.DataFrame, *, metric: str = "OA", method: str = "self-sup",
                    cells: Sequence[str] = ()) -> pd.DataFrame:
    """One row per cell of ``method``'s runs (the ``SPLIT_KEYS`` plus ``cells``, e.g.
    ``("n_modules", "regions_per_scene")``): seeds paired, ``method − scratch`` and
    ``method − best baseline`` in points of ``metric`` (mean ± std over seeds, wins, paired
    t-test p, verdict). Scratch is matched on the split keys, the seed and the ``cells`` that
    are not pre-training settings."""
    for col in (*SPLIT_KEYS, "method", "seed", metric, *cells):
        if col not in runs.columns:
            raise UnknownParameterError(f"the records have no column {col!r}; columns: {list(runs.columns)}")
    ours = runs[runs["method"] == method]
    scratch = runs[runs["method"] == "scratch"]
    if ours.empty or scratch.empty:
        raise UnknownParameterError(f"need runs of both {method!r} and 'scratch' (have {sorted(runs['method'].unique())})")
    keys = [*SPLIT_KEYS, *cells]
    match = [*SPLIT_KEYS, *(c for c in cells if c not in PRETRAIN_ONLY), "seed"]
    base_cols = [c for c in ("svm_OA", "logreg_OA") if c in scratch.columns] if metric == "OA" else []
    ref = scratch[[*match, metric, *base_cols]].rename(columns={metric: "_scratch"}).drop_duplicates(match)
    rows = []
    for cell, group in ours.groupby(keys, sort=True, dropna=False):
        paired = group[[*match, metric]].merge(ref, on=match, how="inner")
        if paired.empty:
            continue
        row = dict(zip(keys, cell if isinstance(cell, tuple) else (cell,)))
        row["seeds"] = len(paired)
        row[method] = paired[metric].mean()
        row["scratch"] = paired["_scratch"].mean()
        d = paired_difference(paired[metric], paired["_scratch"])
        row.update({"vs scratch": f"{d['mean']:+.1f} ± {d['std']:.1f}", "wins": f"{d['wins']}/{d['n']}",
                    "p (scratch)": d["p"], "verdict (scratch)": d["verdict"]})
        have = [c for c in base_cols if paired[c].notna().all()]
        if have:
            best = max(have, key=lambda c: paired[c].mean())
            b = paired_difference(paired[metric], paired[best])
            row.update({"best baseline": best.removesuffix("_OA"), "baseline": paired[best].mean(),
                        "vs baseline": f"{b['mean']:+.1f} ± {b['std']:.1f}",
                        "p (baseline)": b["p"], "verdict (baseline)": b["verdict"]})
        rows.append(row)
    return pd.DataFrame(rows)


def _summary(table: pd.DataFrame, method: str) -> str:
    counts = table["verdict (scratch)"].value_counts()
    parts = [f"{counts.get(w, 0)} {w}" for w in ("better", "no clear difference", "worse")]
    text = f"{method} against scratch, over {len(table)} cells: " + ", ".join(parts) + "."
    if "verdict (baseline)" in table:
        counts = table["verdict (baseline)"].value_counts()
        text += (" Against the best classical baseline on the target's spectra: "
                 + ", ".join(f"{counts.get(w, 0)} {w}" for w in ("better", "no clear difference", "worse")) + ".")
    return text


def verdict_report(runs: pd.DataFrame, *, title: str = "", cells: Sequence[str] = (), method: str = "self-sup",
                   digits: int = 1) -> str:
    """Markdown: one summary sentence (counts of verdicts) and the table of
    :func:`paired_verdicts`."""
    from ..tables import to_markdown

    table = paired_verdicts(runs, method=method, cells=cells)
    if table.empty:
        return (f"### {title}\n\n" if title else "") + f"*No cell has both {method} and scratch runs yet.*\n"
    shown = table.copy()
    for col in (method, "scratch", "baseline"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: "—" if v != v else f"{v:.{digits}f}")
    for col in ("p (scratch)", "p (baseline)"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: "—" if v != v else f"{v:.3f}")
    shown = shown.drop(columns=[c for c in shown.columns if shown[c].astype(str).nunique() == 1
                                and c in (*SPLIT_KEYS, *cells)], errors="ignore")
    fixed = {c: table[c].iloc[0] for c in (*SPLIT_KEYS, *cells) if c in table and table[c].astype(str).nunique() == 1}
    head = (f"### {title}\n\n" if title else "") + _summary(table, method)
    if fixed:
        head += " In every cell: " + ", ".join(f"{k} = {v}" for k, v in fixed.items()) + "."
    return head + " OA in %, differences in points (mean ± std over seeds paired by seed).\n\n" + to_markdown(shown) + "\n"


def write_verdicts(*, records: str | os.PathLike, out: str | os.PathLike, title: str = "",
                   cells: Sequence[str] = (), where: dict | None = None, methods: Sequence[str] = ("self-sup",),
                   command: str = "") -> list[str]:
    """:func:`verdict_report` of each of ``methods`` over a records folder (the runs holding
    ``where``'s values) to ``<out>.md``; returns the file."""
    from pathlib import Path

    from ..records import atomic_write_text
    from ..tables import collect, select

    runs = collect(records)
    if where:
        runs = select(runs, where)
    text = (f"# {title}\n\n" if title else "") + "\n".join(
        verdict_report(runs, title=f"{m} against scratch", cells=cells, method=m) for m in methods
        if (runs["method"] == m).any())
    if command:
        text += f"\nProduced by: `{command}`\n"
    return [str(atomic_write_text(Path(out).with_suffix(".md"), text))]
