"""Records → tables: one row per run, mean ± std per group over seeds, the papers' values
and the classical baselines' rows beside, as CSV and Markdown.

A leaf module: it knows records (:mod:`hsinb.records`) and nothing of methods, scenes or
how the runs were executed, so any layer (analysis, experiments, the runner, the CLI) may
import it. What is specific to a method is passed in: which columns are metrics
(:func:`collect` reads them off the records), and how our values are matched with a
paper's (``paper_keys`` of :func:`format_table`, e.g. a simulated stand-in's name mapped to
the real scene the paper reports).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import UnknownParameterError
from .records import atomic_write_text, iter_records

#: parameters the runner sets itself; never a column of a table
RESERVED = ("record_path",)


def expand_grid(grid: dict[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the lists in ``grid`` (a scalar counts as a one-item list), in a
    stable order: the last key varies fastest."""
    import itertools

    keys = list(grid)
    values = [v if isinstance(v, (list, tuple)) else [v] for v in grid.values()]
    return [dict(zip(keys, combo)) for combo in itertools.product(*values)]


def split_fingerprint(indices: Sequence[int]) -> str:
    """A short hash of a run's test indices (e.g. its ``test_tiles``): two runs with the same
    fingerprint were tested on the same samples."""
    return hashlib.sha1(json.dumps([int(i) for i in indices]).encode()).hexdigest()[:12]


def collect(folder: str | os.PathLike):
    """One row per record under ``folder``: its parameters and its scalar metrics (their
    column names are kept in ``.attrs["metric_columns"]``). A record that lists its
    ``test_tiles`` gets their :func:`split_fingerprint` in ``_test_tiles``, so that runs
    compared by seed can be checked to share their test samples."""
    import pandas as pd

    rows, metric_columns = [], set()
    for path, rec in iter_records(folder):
        if "params" not in rec or "metrics" not in rec:
            continue
        row = {k: v for k, v in rec["params"].items() if k not in RESERVED}
        metrics = {k: v for k, v in rec["metrics"].items() if isinstance(v, (int, float))}
        metric_columns.update(metrics)
        row.update(metrics)
        row["_record"] = str(path)
        tiles = (rec.get("extra") or {}).get("test_tiles")
        if isinstance(tiles, list):
            row["_test_tiles"] = split_fingerprint(tiles)
        rows.append(row)
    runs = pd.DataFrame(rows)
    runs.attrs["metric_columns"] = sorted(metric_columns)
    return runs


def time_from_records(folder: str | os.PathLike | Sequence[str | os.PathLike], planned: dict[str, Sequence[Any]],
                      runs_per_cell: int, workers: int):
    """The cost of a grid measured on its own records, for grids that run over several sessions.

    ``folder`` is one records folder or several (e.g. one per scene, with ``scene`` among the
    ``planned`` parameters, to cost a grid that spans scenes).

    ``planned`` gives the values of the parameters that make a cell (e.g. backbone and
    transforms); each cell is planned ``runs_per_cell`` times (its seeds). Returns a frame with
    one row per planned cell (its parameters, ``n`` runs recorded, ``mean_s`` and ``total_s``
    of their ``wall_time_s`` in seconds) and a dict: ``runs``, ``core_s`` recorded, and
    ``projected_core_s`` / ``projected_wall_s`` of the whole grid (each cell's mean ×
    ``runs_per_cell``; wall = core / ``workers``, a lower bound that assumes perfect packing and
    leaves out kernel start-up), or None while a cell has no run yet. Records outside the
    planned cells are ignored (``ignored`` counts them).
    """
    import pandas as pd

    keys = list(planned)
    folders = [folder] if isinstance(folder, (str, os.PathLike)) else list(folder)
    rows = []
    for records in folders:
        for _, rec in iter_records(records):
            params = rec.get("params", {})
            if "wall_time_s" in rec and all(k in params for k in keys):
                rows.append({**{k: params[k] for k in keys}, "wall_time_s": float(rec["wall_time_s"])})
    done = pd.DataFrame(rows, columns=[*keys, "wall_time_s"])
    cells = pd.DataFrame(expand_grid(dict(planned)), columns=keys)
    inside = done.merge(cells, on=keys, how="inner")
    stats = inside.groupby(keys, sort=False)["wall_time_s"].agg(["size", "mean", "sum"])
    stats.columns = ["n", "mean_s", "total_s"]
    table = cells.merge(stats.reset_index(), on=keys, how="left")
    table["n"] = table["n"].fillna(0).astype(int)
    table["total_s"] = table["total_s"].fillna(0.0)
    complete = bool((table["n"] > 0).all())
    projected = float((table["mean_s"] * runs_per_cell).sum()) if complete else None
    summary = {"runs": int(table["n"].sum()), "planned_runs": len(cells) * runs_per_cell,
               "ignored": len(done) - len(inside), "core_s": float(table["total_s"].sum()),
               "projected_core_s": projected, "workers": workers,
               "projected_wall_s": projected / workers if projected is not None else None}
    return table, summary


def select(runs, where: Mapping[str, Any]):
    """The runs whose parameters hold every value of ``where`` (a column's value, or a list of
    allowed values); a name no record has is an error that lists the columns."""
    missing = [k for k in where if k not in runs.columns]
    if missing:
        raise UnknownParameterError(f"no column {missing} in the records; columns: {list(runs.columns)}")
    keep = None
    for k, v in where.items():
        allowed = [str(x) for x in (v if isinstance(v, (list, tuple)) else [v])]
        hit = runs[k].astype(str).isin(allowed)
        keep = hit if keep is None else keep & hit
    out = runs[keep] if keep is not None else runs
    out.attrs = dict(runs.attrs)
    return out


def aggregate(runs, by: Sequence[str], metrics: Sequence[str], scale: float = 1.0):
    """Mean, std (sample, ddof=1) and count of each metric per group of ``by``.

    ``scale`` multiplies the metrics first (100 for percentages).
    """
    missing = [c for c in [*by, *metrics] if c not in runs.columns]
    if missing:
        raise UnknownParameterError(f"no column {missing} in the records; columns: {list(runs.columns)}")
    frame = runs[[*by, *metrics]].copy()
    frame[list(metrics)] = frame[list(metrics)] * scale
    g = frame.groupby(list(by), sort=True, dropna=False)
    out = g[list(metrics)].agg(["mean", "std"])
    out.columns = [f"{m}_{s}" for m, s in out.columns]
    out["n"] = g.size()
    return out.reset_index()


def format_table(agg, by: Sequence[str], metrics: Sequence[str], paper=None, digits: int = 1, *,
                 paper_keys: Mapping[str, Callable[[Any], Any]] | None = None):
    """Strings "mean ± std" per metric, with the published value beside when ``paper`` (a
    DataFrame with some of the ``by`` columns, e.g. K, and metric columns; a ``<metric>_std``
    column adds the published spread, "value ± std") has it. The merge
    uses the ``by`` columns that ``paper`` has. ``paper_keys`` maps a column's values to the
    paper's before the merge (e.g. ``{"scene": real_name}`` puts a simulated stand-in beside
    the real scene the paper reports; the table keeps our own names)."""
    import pandas as pd

    table = agg[list(by)].copy()
    for m in metrics:
        mean, std = agg[f"{m}_mean"], agg[f"{m}_std"]
        # one run has no spread: "± –" rather than a misleading "± 0.0"
        # a metric these runs do not record (e.g. a baseline computed in other rows' runs): "—"
        table[m] = ["—" if a != a else f"{a:.{digits}f} ± " + ("–" if s != s else f"{s:.{digits}f}")
                    for a, s in zip(mean, std)]
    table["n"] = agg["n"]
    if paper is not None:
        paper = paper.copy()
        for m in metrics:  # a published spread (column "<metric>_std") is shown as "value ± std"
            if m in paper.columns and f"{m}_std" in paper.columns:
                paper[m] = [v if v != v else (f"{v:g} ± {s:g}" if s == s else f"{v:g}")
                            for v, s in zip(paper[m], paper[f"{m}_std"])]
        paper = paper.drop(columns=[f"{m}_std" for m in metrics if f"{m}_std" in paper.columns])
        paper = paper.rename(columns={m: f"{m} (paper)" for m in metrics if m in paper.columns})
        keys = [c for c in by if c in paper.columns]
        if not keys:
            raise UnknownParameterError(f"the paper table shares none of the columns {list(by)}")
        mapped = {k: f"_paper_{k}" for k in (paper_keys or {}) if k in keys}
        for k, tmp in mapped.items():  # match through the mapping, keep our own values
            table[tmp] = table[k].map(paper_keys[k])
            paper = paper.rename(columns={k: tmp})
        keys = [mapped.get(k, k) for k in keys]
        table = table.merge(paper, on=keys, how="left").drop(columns=list(mapped.values()))
        cols = list(by)
        for m in metrics:
            cols.append(m)
            if f"{m} (paper)" in table.columns:
                cols.append(f"{m} (paper)")
        table = table[[*cols, "n"]]
    return pd.DataFrame(table)


def append_baselines(table, baselines, by: Sequence[str], metrics: Sequence[str], *, digits: int = 1,
                     column: str = "baseline", scale: float = 1.0):
    """``table`` (from :func:`format_table`) with one row per value of ``column`` in the
    ``baselines`` runs (e.g. classical baselines recorded in another folder) below it: the
    name, marked "classical: ", in the first of the ``by`` columns other than ``scene``, the
    scene where there is a ``scene`` column, "—" elsewhere, and the same "mean ± std" cells.
    A metric the baselines lack is left empty."""
    import pandas as pd

    if len(baselines) == 0:
        raise UnknownParameterError("the baseline records folder holds no records")
    if column not in baselines.columns:
        raise UnknownParameterError(f"the baseline records have no parameter {column!r}; "
                                    f"columns: {list(baselines.columns)}")
    settings = [c for c in baselines.columns if not c.startswith("_") and c not in (column, "seed", *metrics)
                and c not in baselines.attrs.get("metric_columns", ())]
    mixed = [c for c in settings if baselines[c].astype(str).nunique() > 1]
    if mixed:
        raise UnknownParameterError(f"the baseline records mix several values of {mixed}: one setting per folder, "
                                    "or the rows would average them")
    have = [m for m in metrics if m in baselines.columns]
    agg = aggregate(baselines, [column], have, scale)
    rows = format_table(agg, [column], have, digits=digits)
    extra = pd.DataFrame({c: "—" for c in by}, index=rows.index)
    label = next((c for c in by if c != "scene"), by[0])
    extra[label] = "classical: " + rows[column].astype(str)
    if "scene" in by and "scene" in baselines.columns:
        scenes = baselines.groupby(column)["scene"].first()
        extra["scene"] = rows[column].map(scenes).to_numpy()
    for m in have:
        extra[m] = rows[m]
    extra["n"] = rows["n"]
    return pd.concat([table, extra], ignore_index=True)[list(table.columns)]


def to_markdown(table) -> str:
    """A GitHub Markdown table of a DataFrame (no extra dependency)."""
    cols = [str(c) for c in table.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in table.itertuples(index=False):
        lines.append("| " + " | ".join("" if _isnan(v) else str(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def _isnan(v) -> bool:
    return isinstance(v, float) and v != v


def constant_parameters(runs, exclude: Sequence[str] = ()) -> dict[str, Any]:
    """Parameters that have one value in every run (the budget and setting a table shares),
    without the metrics (``runs.attrs["metric_columns"]``, set by :func:`collect`),
    bookkeeping columns (``_*``) and ``exclude``."""
    metrics = set(runs.attrs.get("metric_columns", ()))
    out = {}
    for col in runs.columns:
        if col.startswith("_") or col in exclude or col in metrics:
            continue
        values = runs[col].astype(str).unique()
        if len(values) == 1:
            out[col] = runs[col].iloc[0]
    return out


def write_table(table, stem: str | os.PathLike, command: str, note: str = "", title: str = "") -> tuple[Path, Path]:
    """Write ``table`` as ``<stem>.csv`` and ``<stem>.md`` (atomically); the Markdown file
    carries an optional title, the command that produced it and an optional note."""
    stem = Path(stem)
    csv_path = atomic_write_text(stem.with_suffix(".csv"), table.to_csv(index=False))
    md = (f"# {title}\n\n" if title else "") + f"{to_markdown(table)}\nProduced by: `{command}`\n"
    if note:
        md += f"\n{note.strip()}\n"
    md_path = atomic_write_text(stem.with_suffix(".md"), md)
    return csv_path, md_path
