"""Ablations over grids of runs: paper A's augmentation pair matrix (Fig. 2).

The grid itself is an ordinary :func:`hsinb.runner.run_grid` over ``transforms`` in
:func:`hsinb.views.augmentation_pairs` (and seeds); this module turns its records into the
symmetric matrix that the figure shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..views.compose import CANONICAL_ORDER

__all__ = ["select_runs", "pair_matrix", "pair_gain", "transform_ranking", "difference_from_none",
           "pair_matrix_budget", "pair_matrix_tables", "pair_matrix_findings"]


def select_runs(runs, **fixed: Any):
    """The rows of a :func:`hsinb.tables.collect` table whose parameters equal ``fixed``
    (a missing column or ``None`` must match ``None``), so that runs of another budget in
    the same folder never mix in."""
    keep = np.ones(len(runs), dtype=bool)
    for name, value in fixed.items():
        if name not in runs.columns:
            if value is not None:
                return runs.iloc[0:0]
            continue
        col = runs[name]
        keep &= col.isna().to_numpy() if value is None else (col == value).to_numpy()
    return runs[keep]


def _members(transforms: str) -> tuple[str, ...]:
    names = tuple(t for t in str(transforms).split(",") if t and t != "none")
    return names


def pair_matrix(runs, names: Iterable[str] | None = None, metric: str = "linear_OA"):
    """Mean and std over seeds of ``metric`` for every transform pair.

    Args:
        runs: a :func:`hsinb.tables.collect` table with a ``transforms`` column
            (``"a,b"``, ``"a"`` or ``"none"``) and the ``metric`` column.
        names: the transforms on the axes (default: those present, canonical order).

    Returns:
        ``(mean, std, count, none)``: three symmetric n×n DataFrames indexed by transform
        name (cell (a, b) = the run with both a and b; the diagonal = a alone; NaN where
        no run exists) and ``{"mean", "std", "n"}`` of the runs without augmentation.
    """
    import pandas as pd

    if runs.empty or "transforms" not in runs.columns:  # no records yet
        runs = pd.DataFrame({"transforms": pd.Series(dtype=str), metric: pd.Series(dtype=float)})
    sets = runs["transforms"].map(_members)
    if names is None:
        present = {n for s in sets for n in s}
        names = [n for n in CANONICAL_ORDER if n in present]
    names = list(names)
    index = {n: i for i, n in enumerate(names)}
    n = len(names)
    mean, std, count = np.full((n, n), np.nan), np.full((n, n), np.nan), np.zeros((n, n), dtype=int)
    values = runs[metric].to_numpy(dtype=float)
    groups: dict[tuple[str, ...], list[float]] = {}
    for s, v in zip(sets, values):
        groups.setdefault(tuple(sorted(s)), []).append(v)
    for s, vs in groups.items():
        if len(s) == 0 or len(s) > 2 or not all(t in index for t in s):
            continue
        i, j = index[s[0]], index[s[-1]]
        m, sd = float(np.mean(vs)), float(np.std(vs, ddof=1)) if len(vs) > 1 else float("nan")
        for a, b in ((i, j), (j, i)):
            mean[a, b], std[a, b], count[a, b] = m, sd, len(vs)
    none_vs = groups.get((), [])
    none = {"mean": float(np.mean(none_vs)) if none_vs else float("nan"),
            "std": float(np.std(none_vs, ddof=1)) if len(none_vs) > 1 else float("nan"), "n": len(none_vs)}

    def frame(a):
        return pd.DataFrame(a, index=names, columns=names)

    return frame(mean), frame(std), frame(count), none


def pair_gain(mean):
    """Off-diagonal gain of a pair over its better single transform:
    ``G[a, b] = M[a, b] - max(M[a, a], M[b, b])`` (NaN on the diagonal).

    Positive cells are pairs that beat both of their members alone, the paper's reading
    of Fig. 2 ("the diagonal values are usually lower than the off-diagonals").
    """
    m = mean.to_numpy(dtype=float)
    diag = np.diag(m)
    gain = m - np.maximum(diag[:, None], diag[None, :])
    np.fill_diagonal(gain, np.nan)
    return mean.__class__(gain, index=mean.index, columns=mean.columns)


def transform_ranking(mean):
    """Mean over the row of each transform (itself and every pair containing it), best first:
    "the transforms which work best on average" (paper A, section 4.1)."""
    return mean.mean(axis=1, skipna=True).sort_values(ascending=False)


def difference_from_none(runs, metric: str = "linear_OA"):
    """Each transform set against no augmentation, paired by seed.

    For every set with runs, the per-seed difference ``metric(set, seed) - metric(none,
    seed)`` over the seeds both have: its mean, its standard error (sample std / sqrt(n))
    and n. Pairing removes what a seed shares between the two runs (the split and, here,
    the initialisation), so it resolves smaller effects than comparing two seed spreads.
    ``beyond_t95`` marks sets whose mean difference exceeds t(0.975, n - 1) standard errors
    (a two-sided 5 % test per set; with 45 sets about 2 pass by chance, and all share the
    same "none" runs, so their errors are correlated: a screen, not a proof). Rows are
    sorted by mean difference, best first; a set without a common seed with "none" is left
    out. Two runs of one set and seed are an error (mixed budgets: use :func:`select_runs`).
    """
    import pandas as pd
    from scipy.stats import t as student_t

    columns = ["mean", "se", "n", "beyond_t95"]
    if runs.empty or "transforms" not in runs.columns:
        return pd.DataFrame(columns=columns)

    order = {n: i for i, n in enumerate(CANONICAL_ORDER)}

    def label(transforms: str) -> str:
        return ",".join(sorted(_members(transforms), key=lambda n: order.get(n, len(order)))) or "none"

    table = pd.DataFrame({"set": runs["transforms"].map(label).to_numpy(), "seed": runs["seed"].to_numpy(),
                          "value": runs[metric].to_numpy(dtype=float)})
    repeated = table[table.duplicated(["set", "seed"], keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        raise ValueError(f"{len(repeated)} runs share a transform set and seed (e.g. {first['set']!r}, seed "
                         f"{first['seed']}): select one budget with select_runs() first")
    wide = table.pivot(index="seed", columns="set", values="value")
    if "none" not in wide.columns:
        return pd.DataFrame(columns=columns)
    diffs = wide.drop(columns="none").sub(wide["none"], axis=0)
    n = diffs.notna().sum()
    out = pd.DataFrame({"mean": diffs.mean(), "se": diffs.std(ddof=1) / np.sqrt(n), "n": n})
    out = out[out["n"] > 0]
    critical = student_t.ppf(0.975, np.maximum(out["n"] - 1, 1))  # n = 1: se is NaN, never flagged
    out["beyond_t95"] = out["mean"].abs() > critical * out["se"]
    return out.sort_values("mean", ascending=False)[columns]


def choose_transform_set(runs, metric: str = "linear_OA") -> tuple[str, str]:
    """The transform set that method A's full-budget grids use, chosen on VALIDATION data (the
    pair-matrix records of a stand-in, never a real cube's test pixels): the set with the
    largest mean gain over no augmentation, paired by seed, among the sets whose gain passes
    the paired screen (:func:`difference_from_none`, ``beyond_t95``); ``"none"`` when no set
    passes. Returns ``(set, one sentence saying why)``."""
    vs_none = difference_from_none(runs, metric)
    passed = vs_none[vs_none["beyond_t95"] & (vs_none["mean"] > 0)]
    if passed.empty:
        return "none", "no transform set beats no augmentation beyond the paired screen"
    best, row = passed.index[0], passed.iloc[0]
    return best, (f"{best}: the largest gain over no augmentation that passes the paired screen "
                  f"({row['mean']:+.2f} ± {row['se']:.2f} OA points (se), n = {int(row['n'])}), of "
                  f"{len(passed)} sets that pass among {len(vs_none)}")


def write_transform_choice(*, records: str, out: str, probe_note: str = "", command: str = "") -> list[str]:
    """``<out>.md``: the transform set :func:`choose_transform_set` picks from the pair-matrix
    records under ``records`` (validation data), why, and the paired gains of every set;
    ``probe_note`` says how those records probed (records made before ``probe`` was a
    parameter do not say it themselves)."""
    from pathlib import Path

    from ..records import atomic_write_text
    from ..tables import collect, to_markdown

    runs = collect(records)
    chosen, why = choose_transform_set(runs)
    budget = ", ".join(f"{k} {runs[k].iloc[0]}" for k in ("scene", "width", "pretrain_epochs", "pretrain_steps_per_epoch",
                                                          "probe") if k in runs)
    vs_none = difference_from_none(runs).round(2).reset_index(names="transforms")
    drops = vs_none[vs_none["transforms"].str.contains("band_drop")]
    passed = vs_none[vs_none["beyond_t95"] & (vs_none["mean"] > 0)]
    runner_up = ""
    if len(passed) > 1:
        a, b = passed.iloc[0], passed.iloc[1]
        close = a["mean"] - b["mean"] < a["se"] + b["se"]
        runner_up = (f" The runner-up, {b['transforms']}, gains {b['mean']:+.2f} ± {b['se']:.2f}"
                     + (": within the two standard errors, so the choice is a best guess among close sets, not a "
                        "clear winner." if close else "."))
    text = (f"# Method A's 2-D transform set, chosen on validation data\n\nChosen: **{chosen}**. {why}. Chosen on "
            f"the pair-matrix records of a stand-in ({budget}{'; ' + probe_note if probe_note else ''}), never on a real "
            f"cube's test pixels. The {len(drops)} sets that hold band_drop are {-drops['mean'].max():.1f} to "
            f"{-drops['mean'].min():.1f} points below no augmentation on average ({int(drops['beyond_t95'].sum())} of "
            "them beyond the paired screen one by one)." + runner_up + "\n\n" + to_markdown(vs_none) + "\n")
    if command:
        text += f"\nProduced by: `{command}`\n"
    return [str(atomic_write_text(Path(out).with_suffix(".md"), text))]


def pair_matrix_budget(*, model: str, width: int, pretrain_epochs: int, pretrain_steps_per_epoch: int | None, K: int,
                       seeds: str, probe: str | None = None) -> str:
    """One line stating the budget of a pair-matrix grid and its linear probe (for titles and
    tables; ``probe`` None: the SGD probe of the runs made before the probe was a parameter)."""
    return (f"{model.upper()} CNN width {width}, pre-training {pretrain_epochs} epochs"
            + (f" x {pretrain_steps_per_epoch} steps" if pretrain_steps_per_epoch else " (full passes)")
            + f", K={'official map' if K == 0 else K}, seeds {seeds}"
            + (f", probe {probe}" if probe else ""))


def pair_matrix_tables(mean, std, none: dict, vs_none, *, label: str, budget: str):
    """The pair matrix as a table ("mean ± std" per cell, one row per transform) and its
    Markdown page: the matrix, no augmentation beside paper A's value, and each set against
    no augmentation paired by seed. Returns ``(table, markdown)``."""
    from ..tables import to_markdown

    table = (mean.round(1).astype(str) + " ± " + std.round(1).astype(str)).reset_index(names="transform")
    md = (f"# Augmentation pair matrix, {label} (linear-probe OA %, mean ± std over seeds)\n\n{budget}.\n"
          f"No augmentation: {none['mean']:.1f} ± {none['std']:.1f} (n={none['n']}); paper A (real PaviaU, "
          "full budget): 79.4.\n\n" + to_markdown(table) + "\n\nProduced by: `papermill "
          "notebooks/07_ablation_augmentation_pairs.ipynb out.ipynb` with the parameters above.\n"
          "\n## Against no augmentation, paired by seed (OA points)\n\n"
          + to_markdown(vs_none.round(2).reset_index(names="transforms")) + "\n")
    return table, md


def pair_matrix_findings(none: dict, vs_none, gain, ranking) -> list[str]:
    """The closing sentences of a pair-matrix run, computed from its results: no
    augmentation, the best set and how many sets are above or below it at the 5 % level
    (paired by seed), how many pairs beat both of their members, and the ranking."""
    above = vs_none[vs_none["beyond_t95"] & (vs_none["mean"] > 0)]
    below = vs_none[vs_none["beyond_t95"] & (vs_none["mean"] < 0)]
    off_diagonal = gain.to_numpy()[np.triu_indices(len(gain), 1)]
    off_diagonal = off_diagonal[~np.isnan(off_diagonal)]
    lines = [f"No augmentation: {none['mean']:.1f} ± {none['std']:.1f} % OA (n={none['n']})."]
    if len(vs_none):
        best = vs_none.index[0]
        lines.append(f"Best set: {best}, {vs_none['mean'].iloc[0]:+.1f} ± {vs_none['se'].iloc[0]:.1f} points against "
                     f"no augmentation (paired by seed); {len(above)} of {len(vs_none)} sets are above it at the 5 % "
                     f"level ({', '.join(above.index) or 'none'}), {len(below)} below "
                     f"({', '.join(below.index) or 'none'}).")
    if len(off_diagonal):
        lines.append(f"Pairs beating both of their members alone: {(off_diagonal > 0).sum()} of {len(off_diagonal)} "
                     f"(median gain {np.median(off_diagonal):+.1f} points).")
    lines.append("Transforms by row mean, best first: " + ", ".join(ranking.index))
    return lines
