"""Many runs: execute a parameterised notebook over a grid, and aggregate the records.

Runner (:func:`run_grid`): every combination of the given parameter lists is executed,
by a local process pool by default. The target is either a parameterised notebook,
executed with papermill (its executed copy is kept), or a task function named
``"package.module:function"`` that takes the same parameters as keyword arguments (the
batch twin of a notebook: same record, no kernel start-up and no figures, e.g.
``hsinb.experiments.method_a:method_a_task`` for ``04_barlow.ipynb``). Each run receives
``record_path`` and must write its JSON record there at the end
(``hsinb.records.write_record``); a run whose record
exists is skipped, so an interrupted grid resumes where it stopped. Executed notebooks are
written to a temporary name and renamed only once the run has succeeded: no half-written
file is ever left under a final name. ``shard=(i, n)`` runs every n-th combination, for
spreading one grid over cluster jobs that share the output folder.

Layout of ``out_dir``::

    grid.json              the grid, the notebook and the command
    records/<key>.json     one record per finished run
    notebooks/<key>.ipynb  the executed notebook of that run (notebook targets)
    failed/<key>.txt       the error of a failed run (removed when it later succeeds)

Aggregator (:func:`collect`, :func:`aggregate`, :func:`write_table`): records → one row per
run → mean ± std per group over seeds, as CSV and Markdown, optionally beside published
values.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import shlex
import socket
import sys
import traceback
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InvalidParameterError, UnknownParameterError
from .records import atomic_write_text, iter_records

RESERVED = ("record_path",)
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
KERNEL_START_ATTEMPTS = 3  # a kernel that dies while starting is retried; the run itself is not


def ipc_kernel_manager():
    """A Jupyter kernel manager that talks to its kernel over Unix sockets, not TCP.

    Parallel runs with TCP kernels may pick the same free port at the same moment and the
    loser's kernel dies at start-up (``Address already in use``). IPC socket names derive
    from a fresh random prefix per kernel, so they cannot collide.
    """
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(tempfile.gettempdir(), f"hsinb-kernel-{uuid.uuid4().hex[:16]}"))
            super().__init__(**kwargs)

    return IPCKernelManager


def _is_kernel_start_failure(exc: BaseException) -> bool:
    if type(exc).__name__ == "PapermillExecutionError":  # a cell failed: the kernel had started
        return False
    text = f"{type(exc).__name__}: {exc}"
    return any(s in text for s in ("Kernel died before replying to kernel_info",
                                   "Address already in use", "Kernel didn't respond"))


# ----------------------------------------------------------------------------- runner
def notebook_parameters(notebook: str | os.PathLike) -> dict[str, Any]:
    """Parameters declared in the notebook's ``parameters`` cell (name -> default text)."""
    import papermill as pm

    return {k: v.get("default") for k, v in pm.inspect_notebook(str(notebook)).items()}


def is_task(target: str | os.PathLike) -> bool:
    """Whether ``target`` names a task function (``"module:function"``), not a notebook."""
    text = str(target)
    return ":" in text and not text.endswith(".ipynb") and not Path(text).exists()


def load_task(target: str):
    """The function named by ``"package.module:function"``."""
    import importlib

    module, _, name = str(target).partition(":")
    try:
        func = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise UnknownParameterError(f"no task function {target!r} ({exc})") from exc
    return func


def target_parameters(target: str | os.PathLike) -> dict[str, Any]:
    """Parameters a target accepts: a notebook's parameters cell, or a task's keyword arguments."""
    if is_task(target):
        import inspect

        return {k: v.default for k, v in inspect.signature(load_task(str(target))).parameters.items()}
    return notebook_parameters(target)


def expand_grid(grid: dict[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the lists in ``grid`` (a scalar counts as a one-item list), in a
    stable order: the last key varies fastest."""
    keys = list(grid)
    values = [v if isinstance(v, (list, tuple)) else [v] for v in grid.values()]
    return [dict(zip(keys, combo)) for combo in itertools.product(*values)]


def run_key(params: dict[str, Any]) -> str:
    """File-name-safe key of a parameter combination, readable and unique."""
    parts = []
    for k in sorted(params):
        v = params[k]
        text = json.dumps(v) if isinstance(v, (list, dict)) else str(v)
        parts.append(f"{k}={text}")
    readable = "_".join(parts)
    safe = "".join(ch if ch.isalnum() or ch in "=-.+" else "_" for ch in readable)
    digest = hashlib.sha1(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"{safe[:120]}_{digest}"


@dataclass
class GridReport:
    """What :func:`run_grid` did."""

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


def default_workers() -> int:
    """Runs at once by default: half the cores (torch uses the other threads), at least 1."""
    return max(1, (os.cpu_count() or 1) // 2)


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
) -> GridReport:
    """Execute ``target`` for every combination of ``grid`` (plus ``fixed`` parameters).

    ``target`` is a notebook path (run with papermill) or a task ``"module:function"``.

    Unknown parameter names raise :class:`UnknownParameterError` before anything runs.
    Runs go through a local process pool of ``workers`` processes (default
    :func:`default_workers`); each run's torch uses ``threads_per_run`` threads (default:
    cores // workers). Each run writes its executed notebook and record under temporary
    names; both are renamed only after the run succeeded, the record last, so a record
    under its final name always means a finished run.
    """
    task = is_task(target)
    notebook = str(target) if task else Path(target).resolve()
    name = notebook if task else notebook.name
    out = Path(out_dir).resolve()
    fixed = dict(fixed or {})
    declared = target_parameters(notebook)
    reserved = sorted(k for k in {*grid, *fixed} if k in RESERVED)
    if reserved:
        raise UnknownParameterError(f"{', '.join(map(repr, reserved))} is set by the grid runner itself")
    unknown = sorted(k for k in {*grid, *fixed} if k not in declared)
    if unknown:
        import difflib

        close = sorted({c for k in unknown for c in difflib.get_close_matches(k, list(declared), n=2)})
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise UnknownParameterError(
            f"{name} has no parameter {', '.join(map(repr, unknown))}{hint} Its parameters "
            f"are: {', '.join(declared)}"
        )
    if "record_path" not in declared:
        raise UnknownParameterError(f"{name} must declare a 'record_path' parameter")
    overlap = set(grid) & set(fixed)
    if overlap:
        raise InvalidParameterError(f"parameters {sorted(overlap)} are both varied and fixed; give each once")
    combos = [{**fixed, **c} for c in expand_grid(grid)]
    if shard is not None:
        i, n = shard
        if not 0 <= i < n:
            raise InvalidParameterError(f"shard {i}/{n}: need 0 <= i < n (e.g. --shard 0/4 ... 3/4)")
        combos = combos[i::n]
    for sub in ("records", "notebooks", "failed"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    _clean_stale_tmp(out)
    atomic_write_text(out / "grid.json", json.dumps({
        "notebook": str(notebook), "grid": grid, "fixed": fixed, "shard": shard,
        "command": " ".join(shlex.quote(a) for a in sys.argv)}, indent=2, default=str) + "\n")

    report = GridReport(total=len(combos))
    todo = []
    for params in combos:
        key = run_key(params)
        if (out / "records" / f"{key}.json").exists():
            report.skipped.append(key)
        else:
            todo.append((key, params))
    workers = workers or default_workers()
    threads = threads_per_run or max(1, (os.cpu_count() or 1) // workers)
    bar = _progress(len(combos), len(report.skipped), progress)
    jobs = [(str(notebook), str(out), key, params, kernel_name, threads) for key, params in todo]
    saved_env = {v: os.environ.get(v) for v in THREAD_VARS}
    os.environ.update({v: str(threads) for v in THREAD_VARS})  # spawned workers inherit them at start
    try:
        # spawn, not fork: a caller that already runs torch threads (a notebook) cannot be forked safely
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            pending = {pool.submit(_run_one, *job): job for job in jobs}
            try:
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for f in finished:
                        job = pending.pop(f)
                        try:
                            result = f.result()
                        except BrokenProcessPool as exc:  # a worker died (memory, signal): record it, go on
                            result = _record_failure(out, job[2], job[3], f"the worker process died: {exc!r}")
                        _collect(report, result, bar)
            except KeyboardInterrupt:
                for f in pending:
                    f.cancel()
                raise
    finally:
        for v, value in saved_env.items():
            if value is None:
                os.environ.pop(v, None)
            else:
                os.environ[v] = value
        if bar is not None:
            bar.close()
    return report


def _progress(total: int, initial: int, enabled: bool):
    if not enabled or os.environ.get("CI"):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc="grid", unit="run")


def _collect(report: GridReport, result: tuple[str, str | None], bar) -> None:
    key, error = result
    if error is None:
        report.done.append(key)
    else:
        report.failed[key] = error
        print(f"grid: run {key} failed: {error.strip().splitlines()[-1] if error.strip() else error}",
              file=sys.stderr)
    if bar is not None:
        bar.update(1)


def _tmp_tag() -> str:
    return f"tmp-{socket.gethostname()}-{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale_tmp(out: Path) -> None:
    """Remove temporary files left by dead runs of this host (other hosts' shards and live
    runs keep theirs)."""
    host = socket.gethostname()
    for sub in ("notebooks", "records"):
        for p in (out / sub).glob(f".*.tmp-{host}-*"):
            pid = p.name.rsplit("-", 1)[-1].split(".")[0]
            if pid.isdigit() and not _alive(int(pid)):
                p.unlink(missing_ok=True)


def _record_failure(out: Path, key: str, params: dict[str, Any], text: str, short: str | None = None):
    """Write ``failed/<key>.txt`` (parameters and error) and return the (key, error) result."""
    atomic_write_text(Path(out) / "failed" / f"{key}.txt", json.dumps(params, default=str) + "\n" + text)
    return key, short or text


def _execute_notebook(notebook: str, out_nb: Path, parameters: dict[str, Any], kernel_name: str | None) -> None:
    """papermill, with a kernel that failed to start retried (the run itself never is)."""
    import papermill as pm

    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            pm.execute_notebook(notebook, str(out_nb), parameters=parameters, kernel_name=kernel_name,
                                progress_bar=False, cwd=str(Path(notebook).parent),
                                kernel_manager_class=ipc_kernel_manager())
            return
        except Exception as exc:
            if attempt == KERNEL_START_ATTEMPTS or not _is_kernel_start_failure(exc):
                raise


def _run_one(notebook: str, out: str, key: str, params: dict[str, Any], kernel_name: str | None,
             threads: int) -> tuple[str, str | None]:
    """Execute one combination; returns (key, None) or (key, error text)."""
    out_p = Path(out)
    tag = _tmp_tag()
    record = out_p / "records" / f"{key}.json"
    tmp_record = out_p / "records" / f".{key}.{tag}.json"
    final_nb = out_p / "notebooks" / f"{key}.ipynb"
    tmp_nb = out_p / "notebooks" / f".{key}.{tag}.ipynb"
    failed = out_p / "failed" / f"{key}.txt"
    for var in THREAD_VARS:
        os.environ[var] = str(threads)
    try:
        if is_task(notebook):
            import torch

            torch.set_num_threads(threads)
            load_task(notebook)(**params, record_path=str(tmp_record))
            tmp_nb = None
        else:
            _execute_notebook(notebook, tmp_nb, {**params, "record_path": str(tmp_record)}, kernel_name)
        if not tmp_record.exists():
            raise RuntimeError(f"the run finished without writing its record (record_path={tmp_record})")
        if tmp_nb is not None:
            os.replace(tmp_nb, final_nb)
        for side in tmp_record.parent.glob(f".{key}.{tag}.*"):  # the split saved beside the record
            if side != tmp_record:
                os.replace(side, record.parent / side.name.replace(f".{key}.{tag}", key))
        os.replace(tmp_record, record)
        failed.unlink(missing_ok=True)
        return key, None
    except Exception:  # noqa: BLE001 - any failure of a run is reported, the grid goes on
        return _record_failure(out_p, key, params, traceback.format_exc(), traceback.format_exc(limit=3))
    finally:
        for tmp in out_p.glob(f"*/.{key}.{tag}*"):
            tmp.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- aggregation
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


def format_table(agg, by: Sequence[str], metrics: Sequence[str], paper=None, digits: int = 1):
    """Strings "mean ± std" per metric, with the published value beside when ``paper`` (a
    DataFrame with some of the ``by`` columns, e.g. K, and metric columns; a ``<metric>_std``
    column adds the published spread, "value ± std") has it. The merge
    uses the ``by`` columns that ``paper`` has (a paper table has no ``scene`` column)."""
    import pandas as pd

    table = agg[list(by)].copy()
    for m in metrics:
        mean, std = agg[f"{m}_mean"], agg[f"{m}_std"]
        # one run has no spread: "± –" rather than a misleading "± 0.0"
        table[m] = [f"{a:.{digits}f} ± " + ("–" if s != s else f"{s:.{digits}f}") for a, s in zip(mean, std)]
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
        if "scene" in keys:
            # a stand-in "X-sim" sits beside the paper's real scene "X" (the table's note says
            # that the -sim numbers are simulated); other scene names match as they are
            table["_paper_scene"] = table["scene"].astype(str).str.removesuffix("-sim")
            paper = paper.rename(columns={"scene": "_paper_scene"})
            keys = ["_paper_scene" if k == "scene" else k for k in keys]
        table = table.merge(paper, on=keys, how="left").drop(columns=["_paper_scene"], errors="ignore")
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
    without metrics, bookkeeping columns and ``exclude``."""
    metric_like = ("_OA", "_AA", "_kappa", "_R2", "_MAE", "_RMSE", "wall_time")  # frames not from collect()
    metrics = {"OA", "AA", "kappa", "R2", "MAE", "RMSE", *runs.attrs.get("metric_columns", ())}
    out = {}
    for col in runs.columns:
        if col.startswith("_") or col in exclude or col in metrics or col.endswith(metric_like):
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
