"""Many runs: every combination of a parameter grid, executed once, resumably.

The target is a parameterised notebook (executed with papermill; its executed copy is
kept) or a task function ``"package.module:function"`` taking the same parameters as
keyword arguments (a notebook's batch twin: same record, no kernel and no figures). Each
run receives ``record_path`` and writes its JSON record there (``hsinb.records``).

A combination counts as done when its folder holds a record of it: the file
``records/<key>.json``, or any record whose parameters have the combination's values (so
that records made under another name, or before a parameter existed, are recognised;
``recorded_before`` gives the value a parameter had in records that lack it). Rerunning a
grid runs only what is missing. ``shard=(i, n)`` keeps every n-th combination, for
spreading one grid over jobs that share the folder by hand.

Layout of a grid folder::

    grid.json              the grid, the target and the command
    records/<key>.json     one record per finished run
    notebooks/<key>.ipynb  the executed notebook of that run (notebook targets)
    failed/<key>.txt       the error of a failed run (removed when it later succeeds)
"""

from __future__ import annotations

import difflib
import json
import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidParameterError, UnknownParameterError
from ..records import atomic_write_text, iter_records
from ..tables import expand_grid
from .executors import DEFAULT_ATTEMPTS, default_workers, make_executor
from .progress import Progress, recorded_wall_times
from .run_one import RESERVED, Job, Result, clean_stale_tmp, is_task, run_key, target_parameters

__all__ = ["GridReport", "Planned", "default_workers", "expand_grid", "plan_folder", "run_grid", "run_planned",
           "run_key"]


@dataclass
class GridReport:
    """What a grid did: ``total`` combinations, the keys ``skipped`` (already recorded),
    ``done`` now, and ``failed`` (key -> error)."""

    total: int
    skipped: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def __str__(self) -> str:
        return (f"grid: {self.total} runs, {len(self.skipped)} already recorded, "
                f"{len(self.done)} run now, {len(self.failed)} failed")


@dataclass(frozen=True)
class Planned:
    """One combination of an experiment: its target, grid folder and parameters."""

    target: str
    out: Path
    params: dict[str, Any]

    @property
    def key(self) -> str:
        return run_key(self.params)


def check_parameters(target: str, names: Sequence[str]) -> None:
    """Refuse unknown and reserved parameter names before anything runs."""
    declared = target_parameters(target)
    label = target if is_task(target) else Path(target).name
    reserved = sorted(k for k in names if k in RESERVED)
    if reserved:
        raise UnknownParameterError(f"{', '.join(map(repr, reserved))} is set by the grid runner itself")
    unknown = sorted(k for k in set(names) if k not in declared)
    if unknown:
        close = sorted({c for k in unknown for c in difflib.get_close_matches(k, list(declared), n=2)})
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise UnknownParameterError(f"{label} has no parameter {', '.join(map(repr, unknown))}{hint} Its "
                                    f"parameters are: {', '.join(declared)}")
    if "record_path" not in declared:
        raise UnknownParameterError(f"{label} must declare a 'record_path' parameter")


def _norm(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


class RecordedIndex:
    """The records of one grid folder, to tell which combinations are done."""

    def __init__(self, out: Path, recorded_before: dict[str, Any] | None = None):
        self.out = Path(out)
        self.keys = {p.stem for p in (self.out / "records").glob("*.json") if not p.name.startswith(".")}
        self.records = [rec for _, rec in iter_records(self.out / "records")] if self.keys else []
        before = {k: _norm(v) for k, v in (recorded_before or {}).items()}
        self.params = [{**before, **{k: _norm(v) for k, v in rec.get("params", {}).items()}}
                       for rec in self.records]

    def has(self, params: dict[str, Any]) -> bool:
        if run_key(params) in self.keys:
            return True
        want = {k: _norm(v) for k, v in params.items()}
        return any(all(have.get(k) == v for k, v in want.items()) for have in self.params)


def plan_folder(target: str, grid: dict[str, Sequence[Any]], out_dir: str | os.PathLike,
                fixed: dict[str, Any] | None = None, shard: tuple[int, int] | None = None) -> list[Planned]:
    """The combinations of ``grid`` (plus ``fixed``) for one folder, optionally one shard."""
    fixed = dict(fixed or {})
    overlap = set(grid) & set(fixed)
    if overlap:
        raise InvalidParameterError(f"parameters {sorted(overlap)} are both varied and fixed; give each once")
    combos = [{**fixed, **c} for c in expand_grid(grid)]
    if shard is not None:
        i, n = shard
        if not 0 <= i < n:
            raise InvalidParameterError(f"shard {i}/{n}: need 0 <= i < n (e.g. --shard 0/4 ... 3/4)")
        combos = combos[i::n]
    return [Planned(str(target), Path(out_dir).resolve(), c) for c in combos]


def run_planned(planned: Sequence[Planned], *, executor: Any = "local", workers: int | None = None,
                threads_per_run: int | None = None, memory_gb_per_run: float | None = None,
                attempts: int = DEFAULT_ATTEMPTS, kernel_name: str | None = None, progress: bool = True,
                recorded_before: dict[str, Any] | None = None) -> GridReport:
    """Run every planned combination that no record covers yet.

    ``executor``: ``"local"``, a Dask scheduler address, a cluster config path, or an
    executor object (:mod:`hsinb.runner.executors`; it is then not closed here).
    """
    folders = sorted({p.out for p in planned})
    for out in folders:
        for sub in ("records", "notebooks", "failed"):
            (out / sub).mkdir(parents=True, exist_ok=True)
        clean_stale_tmp(out)
    index = {out: RecordedIndex(out, recorded_before) for out in folders}
    report = GridReport(total=len(planned))
    todo: list[Planned] = []
    seen: set[tuple[Path, str]] = set()
    for p in planned:
        if index[p.out].has(p.params) or (p.out, p.key) in seen:
            report.skipped.append(p.key)
        else:
            seen.add((p.out, p.key))
            todo.append(p)
    if not todo:
        if progress:
            print(f"{report} (nothing to run)", file=sys.stderr)
        return report
    owned = isinstance(executor, str)
    if owned:
        executor = make_executor(executor, workers=workers, threads_per_run=threads_per_run,
                                 memory_gb_per_run=memory_gb_per_run, attempts=attempts)
    try:
        threads = executor.job_threads
        jobs = [Job(p.target, str(p.out), p.key, p.params, threads, kernel_name) for p in todo]
        bar = Progress(total=len(planned), skipped=len(report.skipped), slots=executor.slots,
                       recorded_wall_s=recorded_wall_times(r for i in index.values() for r in i.records))
        if progress:
            print(f"grid: {len(jobs)} runs to do on {executor.describe()}"
                  + (f"; dashboard {executor.dashboard}" if executor.dashboard else ""), file=sys.stderr)
            bar.show()

        def on_result(job: Job, result: Result) -> None:
            if result.error is None:
                report.done.append(job.key)
            else:
                report.failed[job.key] = result.error
                last = result.error.strip().splitlines()[-1] if result.error.strip() else result.error
                print(f"grid: run {job.key} failed: {last}", file=sys.stderr)
            if progress:
                bar.finished(result.wall_s, result.error is None)
            else:
                bar.done += result.error is None
                bar.failed += result.error is not None

        executor.run(jobs, on_result)
    finally:
        if owned:
            executor.close()
        for out in folders:
            clean_stale_tmp(out)
    return report


def run_grid(
    target: str | os.PathLike,
    grid: dict[str, Sequence[Any]],
    out_dir: str | os.PathLike,
    fixed: dict[str, Any] | None = None,
    workers: int | None = None,
    shard: tuple[int, int] | None = None,
    kernel_name: str | None = None,
    progress: bool = True,
    threads_per_run: int | None = None,
    *,
    executor: Any = "local",
    memory_gb_per_run: float | None = None,
    attempts: int = DEFAULT_ATTEMPTS,
    recorded_before: dict[str, Any] | None = None,
) -> GridReport:
    """Execute ``target`` for every combination of ``grid`` (plus ``fixed`` parameters) that
    ``out_dir`` has no record of yet.

    Unknown parameter names raise :class:`UnknownParameterError` before anything runs. The
    runs go to ``executor`` (default: a local process pool of ``workers`` processes, each
    with ``threads_per_run`` torch threads; see :func:`hsinb.runner.executors.make_executor`).
    """
    task = is_task(target)
    target = str(target) if task else str(Path(target).resolve())
    fixed = dict(fixed or {})
    check_parameters(target, [*grid, *fixed])
    planned = plan_folder(target, grid, out_dir, fixed, shard)
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "grid.json", json.dumps({
        "notebook": target, "grid": grid, "fixed": fixed, "shard": shard,
        "command": " ".join(shlex.quote(a) for a in sys.argv)}, indent=2, default=str) + "\n")
    return run_planned(planned, executor=executor, workers=workers, threads_per_run=threads_per_run,
                       memory_gb_per_run=memory_gb_per_run, attempts=attempts, kernel_name=kernel_name,
                       progress=progress, recorded_before=recorded_before)
