"""Declared experiments: one TOML file per experiment in ``hsinb/experiments/declared/``.

A file names the target (a task function, and optionally its notebook twin), the grids
(parameters, and the folder each combination's record goes to), and the tables and other
outputs built from the records. ``hsinb list`` shows them with how many runs are recorded,
``hsinb run NAME`` runs what is missing, ``hsinb tables NAME`` builds the tables.

The schema (every path is relative to the results folder, ``results/`` of the checkout or
``--results``; ``{name}`` in a path or title is the value of parameter ``name``)::

    description = "one line: what the experiment answers"
    task = "hsinb.experiments.method_a:method_a_task"
    notebook = "04_barlow.ipynb"        # optional twin, run with `hsinb run NAME --notebook`
    memory_gb = 3.0                     # optional: memory of one run (caps the default workers)
    order_by = ["seed"]                 # optional: run every grid's combinations of one seed before the next
                                        # (a stable sort: file order within; e.g. so that all runs sharing a
                                        # cached encoder finish in one session)
    recorded_before = { probe = "sgd" } # optional: the value of a parameter in records made before it existed

    [[grids]]                           # one or more
    out = "runs/A_real_{scene}_2d"
    params = { scene = ["salinas_a", "samson"], K = [5, 10], seed = [0, 1, 2, 3, 4], width = 32 }

    [[tables]]                          # zero or more; `foreach` repeats one over values:
    foreach = { scene = ["salinas_a", "samson"] }   # every combination, or a list of rows:
    # foreach = [{ scene = "samson", tables = "3-4" }, { scene = "synthetic-c", tables = "1-2" }]
    records = "runs/A_real_{scene}_2d"
    out = "tables/A_real_{scene}_2d"
    by = ["K"]
    metrics = ["linear_OA", "svm_OA"]
    where = { width = 32 }              # optional: only the runs with these values (one or a list)
    paper = "paper/A_table1_paviaU.csv" # optional: published values beside ours
    baselines = "runs/C_{scene}_baselines"  # optional: classical rows below
    recorded = ["extra.pretrain.steps"] # optional: values every record holds, stated in the note
    title = "..."
    note = "..."

    [[summary]]                         # zero or more: a row of the README's summary (hsinb report)
    label = "A on real cubes"
    table = "tables/A_real_salinas_a_2d"  # the table quoted and linked
    row = { K = 5 }                     # the row quoted
    metric = "linear_OA"                # its cell, and "<metric> (paper)" when the table has it
    headline = "BT + Lin OA %, SalinasA, K = 5"
    verdict = "tables/B_real_verdicts"  # optional: its first paragraph is the verdict

    [[steps]]                           # zero or more: a package function or a notebook, after the tables
    call = "hsinb.analysis.method_c_checks:write_claims_report"   # or notebook = "07_....ipynb"
    args = { records = "runs/C_samson", out = "tables/C_samson_checks" }
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from ..errors import InvalidParameterError, UnknownParameterError
from ..records import REPO_ROOT, atomic_write_text, iter_records
from ..tables import (
    aggregate,
    append_baselines,
    collect,
    constant_parameters,
    expand_grid,
    format_table,
    select,
    write_table,
)
from .grid import GridReport, Planned, RecordedIndex, check_parameters, plan_folder, run_planned

DECLARED = Path(__file__).resolve().parent.parent / "experiments" / "declared"
NOTEBOOKS = REPO_ROOT / "notebooks"
PATH_ARGS = ("records", "out", "paper", "baselines", "figures_dir", "runs_dir", "tables_dir")
TOP_KEYS = {"description", "task", "notebook", "memory_gb", "recorded_before", "order_by", "grids", "tables", "steps",
            "summary"}


def default_results() -> Path:
    """``results/`` of the checkout when the package runs from one, else ``./results``."""
    if (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "results").is_dir():
        return REPO_ROOT / "results"
    return Path.cwd() / "results"


def _fill(text: str, values: dict[str, Any]) -> str:
    try:
        return text.format(**values)
    except KeyError as exc:
        raise InvalidParameterError(f"{text!r} names {exc} but it is not a parameter of this grid") from exc


@dataclass
class Experiment:
    """A declared experiment (see the module docstring for the file's schema)."""

    name: str
    description: str
    task: str
    grids: list[dict[str, Any]]
    tables: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    notebook: str | None = None
    memory_gb: float | None = None
    recorded_before: dict[str, Any] = field(default_factory=dict)
    summary: list[dict[str, Any]] = field(default_factory=list)
    order_by: list[str] = field(default_factory=list)
    path: Path | None = None

    def target(self, *, notebook: bool = False) -> str:
        if not notebook:
            return self.task
        if not self.notebook:
            raise InvalidParameterError(f"experiment {self.name!r} declares no notebook; run it without --notebook")
        path = NOTEBOOKS / self.notebook
        if not path.is_file():
            raise InvalidParameterError(f"{path} not found: --notebook needs a checkout with notebooks/; "
                                        "without it the task runs the same record")
        return str(path)

    def plan(self, results: Path, *, notebook: bool = False, only: dict[str, Any] | None = None) -> list[Planned]:
        """Every combination of every grid, with its folder; ``only`` keeps those with these values."""
        target = self.target(notebook=notebook)
        planned: list[Planned] = []
        for grid in self.grids:
            params = dict(grid["params"])
            for combo in expand_grid(params):
                if only and any(str(combo.get(k)) != str(v) for k, v in only.items()):
                    continue
                out = results / _fill(grid["out"], combo)
                planned += plan_folder(target, {}, out, fixed=combo)
        if self.order_by:  # stable: the file's order within each group
            missing = [k for k in self.order_by if any(k not in p.params for p in planned)]
            if missing:
                raise InvalidParameterError(f"{self.name}: order_by names {missing}, which some grid does not set")
            planned.sort(key=lambda p: tuple(_norm_key(p.params[k]) for k in self.order_by))
        return planned

    def status(self, results: Path) -> dict[str, int]:
        """How many planned runs are recorded, missing and failed (a failure not yet redone)."""
        planned = self.plan(results)
        index: dict[Path, RecordedIndex] = {}
        recorded = failed = 0
        for p in planned:
            if p.out not in index:
                index[p.out] = RecordedIndex(p.out, self.recorded_before)
            if index[p.out].has(p.params):
                recorded += 1
            elif (p.out / "failed" / f"{p.key}.txt").is_file():
                failed += 1
        return {"planned": len(planned), "recorded": recorded, "missing": len(planned) - recorded,
                "failed": failed}


def _check_keys(where: str, block: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(block) - allowed)
    if unknown:
        raise InvalidParameterError(f"{where}: unknown keys {unknown}; allowed: {sorted(allowed)}")


def _norm_key(value: Any) -> tuple[int, Any]:
    """A sort key that orders numbers as numbers and everything else as text."""
    return (0, value) if isinstance(value, (int, float)) else (1, str(value))


def load_experiment(name_or_path: str | os.PathLike) -> Experiment:
    """The experiment declared in ``declared/<name>.toml``, or in a TOML file of your own."""
    path = Path(name_or_path)
    if not path.suffix == ".toml":
        path = DECLARED / f"{name_or_path}.toml"
    if not path.is_file():
        import difflib

        names = list_names()
        close = difflib.get_close_matches(str(name_or_path), names, n=3)
        hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise UnknownParameterError(f"no experiment {str(name_or_path)!r}.{hint} Declared: {', '.join(names)} "
                                    "(`hsinb list`), or give the path of a .toml file")
    spec = tomllib.loads(path.read_text())
    _check_keys(str(path), spec, TOP_KEYS)
    if "task" not in spec or not spec.get("grids"):
        raise InvalidParameterError(f"{path}: an experiment needs a task and at least one [[grids]]")
    for i, grid in enumerate(spec["grids"]):
        _check_keys(f"{path} grids[{i}]", grid, {"out", "params"})
    for i, table in enumerate(spec.get("tables", [])):
        _check_keys(f"{path} tables[{i}]", table, {"foreach", "records", "out", "by", "metrics", "paper",
                                                    "baselines", "digits", "scale", "title", "note", "recorded",
                                                    "where"})
    for i, step in enumerate(spec.get("steps", [])):
        _check_keys(f"{path} steps[{i}]", step, {"foreach", "call", "notebook", "args", "needs"})
    for i, line in enumerate(spec.get("summary", [])):
        _check_keys(f"{path} summary[{i}]", line, {"label", "table", "row", "metric", "headline", "verdict", "note"})
    return Experiment(name=path.stem, description=spec.get("description", ""), task=spec["task"],
                      grids=spec["grids"], tables=spec.get("tables", []), steps=spec.get("steps", []),
                      notebook=spec.get("notebook"), memory_gb=spec.get("memory_gb"),
                      recorded_before=spec.get("recorded_before", {}), summary=spec.get("summary", []),
                      order_by=list(spec.get("order_by", [])), path=path)


def list_names() -> list[str]:
    """Names of the declared experiments."""
    return sorted(p.stem for p in DECLARED.glob("*.toml"))


def check_experiment(exp: Experiment, *, notebook: bool = False) -> None:
    """Refuse parameters the target does not take, before anything runs."""
    names = sorted({k for grid in exp.grids for k in grid["params"]})
    check_parameters(exp.target(notebook=notebook), names)


def run_experiment(name: str, *, results: str | os.PathLike | None = None, notebook: bool = False,
                   only: dict[str, Any] | None = None, command: str | None = None, **runner: Any) -> GridReport:
    """Run what is missing of a declared experiment (``runner``: executor, workers,
    threads_per_run, attempts, progress; see :func:`hsinb.runner.grid.run_planned`)."""
    exp = load_experiment(name)
    results = Path(results) if results else default_results()
    check_experiment(exp, notebook=notebook)
    gridded = {k for grid in exp.grids for k in grid["params"]}
    for key in only or {}:
        if key not in gridded:
            import difflib

            close = difflib.get_close_matches(key, sorted(gridded), n=2)
            hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise UnknownParameterError(f"{name}: --only names {key!r}, which none of its grids sets.{hint} "
                                        f"Its grids set: {', '.join(sorted(gridded))}")
    planned = exp.plan(results, notebook=notebook, only=only)
    if not planned:
        raise InvalidParameterError(f"{name}: no combination has {only}")
    command = command or f"hsinb run {name}"
    for out in sorted({p.out for p in planned}):
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out / "grid.json", _grid_json(exp, out, results, command))
    runner.setdefault("memory_gb_per_run", exp.memory_gb)
    return run_planned(planned, recorded_before=exp.recorded_before, **runner)


def _grid_json(exp: Experiment, out: Path, results: Path, command: str) -> str:
    import json

    return json.dumps({"experiment": exp.name, "declared": str(exp.path), "target": exp.task,
                       "folder": str(out.relative_to(results)) if out.is_relative_to(results) else str(out),
                       "grids": exp.grids, "command": command}, indent=2, default=str) + "\n"


# ----------------------------------------------------------------------------- tables
def _foreach(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The value sets a table or step repeats over: ``foreach`` as a table of lists (every
    combination) or as a list of tables (those rows, e.g. a scene with its paper table)."""
    each = block.get("foreach")
    if not each:
        return [{}]
    return [dict(row) for row in each] if isinstance(each, list) else expand_grid(each)


def _recorded_values(folder: Path, dotted: Sequence[str]) -> dict[str, Any]:
    """The values of ``dotted`` fields (e.g. ``extra.pretrain.steps``) that every record of
    ``folder`` shares; a field whose value differs between records is left out."""
    seen: dict[str, set[str]] = {d: set() for d in dotted}
    for _, rec in iter_records(folder):
        for d in dotted:
            value: Any = rec
            for part in d.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            seen[d].add(str(value))
    return {d.rsplit(".", 1)[-1]: next(iter(v)) for d, v in seen.items() if len(v) == 1 and "None" not in v}


def build_table(records: str | os.PathLike, out: str | os.PathLike, *, by: Sequence[str], metrics: Sequence[str],
                command: str, paper: str | os.PathLike | None = None, baselines: str | os.PathLike | None = None,
                digits: int = 1, scale: float = 1.0, title: str = "", note: str = "",
                recorded: Sequence[str] = (), where: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """Mean ± std of ``metrics`` per group of ``by`` (the scene first) over the records of
    ``records`` (those holding the values of ``where``, when given), the paper's values beside (a ``*-sim`` stand-in matched with its real
    scene), the classical ``baselines`` below; CSV and Markdown at ``out``. The note says
    when scenes are simulated and lists the settings every run shares."""
    import pandas as pd

    from ..scenes import is_stand_in, stands_in_for

    runs = collect(records)
    if where:
        runs = select(runs, where)
    if len(runs) == 0:
        raise UnknownParameterError(f"no records under {records}" + (f" with {where}" if where else ""))
    by = list(by)
    if "scene" in runs.columns and "scene" not in by:
        by.insert(0, "scene")  # every table names its scene, so a -sim one says so
    agg = aggregate(runs, by, metrics, scale)
    paper_frame = pd.read_csv(paper) if paper else None
    table = format_table(agg, by, metrics, paper_frame, digits, paper_keys={"scene": stands_in_for})
    if baselines:
        table = append_baselines(table, collect(baselines), by, metrics, digits=digits, scale=scale)
    if "scene" in table and table["scene"].astype(str).map(is_stand_in).any():
        note = ("Scenes named *-sim are SIMULATED stand-ins (real label map, simulated "
                "spectra): their numbers are not numbers for the real scenes. " + note)
    fixed = constant_parameters(runs, exclude=[*by, "seed"])
    if fixed:
        which = "Same in every run above the classical rows" if baselines else "Same in every run"
        note = (note + f"\n\n{which}: " + ", ".join(f"{k}={v}" for k, v in fixed.items()) + ".").strip()
    values = _recorded_values(Path(records), recorded)
    if values:
        note += "\n\nRecorded by every run: " + ", ".join(f"{k}={v}" for k, v in values.items()) + "."
    return write_table(table, out, command, note, title=title)


def build_tables(name: str, *, results: str | os.PathLike | None = None) -> list[Path]:
    """Every table and step of a declared experiment whose records exist; returns the files
    written. A table whose records folder is missing or empty is skipped with a message."""
    exp = load_experiment(name)
    results = Path(results) if results else default_results()
    command = f"hsinb tables {name}"
    written: list[Path] = []
    for block in exp.tables:
        for values in _foreach(block):
            records = results / _fill(block["records"], values)
            if not any((records / "records").glob("*.json")):
                print(f"{name}: no records in {records} yet (hsinb run {name}); table skipped", file=sys.stderr)
                continue
            optional = {k: results / _fill(block[k], values) for k in ("paper", "baselines") if block.get(k)}
            if "baselines" in optional and not any((optional["baselines"] / "records").glob("*.json")):
                optional.pop("baselines")
            if "baselines" in optional:
                optional["baselines"] = optional["baselines"] / "records"
            written += build_table(records / "records", results / _fill(block["out"], values), by=block["by"],
                                   metrics=block["metrics"], command=command, digits=block.get("digits", 1),
                                   scale=block.get("scale", 1.0), title=_fill(block.get("title", ""), values),
                                   note=_fill(block.get("note", ""), values), recorded=block.get("recorded", ()),
                                   where=block.get("where"), **optional)
    for block in exp.steps:
        for values in _foreach(block):
            written += _run_step(exp, block, values, results, command)
    return written


def _run_step(exp: Experiment, block: dict[str, Any], values: dict[str, Any], results: Path,
              command: str) -> list[Path]:
    args = {}
    for k, v in block.get("args", {}).items():
        if isinstance(v, str):
            v = _fill(v, values)
        elif isinstance(v, list):
            v = [_fill(x, values) if isinstance(x, str) else x for x in v]
        if k in PATH_ARGS and isinstance(v, str):
            v = str(results / v)
        elif k in PATH_ARGS and isinstance(v, list):  # several folders (e.g. one per scene)
            v = [str(results / x) for x in v]
        args[k] = v
    for need in block.get("needs", []):  # folders that must hold records, else the step is skipped
        folder = results / _fill(need, values)
        if not any((folder / "records").glob("*.json")):
            print(f"{exp.name}: no records in {folder} yet; step skipped", file=sys.stderr)
            return []
    if "call" in block:
        from .run_one import load_task

        out = load_task(block["call"])(**args, command=command)
        return [Path(p) for p in (out if isinstance(out, (list, tuple)) else [out])]
    import papermill as pm

    notebook = NOTEBOOKS / block["notebook"]
    if not notebook.is_file():
        raise InvalidParameterError(f"{notebook} not found: this step executes a notebook of the checkout")
    executed = results / "runs" / f"{exp.name}_steps" / notebook.name
    executed.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(notebook), str(executed), parameters=args, cwd=str(notebook.parent), progress_bar=False)
    return [executed]
