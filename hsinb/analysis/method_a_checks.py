"""Method A's verdicts, computed from the records: does Barlow Twins pre-training make K
labels go further than a supervised CNN and than the spectral baselines?

Every method-A record holds all protocols of one (scene, model, split, K, seed): BT + Lin
(``linear``), BT + Tune (``finetune``), the supervised CNN and the SVM / logistic regression
on spectra, all on the same training pixels and the same test pixels. So each comparison is
paired **by seed** within records. The best spectral baseline of a cell is the one with the
higher mean there (which favours the baseline). A difference counts when a paired t-test
gives p < 0.05 (:mod:`hsinb.analysis.paired`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from ..errors import UnknownParameterError
from .paired import VERDICTS, paired_difference

__all__ = ["CELLS", "METHODS", "WIDE_SPREAD", "VERDICT_SOURCES", "spread_causes", "paired_verdicts", "pooled_verdicts",
           "verdict_sentence",
           "recorded_verdicts", "run_findings", "spread_sentence", "recipe_sentence", "verdict_counts", "verdict_report", "write_verdicts"]

#: what makes a cell of method A's verdicts (a record without ``split`` predates it: random)
CELLS = ("scene", "model", "split", "K")
#: the pre-trained protocols judged, and their names in the tables ("post hoc": added after
#: looking at test pixels, so exploratory: linear_spectrum after the reduced-budget Samson
#: records showed where 2-D protocols lose; finetune_lpft after paper-budget 1-D finetunes ended
#: below their own linear probe)
METHODS = {"linear": "BT + Lin", "linear_spectrum": "BT + Lin + spectrum (post hoc)",
           "linear_select": "BT + Lin, features chosen by CV", "finetune": "BT + Tune",
           "finetune_lpft": "BT + LP-FT (post hoc)"}
#: the spectral baselines a record may hold
BASELINES = ("svm", "logreg")


def _fmt(d: dict) -> str:
    return f"{d['mean']:+.1f} ± {d['std']:.1f}"


def _prepare(runs: pd.DataFrame, cells: Sequence[str]) -> pd.DataFrame:
    """``runs`` with ``split`` filled in (records before it: random; K = 0: "official map"), after checking the
    columns, and with one row per (cell, seed): two records of one cell and seed that
    disagree are an error that names the parameters telling them apart."""
    runs = runs.copy()
    if "split" in runs.columns:
        runs["split"] = runs["split"].fillna("random")
    elif "split" in cells:
        runs["split"] = "random"
    if "split" in runs.columns and "K" in runs.columns:  # K = 0 is the official training map
        runs.loc[runs["K"] == 0, "split"] = "official map"
    for col in (*cells, "seed"):
        if col not in runs.columns:
            raise UnknownParameterError(f"the records have no column {col!r}; columns: {list(runs.columns)}")
    keys = [*cells, "seed"]
    dup = runs[runs.duplicated(keys, keep=False)]
    if len(dup):
        metrics = list(runs.attrs.get("metric_columns", [c for c in runs.columns if c.endswith("_OA")]))
        for _, same in dup.groupby(keys, sort=False, dropna=False):
            values = same[[c for c in same.columns if c in metrics]]
            if len(values.drop_duplicates()) > 1:
                differ = [c for c in same.columns if c not in metrics and same[c].astype(str).nunique() > 1]
                raise UnknownParameterError(
                    f"{len(same)} records share the cell {dict(zip(keys, same.iloc[0][keys]))} but differ "
                    f"(in {differ or 'their metrics'}): select one setting first (where=...) or add "
                    f"{differ[:1] or ['a parameter']} to the cells")
        runs = runs.drop_duplicates(keys)
    return runs


def _compare(g: pd.DataFrame, col: str, other: str) -> dict | None:
    """The paired difference of ``col`` and ``other`` over the rows where both exist."""
    both = g[[col, other]].dropna()
    return paired_difference(both[col], both[other]) | {"theirs": float(both[other].mean())} if len(both) else None


def _best_baseline(group: pd.DataFrame, metric: str) -> str | None:
    have = [b for b in BASELINES if f"{b}_{metric}" in group and group[f"{b}_{metric}"].notna().any()]
    return max(have, key=lambda b: group[f"{b}_{metric}"].mean()) if have else None


def _row(g: pd.DataFrame, col: str, best: str | None, metric: str) -> dict:
    row = {"seeds": int(g[col].notna().sum()), "ours": g[col].mean(), "ours std": g[col].std(ddof=1)}
    if f"supervised_{metric}" in g and (d := _compare(g, col, f"supervised_{metric}")):
        row.update({"supervised": d["theirs"], "vs supervised": _fmt(d), "wins (supervised)": f"{d['wins']}/{d['n']}",
                    "p (supervised)": d["p"], "verdict (supervised)": d["verdict"]})
    if best is not None and (d := _compare(g, col, f"{best}_{metric}")):
        row.update({"best baseline": best, "baseline": d["theirs"], "vs baseline": _fmt(d),
                    "wins (baseline)": f"{d['wins']}/{d['n']}", "p (baseline)": d["p"],
                    "verdict (baseline)": d["verdict"]})
    return row


def paired_verdicts(runs: pd.DataFrame, *, cells: Sequence[str] = CELLS, metric: str = "OA") -> pd.DataFrame:
    """One row per cell and pre-trained protocol present: the seeds, its mean ``metric``,
    and its per-seed difference (points; mean ± std, wins, paired t-test p, verdict) with the
    supervised CNN and with the best spectral baseline of the cell, each over the seeds where
    both were recorded."""
    runs = _prepare(runs, cells)
    rows = []
    for cell, group in runs.groupby(list(cells), sort=True, dropna=False):
        key = dict(zip(cells, cell if isinstance(cell, tuple) else (cell,)))
        best = _best_baseline(group, metric)
        for name, label in METHODS.items():
            col = f"{name}_{metric}"
            if col in group and group[col].notna().any():
                rows.append({**key, "method": label, **_row(group[group[col].notna()], col, best, metric)})
    return pd.DataFrame(rows)


#: what a pooled verdict keeps apart (K is averaged per seed)
POOLED_CELLS = ("scene", "model", "split")


def pooled_verdicts(runs: pd.DataFrame, *, metric: str = "OA") -> pd.DataFrame:
    """One paired test per cube, model, split and protocol instead of one per K: each seed's
    ``metric`` averaged over the K it was recorded at (the same K for ours and the
    comparator), then paired by seed as :func:`paired_verdicts`. Fewer tests, and no
    counting of K cells that share one encoder and one split draw as if independent."""
    runs = _prepare(runs, (*POOLED_CELLS, "K"))
    rows = []
    for cell, group in runs.groupby(list(POOLED_CELLS), sort=True, dropna=False):
        key = dict(zip(POOLED_CELLS, cell))
        best = _best_baseline(group, metric)
        for name, label in METHODS.items():
            col = f"{name}_{metric}"
            if col not in group or group[col].isna().all():
                continue
            g = group[group[col].notna()]
            cols = [c for c in (col, f"supervised_{metric}", f"{best}_{metric}" if best else None)
                    if c in g and g[c].notna().any()]
            g = g.dropna(subset=cols)  # every seed's mean over the same K for all columns
            per_seed = g.groupby("seed")[cols].mean()
            ks = sorted(g["K"].unique().tolist())
            rows.append({**key, "K": f"{ks[0]}–{ks[-1]}" if len(ks) > 1 else str(ks[0]), "method": label,
                         **_row(per_seed, col, best, metric)})
    return pd.DataFrame(rows)


def verdict_counts(table: pd.DataFrame, method: str, against: str) -> dict[str, int]:
    """``{"better": n, "no clear difference": n, "worse": n}`` of ``method`` (e.g. "BT + Lin")
    against ``"supervised"`` or ``"baseline"`` over the cells of :func:`paired_verdicts`."""
    col = f"verdict ({against})"
    sub = table[table["method"] == method] if len(table) else table
    counts = sub[col].value_counts() if col in sub else pd.Series(dtype=int)
    return {w: int(counts.get(w, 0)) for w in VERDICTS}


def verdict_sentence(table: pd.DataFrame, unit: str = "cells") -> str:
    """One paragraph: per pre-trained protocol, how many rows of :func:`paired_verdicts` (or
    :func:`pooled_verdicts`) are better, not clearly different or worse than the supervised
    CNN and the best baseline."""
    parts = []
    for label in METHODS.values():
        if not (table["method"] == label).any():
            continue
        n = int((table["method"] == label).sum())
        bits = []
        for against, name in (("supervised", "the supervised CNN"), ("baseline", "the best spectral baseline")):
            c = verdict_counts(table, label, against)
            if sum(c.values()):
                bits.append(f"against {name} {c['better']} better, {c['no clear difference']} no clear "
                            f"difference, {c['worse']} worse")
        parts.append(f"{label} over {n} {unit}: " + "; ".join(bits))
    return ". ".join(parts) + "."


#: a seed spread (std, OA points) that needs a cause before a verdict is written
WIDE_SPREAD = 3.0


def spread_causes(runs: pd.DataFrame, *, cells: Sequence[str] = CELLS, metric: str = "OA",
                  wide: float = WIDE_SPREAD) -> pd.DataFrame:
    """The cells where a pre-trained protocol's seeds spread wider than ``wide`` points (std):
    its lowest seed, and a heuristic cause, the first that holds:

    1. "the split (every method)" / "the split (the CNNs)": the supervised CNN (the same
       network, no pre-training) is lowest at that seed too and drops there (below its
       median) by at least half as much; "every method" when a spectral baseline is lowest
       there as well. Pre-training is not the cause, and pairing by seed removes the common
       part.
    2. "the seed's encoder": that seed is this protocol's lowest at half or more of the K of
       its cube, model and split; one pre-training per seed serves every K, so this is the
       spread of pre-training itself.
    3. "unexplained": look at that run (a fit that diverged drops alone, at one K).
    """
    table = paired_verdicts(runs, cells=cells, metric=metric)
    if table.empty:
        return table
    runs = _prepare(runs, cells)
    rows = []
    for _, row in table[table["ours std"] > wide].iterrows():
        name = next(k for k, v in METHODS.items() if v == row["method"])
        col = f"{name}_{metric}"
        g = runs
        for c in cells:
            g = g[g[c].astype(str) == str(row[c])]
        g = g.set_index("seed")
        ours = g[col]
        low = ours.idxmin()
        cause = "unexplained"
        sup = g[f"supervised_{metric}"] if f"supervised_{metric}" in g else None
        if (sup is not None and sup.notna().all() and sup.idxmin() == low
                and sup.median() - sup[low] >= 0.5 * (ours.median() - ours[low])):
            every = any(g[f"{b}_{metric}"].idxmin() == low for b in BASELINES if f"{b}_{metric}" in g)
            cause = "the split (every method)" if every else "the split (the CNNs)"
        else:
            family = runs
            for c in (c for c in cells if c != "K"):
                family = family[family[c].astype(str) == str(row[c])]
            have = family.dropna(subset=[col])
            lowest = have.loc[have.groupby("K")[col].idxmin(), "seed"]  # each K's lowest seed
            if len(lowest) > 1 and (lowest == low).sum() >= len(lowest) / 2:
                cause = "the seed's encoder"
        rows.append({**{c: row[c] for c in cells}, "method": row["method"], "ours std": row["ours std"],
                     "lowest seed": int(low), "its OA": float(ours[low]), "median OA": float(ours.median()),
                     "cause": cause})
    return pd.DataFrame(rows)


def spread_sentence(spread: pd.DataFrame) -> str:
    """One sentence on the wide seed spreads of :func:`spread_causes` and their causes."""
    if spread.empty:
        return f"No pre-trained protocol spreads wider than {WIDE_SPREAD:g} points (std over seeds) in any cell."
    counts = spread["cause"].value_counts()
    text = (f"{len(spread)} cells spread wider than {WIDE_SPREAD:g} points (std over seeds). Heuristic causes: "
            + ", ".join(f"{counts.get(c, 0)} {c}" for c in ("the split (every method)", "the split (the CNNs)",
                                                             "the seed's encoder", "unexplained")))
    rest = spread[spread["cause"] == "unexplained"]
    if len(rest):
        text += "; the unexplained ones are the runs to look at: " + ", ".join(
            f"{r['scene']} {r['model']} {r['split']} K={r['K']} {r['method']} (seed {r['lowest seed']})"
            for _, r in rest.iterrows())
    return text + "."


def recipe_sentence(table: pd.DataFrame, *, method: str, K: int = 5) -> str:
    """Whether ``method`` (a key of :data:`METHODS`) beats BOTH the supervised CNN and the best
    spectral baseline at ``K``, per cube, model and split (paired by seed, p < 0.05)."""
    label = METHODS[method]
    rows = table[(table["method"] == label) & (table["K"].astype(str) == str(K))] if len(table) else table
    if rows.empty:
        return f"The recipe ({label}) has no record at K = {K} yet."
    wins, rest = [], []
    for _, r in rows.iterrows():
        where = f"{r['scene']} {r['model']} {r['split']}"
        if r.get("verdict (supervised)") == "better" and r.get("verdict (baseline)") == "better":
            wins.append(where)
        else:
            rest.append(f"{where} ({r.get('vs supervised', '—')} against the supervised CNN, "
                        f"{r.get('vs baseline', '—')} against {r.get('best baseline', 'the baseline')})")
    text = (f"The recipe ({label}) at K = {K} beats both the supervised CNN and the best spectral baseline "
            f"(paired by seed, p < 0.05) in {len(wins)} of {len(rows)} cube/model/split cells")
    text += f": {', '.join(wins)}" if wins else ""
    text += f". Not in: {'; '.join(rest)}." if rest else "."
    return text


def _shown(table: pd.DataFrame, digits: int) -> pd.DataFrame:
    shown = table.copy()
    shown["ours"] = [f"{m:.{digits}f} ± {s:.{digits}f}" for m, s in zip(shown["ours"], shown["ours std"])]
    shown = shown.drop(columns=["ours std"])
    for col in ("supervised", "baseline"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: "—" if v != v else f"{v:.{digits}f}")
    for col in ("p (supervised)", "p (baseline)"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: "—" if v != v else f"{v:.3f}")
    return shown


def verdict_report(runs: pd.DataFrame, *, title: str = "", cells: Sequence[str] = CELLS, digits: int = 1,
                   recipe: str | None = None) -> str:
    """Markdown: the verdicts pooled over K (its first paragraph is what a README quotes),
    then per cell (:func:`paired_verdicts`, with the number of tests they are), and the
    causes of wide seed spreads; with ``recipe`` (a protocol), whether it beats both the
    supervised CNN and the best baseline at K = 5 (:func:`recipe_sentence`)."""
    from ..tables import to_markdown

    table = paired_verdicts(runs, cells=cells)
    head = f"### {title}\n\n" if title else ""
    if table.empty:
        return head + "*No record holds a pre-trained protocol yet.*\n"
    pooled = pooled_verdicts(runs)
    n_tests = int(sum(table[c].notna().sum() for c in ("p (supervised)", "p (baseline)") if c in table))
    spread = spread_causes(runs, cells=cells)
    text = (head + "Pooled over K (each seed's mean over the K recorded; one paired test per cube, model and split): "
            + verdict_sentence(pooled, "cube/model/split rows")
            + " OA in %, differences in points (mean ± std over seeds, paired by seed; a verdict needs p < 0.05 in a "
            "paired t-test).\n\n" + to_markdown(_shown(pooled, digits)) + "\n\n"
            + (f"## The recipe at K = 5\n\n{recipe_sentence(table, method=recipe)}\n\n" if recipe else "")
            + f"## Per K\n\n{verdict_sentence(table)} These are {n_tests} paired tests at p < 0.05 each, not corrected "
            "for multiplicity; the K cells of one cube share the encoders and the split seeds, so they are not "
            "independent (about one in twenty tests passes by chance).\n\n" + to_markdown(_shown(table, digits))
            + "\n\n" + spread_sentence(spread) + "\n")
    if len(spread):
        text += "\n" + to_markdown(spread.round(1)) + "\n"
    return text


def write_verdicts(*, records: str | os.PathLike | Sequence[str | os.PathLike], out: str | os.PathLike,
                   title: str = "", cells: Sequence[str] = CELLS, where: dict | None = None,
                   recipe: str | None = None, command: str = "") -> list[str]:
    """:func:`verdict_report` over one or more records folders (the runs holding ``where``'s
    values) to ``<out>.md``; returns the file. A folder without records yet is skipped."""
    from pathlib import Path

    from ..records import atomic_write_text, record_folders
    from ..tables import collect, select

    frames = [collect(f) for f in record_folders(records)]
    frames = [f for f in frames if len(f)]
    runs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if where and len(runs):
        runs = select(runs, where)
    body = (verdict_report(runs, cells=cells, recipe=recipe) if len(runs)
            else "*No records yet.*\n")
    text = (f"# {title}\n\n" if title else "") + body
    if command:
        text += f"\nProduced by: `{command}`\n"
    return [str(atomic_write_text(Path(out).with_suffix(".md"), text))]


#: the grids whose verdicts notebook 04 shows, preferred first: paper A's budget, then the
#: reduced-budget re-run (records folders under ``results/runs``)
VERDICT_SOURCES = {"A_paper_real": "A_paper_*_[12]d", "A_real": "A_real_*_[12]d"}


def recorded_verdicts(results: str | os.PathLike | None = None) -> tuple[str | None, pd.DataFrame, pd.DataFrame]:
    """The verdicts of the first experiment of :data:`VERDICT_SOURCES` with records under
    ``results/runs`` (default: the checkout's): ``(experiment, paired_verdicts table, runs)``;
    ``(None, empty, empty)`` when none has records (a fresh install without the results)."""
    from pathlib import Path

    from ..runner.catalog import default_results
    from ..tables import collect

    root = Path(results) if results is not None else default_results()
    for name, pattern in VERDICT_SOURCES.items():
        folders = sorted(p for p in (root / "runs").glob(pattern) if any((p / "records").glob("*.json")))
        if folders:
            runs = pd.concat([collect(f) for f in folders], ignore_index=True)
            return name, paired_verdicts(runs), runs
    return None, pd.DataFrame(), pd.DataFrame()


def run_findings(metrics: dict[str, dict]) -> str:
    """Sentences about ONE run (one seed: not a finding on its own), computed from its
    metrics (fractions, as :func:`hsinb.experiments.method_a.run_method_a` returns them): each
    pre-trained protocol against the supervised CNN and the best spectral baseline, in OA
    points."""
    oa = {k: 100 * m["OA"] for k, m in metrics.items()}
    base = {k: oa[k] for k in BASELINES if k in oa}
    best = max(base, key=base.get) if base else None
    parts = []
    for name, label in METHODS.items():
        if name not in oa:
            continue
        bits = []
        if "supervised" in oa:
            bits.append(f"{oa[name] - oa['supervised']:+.1f} against the supervised CNN")
        if best:
            bits.append(f"{oa[name] - oa[best]:+.1f} against {best} on spectra")
        parts.append(f"{label} {oa[name]:.1f} % OA ({', '.join(bits)})" if bits else f"{label} {oa[name]:.1f} % OA")
    return "This run (one seed): " + "; ".join(parts) + "." if parts else "This run trained no pre-trained protocol."
