"""Paper C's claims, and our reproduction criterion, checked on our records.

1. **The paper's claims** (end of its section 4.1): for every backbone, every transform set beats
   the baseline (R² higher, MAE lower), and spectral+spatial is the best set. Its tables
   also show spectral ≤ spatial; that step is reported ("tables only") but not required
   by ``holds``. The whole ordering of the tables, none < spectral ≤ spatial ≤
   spectral+spatial (the order the issue asks to check), has its own column.
2. **The paper's backbone claim** (sections 4.1 and 4.2): the spectral-spatial transformer
   (Varahagiri) is the best backbone, in every transform set.
3. **Our reproduction criterion** (issue, not the paper): every cell at least as good as
   the paper's (R² ≥, MAE ≤).
4. **The classical baselines** (ours, :mod:`hsinb.experiments.regression_baselines`): each
   backbone and transform set against the best fair classical baseline (ridge, PLS or
   unmixing with extracted endmembers), paired by seed on the same test tiles.

Both work on the output of :func:`hsinb.tables.aggregate` grouped by ``backbone`` and
``transforms`` (columns ``<metric>_mean``, ``<metric>_std``, ``n``).
"""

from __future__ import annotations

from ..errors import UnknownParameterError

__all__ = ["TRANSFORM_ORDER", "HIGHER_IS_BETTER", "PAPER_BEST_BACKBONE", "ordering_check", "best_backbone",
           "paired_gains", "paper_gap", "claims_report", "PAPER_TABLES", "grid_verdict", "baseline_summary",
           "against_baseline", "same_scene", "SCENE_SETTINGS"]

#: paper C's columns, in the order its results claim they improve
TRANSFORM_ORDER = ("none", "spectral", "spatial", "spectral+spatial")
#: direction of each regression metric
HIGHER_IS_BETTER = {"R2": True, "MAE": False, "RMSE": False, "MAE_sum": False}
#: the paper's table for each scene of the C grid, under ``results/paper/``
PAPER_TABLES = {"synthetic-c": "C_tables1-2_synthetic-c.csv", "samson": "C_tables3-4_samson.csv"}
#: the backbone paper C reports best in every set (the spectral-spatial transformer)
PAPER_BEST_BACKBONE = "varahagiri"
#: name of the column with the whole ordering of the paper's tables
FULL_ORDER = "none < spectral ≤ spatial ≤ spectral+spatial"


def _means(agg, metric: str):
    need = {"backbone", "transforms", f"{metric}_mean"}
    if not need <= set(agg.columns):
        raise UnknownParameterError(f"need columns {sorted(need)} (aggregate by backbone and transforms), "
                                    f"got {list(agg.columns)}")
    return agg.pivot(index="backbone", columns="transforms", values=f"{metric}_mean")


def ordering_check(agg, metric: str = "R2"):
    """One row per backbone: the seed-mean ``metric`` of each transform set present; columns
    ``none < <set>`` (strictly better than the baseline), ``spectral+spatial best`` (at
    least as good as spectral and spatial), ``spectral ≤ spatial (tables only)``; and
    ``holds`` = all of the paper's claims hold, and ``none < spectral ≤ spatial ≤
    spectral+spatial`` = the whole ordering of its tables holds (both None when a set is
    missing: not checked)."""
    import pandas as pd

    if metric not in HIGHER_IS_BETTER:
        raise UnknownParameterError(f"unknown metric {metric!r}; known: {', '.join(HIGHER_IS_BETTER)}")
    sign = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
    wide = _means(agg, metric)
    rows = []
    for backbone, means in wide.iterrows():
        have = {t: float(means[t]) for t in TRANSFORM_ORDER if t in wide.columns and means[t] == means[t]}
        row = {"backbone": backbone, "metric": metric, **have}
        claims = []
        for t in TRANSFORM_ORDER[1:]:
            if "none" in have and t in have:
                row[f"none < {t}"] = bool(sign * (have[t] - have["none"]) > 0)
                claims.append(row[f"none < {t}"])
        if {"spectral", "spatial", "spectral+spatial"} <= set(have):
            best = bool(sign * (have["spectral+spatial"] - have["spectral"]) >= 0
                        and sign * (have["spectral+spatial"] - have["spatial"]) >= 0)
            row["spectral+spatial best"] = best
            claims.append(best)
            row["spectral ≤ spatial (tables only)"] = bool(sign * (have["spatial"] - have["spectral"]) >= 0)
        complete = set(TRANSFORM_ORDER) <= set(have)
        row["holds"] = all(claims) if complete else None
        row[FULL_ORDER] = (bool(row["none < spectral"] and row["spectral ≤ spatial (tables only)"]
                                and sign * (have["spectral+spatial"] - have["spatial"]) >= 0)
                           if complete else None)
        rows.append(row)
    return pd.DataFrame(rows)


def best_backbone(agg, metric: str = "R2", claimed: str = PAPER_BEST_BACKBONE):
    """One row per transform set: the backbone with the best seed-mean ``metric``, its value,
    the ``claimed`` backbone's value and rank among the backbones that ran the set (1 = best),
    and ``claimed best`` (None when ``claimed`` has not run that set)."""
    import pandas as pd

    if metric not in HIGHER_IS_BETTER:
        raise UnknownParameterError(f"unknown metric {metric!r}; known: {', '.join(HIGHER_IS_BETTER)}")
    wide = _means(agg, metric)
    rows = []
    for t in [t for t in TRANSFORM_ORDER if t in wide.columns]:
        col = wide[t].dropna().sort_values(ascending=not HIGHER_IS_BETTER[metric])
        ran = claimed in col.index
        rows.append({"metric": metric, "transforms": t, "best": col.index[0], "best value": float(col.iloc[0]),
                     claimed: float(col[claimed]) if ran else float("nan"),
                     f"{claimed} rank": f"{list(col.index).index(claimed) + 1} of {len(col)}" if ran else "",
                     f"{claimed} best": bool(col.index[0] == claimed) if ran else None})
    return pd.DataFrame(rows)


def paired_gains(runs, metrics=("R2", "MAE")):
    """Each transform set against the baseline of the same backbone, paired by seed.

    ``runs`` are records (one row per run: ``backbone``, ``transforms``, ``seed`` and the
    metrics). One row per (backbone, metric, set): the mean and standard error of the per-seed
    difference set − none, n, ``better`` (the mean points the right way: R² up, MAE down) and
    ``beyond_t95`` (it exceeds t(0.975, n − 1) standard errors; a screen per cell, 15 per
    metric, so about one passes by chance). The seed-mean verdicts of :func:`ordering_check`
    say whether a claim holds on average; this says whether the seeds resolve it.
    """
    import pandas as pd

    from .ablation import difference_from_none

    rows = []
    for metric in metrics:
        if metric not in HIGHER_IS_BETTER:
            raise UnknownParameterError(f"unknown metric {metric!r}; known: {', '.join(HIGHER_IS_BETTER)}")
        sign = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
        for backbone, group in runs.groupby("backbone", sort=True):
            try:
                diff = difference_from_none(group, metric)
            except ValueError as err:  # two runs of one (set, seed): the folder mixes setups
                raise UnknownParameterError(f"backbone {backbone!r}, paired by seed: two runs share a transform "
                                            "set and seed; give one setting per folder") from err
            for t in TRANSFORM_ORDER[1:]:
                if t in diff.index:
                    d = diff.loc[t]
                    rows.append({"backbone": backbone, "metric": metric, "transforms": t,
                                 "set − none": float(d["mean"]), "se": float(d["se"]), "n": int(d["n"]),
                                 "better": bool(sign * d["mean"] > 0),
                                 "beyond_t95": bool(d["beyond_t95"])})
    return pd.DataFrame(rows, columns=["backbone", "metric", "transforms", "set − none", "se", "n", "better",
                                       "beyond_t95"])


def paper_gap(agg, paper, metrics=("R2", "MAE"), against: dict[str, str] | None = None):
    """One row per (backbone, transforms) of the paper's table: ours (seed mean, and ``n``
    seeds), the paper's value, ours − paper, and whether ours is at least as good (R² ≥,
    MAE ≤); a cell we have not run is kept with ``n = 0`` and verdict None. ``against``
    maps one of our metrics to the paper column it is compared with (default: the same
    name; e.g. ``{"MAE_sum": "MAE"}``)."""
    import pandas as pd

    against = against or {}
    for m in metrics:
        if against.get(m, m) not in paper.columns:
            raise UnknownParameterError(f"the paper table has no column {against.get(m, m)!r}")
    paper = paper.rename(columns={c: f"{c}__paper" for c in paper.columns if c not in ("backbone", "transforms")})
    merged = paper.merge(agg, on=["backbone", "transforms"], how="left")
    if merged["n"].isna().all():
        raise UnknownParameterError("none of our (backbone, transforms) cells is in the paper table: "
                                    f"ours {sorted(set(zip(agg['backbone'], agg['transforms'])))}")
    rows = []
    for _, r in merged.iterrows():
        n = 0 if r["n"] != r["n"] else int(r["n"])
        row = {"backbone": r["backbone"], "transforms": r["transforms"], "n": n}
        for m in metrics:
            ours, theirs = float(r[f"{m}_mean"]) if n else float("nan"), float(r[f"{against.get(m, m)}__paper"])
            row[m] = ours
            row[f"{m} (paper)"] = theirs
            row[f"{m} − paper"] = ours - theirs
            row[f"{m} at least paper"] = (bool(ours >= theirs if HIGHER_IS_BETTER[m] else ours <= theirs)
                                          if n else None)
        rows.append(row)
    return pd.DataFrame(rows)


def baseline_summary(baselines, metrics=("R2", "MAE", "MAE_sum")):
    """One row per classical baseline: seed mean and std of each metric, ``n``, and
    ``oracle`` (given the reference endmembers, never chosen as the best)."""
    import pandas as pd

    from ..experiments.regression_baselines import BASELINES_C, ORACLE_BASELINES
    from ..tables import aggregate

    have = [m for m in metrics if m in baselines.columns]
    agg = aggregate(baselines, ["baseline"], have)
    agg.insert(1, "oracle", agg["baseline"].isin(ORACLE_BASELINES))
    listed = {b: i for i, b in enumerate(BASELINES_C)}
    agg = agg.sort_values("baseline", key=lambda c: c.map(lambda b: listed.get(b, len(listed))), kind="stable")
    return pd.DataFrame(agg).reset_index(drop=True)


def best_baseline(baselines, metric: str = "R2") -> str:
    """The fair classical baseline (not given the reference endmembers) with the best seed
    mean of ``metric``. Chosen on the test tiles' seed means, so it favours the baselines."""
    from ..experiments.regression_baselines import FAIR_BASELINES

    fair = baselines[baselines["baseline"].isin(FAIR_BASELINES)]
    if fair.empty:
        raise UnknownParameterError(f"no fair baseline among the records (need one of {list(FAIR_BASELINES)})")
    means = fair.groupby("baseline")[metric].mean()
    return str(means.idxmax() if HIGHER_IS_BETTER[metric] else means.idxmin())


#: what must be the same in the deep runs and the baselines they are paired with: the same
#: scene draw cut into the same tiles (equal test-tile indices alone do not tell two draws apart)
SCENE_SETTINGS = ("scene", "scene_seed", "abundance_layout", "patch", "test_fraction")


def same_scene(runs, baselines) -> None:
    """Raise :class:`UnknownParameterError` unless ``runs`` and ``baselines`` each hold one
    value of every :data:`SCENE_SETTINGS` column they have, and the same one where both have
    it (e.g. scene seed 0 against baselines on scene seed 1). Refuses empty baselines."""
    if baselines is None or len(baselines) == 0:
        raise UnknownParameterError("no baseline records: run `make grid-c-baselines` or point --baselines at a "
                                    "records folder of hsinb.experiments.regression_baselines")
    for col in SCENE_SETTINGS:
        have = [(what, frame[col].astype(str).unique()) for what, frame in (("runs", runs), ("baselines", baselines))
                if col in frame.columns]
        for what, values in have:
            if len(values) > 1:
                raise UnknownParameterError(f"the {what} mix several values of {col!r} ({sorted(values)}); give one "
                                            "scene and tile split per folder")
        if len(have) == 2 and have[0][1][0] != have[1][1][0]:
            raise UnknownParameterError(f"the runs have {col}={have[0][1][0]} and the baselines {col}="
                                        f"{have[1][1][0]}: pair runs of one scene draw and tile split")


def against_baseline(runs, baselines, metrics=("R2", "MAE")):
    """Each (backbone, transform set) against the best fair classical baseline of each
    metric, paired by seed: the mean and standard error of the per-seed difference
    backbone − baseline, n, ``better`` and ``beyond_t95`` (as :func:`paired_gains`).

    Pairs must come from one scene draw and tile split (:func:`same_scene`) and share their
    test tiles: when both records list them (``_test_tiles``), a pair tested on other tiles
    is an :class:`UnknownParameterError` naming it."""
    import numpy as np
    import pandas as pd
    from scipy.stats import t as student_t

    same_scene(runs, baselines)
    rows = []
    for metric in metrics:
        if metric not in HIGHER_IS_BETTER:
            raise UnknownParameterError(f"unknown metric {metric!r}; known: {', '.join(HIGHER_IS_BETTER)}")
        sign = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
        name = best_baseline(baselines, metric)
        base = baselines[baselines["baseline"] == name].set_index("seed")
        if base.index.duplicated().any():
            raise UnknownParameterError(f"baseline {name!r} has two runs of one seed; give one setting per folder")
        for (backbone, t), group in runs.groupby(["backbone", "transforms"], sort=True):
            group = group[group["seed"].isin(base.index)]
            if group.empty:
                continue
            if "_test_tiles" in group.columns and "_test_tiles" in base.columns:
                mine = group["_test_tiles"].to_numpy()
                theirs = base.loc[group["seed"], "_test_tiles"].to_numpy()
                known = pd.notna(mine) & pd.notna(theirs)  # records without test tiles are not compared
                other = known & (mine != theirs)
                if other.any():
                    seed = group["seed"].to_numpy()[other][0]
                    raise UnknownParameterError(f"{backbone}/{t} and baseline {name!r} were tested on other tiles at "
                                                f"seed {seed}: compare runs of one tile split (scene, patch, "
                                                "test_fraction)")
            diff = group[metric].to_numpy(float) - base.loc[group["seed"], metric].to_numpy(float)
            n = len(diff)
            se = float(diff.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
            mean = float(diff.mean())
            critical = float(student_t.ppf(0.975, max(n - 1, 1)))
            rows.append({"backbone": backbone, "transforms": t, "metric": metric, "baseline": name,
                         "backbone − baseline": mean, "se": se, "n": n, "better": bool(sign * mean > 0),
                         "beyond_t95": bool(n > 1 and abs(mean) > critical * se)})
    order = {t: i for i, t in enumerate(TRANSFORM_ORDER)}
    out = pd.DataFrame(rows, columns=["backbone", "transforms", "metric", "baseline", "backbone − baseline", "se",
                                      "n", "better", "beyond_t95"])
    rank = {"metric": {m: i for i, m in enumerate(metrics)}, "transforms": order}
    return out.sort_values(["metric", "backbone", "transforms"], key=lambda c: c.map(rank[c.name]) if c.name in rank
                           else c, kind="stable").reset_index(drop=True)


def _baseline_section(runs, baselines) -> str:
    from ..tables import to_markdown

    same_scene(runs, baselines)
    summary = baseline_summary(baselines)
    paired = against_baseline(runs, baselines, ("R2", "MAE"))
    better = paired[paired["better"] & paired["beyond_t95"]]
    worse = paired[~paired["better"] & paired["beyond_t95"]]
    names = ", ".join(f"{m}: {best_baseline(baselines, m)}" for m in ("R2", "MAE"))
    r2 = paired[paired["metric"] == "R2"]
    above = int(r2["better"].sum())
    return ("Against the classical baselines (ours; `hsinb.experiments.regression_baselines`: ridge and PLS on "
            "tile-mean spectra, fitted on the training tiles; VCA or reference endmembers with FCLS or "
            "sum-normalised NNLS per pixel, no labels), on the same test tiles and seeds. The baselines given "
            "the reference endmembers (oracle) are shown, never paired.\n\n"
            f"{to_markdown(summary.round(4))}\n"
            f"Each backbone and transform set against the best fair baseline of each metric ({names}; chosen on "
            "its seed mean over the test tiles, which favours the baseline), paired by seed: of "
            f"{len(paired)} (backbone, set, metric) cells, {len(better)} are better than the baseline beyond "
            f"t(0.975, n − 1) standard errors and {len(worse)} worse; on R2, {above} of {len(r2)} cells have "
            f"a seed mean above it.\n\n{to_markdown(paired.round(4))}\n")


#: settings that must be the same in every run of one check (else the cells mix setups)
SETTINGS = ("scene", "scene_seed", "radius", "tau", "epochs", "lr", "patch", "train_on", "abundance_layout",
            "grad_clip")


def claims_report(runs, paper, title: str = "", command: str = "", baselines=None) -> str:
    """Markdown with both verdicts for the records ``runs`` (from :func:`hsinb.tables.collect`)
    against ``paper`` (a paper C table). Records that mix settings are refused
    (:class:`UnknownParameterError` naming them). Our MAE summed over endmembers
    (``MAE_sum``), when recorded, is also compared with the paper's MAE. ``baselines``
    (records of :mod:`~hsinb.experiments.regression_baselines`) add the comparison with the
    classical baselines on the same test tiles."""
    import pandas as pd

    from ..tables import aggregate, constant_parameters, to_markdown

    fixed = constant_parameters(runs, exclude=["backbone", "transforms", "seed", "alpha"])
    varying = [c for c in SETTINGS if c in runs.columns and c not in fixed]
    if varying:
        raise UnknownParameterError(f"the records mix several values of {varying}; give one setting per folder")
    if "alpha" in runs.columns:  # the baseline runs at alpha = 0; every other set must share one alpha
        alphas = sorted(set(runs.loc[runs["transforms"] != "none", "alpha"]))
        if len(alphas) > 1:
            raise UnknownParameterError(f"the records mix several values of ['alpha'] ({alphas}); "
                                        "give one setting per folder")
    metrics = ["R2", "MAE", *(["MAE_sum"] if "MAE_sum" in runs.columns else [])]
    agg = aggregate(runs, ["backbone", "transforms"], metrics)
    order = pd.concat([ordering_check(agg, m) for m in ("R2", "MAE")], ignore_index=True)
    judged = order["holds"].dropna()
    full = order[FULL_ORDER].dropna()
    best = pd.concat([best_backbone(agg, m) for m in ("R2", "MAE")], ignore_index=True)
    best_judged = best[f"{PAPER_BEST_BACKBONE} best"].dropna()
    paired = paired_gains(runs, ("R2", "MAE"))
    resolved = paired[paired["better"] & paired["beyond_t95"]]
    worse = paired[~paired["better"] & paired["beyond_t95"]]
    gap = paper_gap(agg, paper, metrics, against={"MAE_sum": "MAE"})
    ran = gap[gap["n"] > 0]

    def wins(metric: str) -> int:
        return int(ran[f"{metric} at least paper"].astype(bool).sum())

    mae_sum = f", MAE summed over endmembers in {wins('MAE_sum')} of {len(ran)}" if "MAE_sum" in metrics else ""
    return ((f"# {title}\n\n" if title else "")
            + "Paper C's claims (every transform set beats the baseline; spectral+spatial is best), per "
            f"backbone and metric, on seed means; complete rows that hold: {int(judged.astype(bool).sum())} "
            f"of {len(judged)}. The whole ordering of the paper's tables ({FULL_ORDER}) holds in "
            f"{int(full.astype(bool).sum())} of {len(full)}.\n\n{to_markdown(order.round(4))}\n"
            f"The paper's backbone claim ({PAPER_BEST_BACKBONE}, the spectral-spatial transformer, is best "
            f"in every set), on seed means: holds in {int(best_judged.astype(bool).sum())} of "
            f"{len(best_judged)} (set, metric) pairs.\n\n{to_markdown(best.round(4))}\n"
            "Each set against the baseline, paired by seed (set − none over the seeds both ran, with its "
            "standard error; for MAE a negative difference is the better way): of "
            f"{len(paired)} (backbone, metric, set) cells, {len(resolved)} are better than the "
            f"baseline beyond t(0.975, n − 1) standard errors and {len(worse)} worse.\n\n"
            f"{to_markdown(paired.round(4))}\n"
            f"Our reproduction criterion, at least as good as the paper ({len(ran)} of {len(gap)} paper cells "
            f"run): R2 in {wins('R2')} of {len(ran)} cells, MAE in {wins('MAE')} of {len(ran)}{mae_sum}."
            f"\n\n{to_markdown(gap.round(4))}\n"
            + (_baseline_section(runs, baselines) if baselines is not None else "")
            + (f"Produced by: `{command}`\n" if command else ""))


def grid_verdict(scene: str, results=None) -> str | None:
    """:func:`claims_report` of the C grid of ``scene`` (records under
    ``<results>/runs/C_<scene>/records``, the layout of ``make grid-c``) under a level-3
    heading, or None when that grid has no records yet. ``results`` defaults to the
    repository's ``results/``. Records that mix settings raise :class:`UnknownParameterError`."""
    from pathlib import Path

    import pandas as pd

    from ..records import REPO_ROOT
    from ..tables import collect

    if scene not in PAPER_TABLES:
        raise UnknownParameterError(f"no paper C table for scene {scene!r}; known: {sorted(PAPER_TABLES)}")
    results = Path(results) if results is not None else REPO_ROOT / "results"
    records = results / "runs" / f"C_{scene}" / "records"
    runs = collect(records) if records.is_dir() else pd.DataFrame()
    if runs.empty:
        return None
    base = results / "runs" / f"C_{scene}_baselines" / "records"
    baselines = collect(base) if base.is_dir() else None
    paper = results / "paper" / PAPER_TABLES[scene]
    return (f"### Method C on {scene}: {len(runs)} runs of the grid\n\n"
            + claims_report(runs, pd.read_csv(paper), baselines=baselines))


def write_claims_report(*, records: str, paper: str, out: str, title: str = "", baselines: str | None = None,
                        command: str = "", baselines_required: bool = False) -> list[str]:
    """:func:`claims_report` of a records folder, written to ``<out>.md`` (``baselines``: a
    folder of the classical baselines' records, used when it holds any; with
    ``baselines_required`` an empty one is an error). Returns the file."""
    from pathlib import Path

    import pandas as pd

    from ..records import atomic_write_text
    from ..tables import collect

    def records_of(folder: str) -> str:
        return str(Path(folder) / "records") if (Path(folder) / "records").is_dir() else folder

    base = None
    if baselines and (baselines_required or any(Path(records_of(baselines)).glob("*.json"))):
        base = collect(records_of(baselines))
    md = claims_report(collect(records_of(records)), pd.read_csv(paper), title, command, baselines=base)
    return [str(atomic_write_text(f"{out}.md", md))]
