"""One run of a grid: execute a notebook (papermill) or a task function with one parameter
combination, and commit its record atomically.

This is the function every executor ships to its workers (a local process, a Dask worker
on this machine or on a cluster node). It never raises for a failing run: the error comes
back as text and is written to ``failed/<key>.txt``. Files are written under temporary
names tagged with the host and process, and the record is committed last and only once
(``os.link`` refuses an existing name): a record under its final name always means a
finished run, and when two workers finish the same combination the first one's record
stays and the second one's is discarded.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UnknownParameterError
from ..records import atomic_write_text

RESERVED = ("record_path",)
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
KERNEL_START_ATTEMPTS = 3  # a kernel that dies while starting is retried; the run itself is not


@dataclass(frozen=True)
class Job:
    """One combination to run: ``target`` (notebook path or ``"module:function"``), the grid
    folder ``out``, the combination's ``key`` and ``params``, and the torch threads it may use
    (an int, or ``{worker address: threads}`` when a Dask scheduler decides where it runs)."""

    target: str
    out: str
    key: str
    params: dict[str, Any]
    threads: int | None = 1
    kernel_name: str | None = None


@dataclass(frozen=True)
class Result:
    """What a run returned: ``error`` is None for a committed record, else the error text;
    ``wall_s`` is the run's own wall time in seconds."""

    key: str
    error: str | None
    wall_s: float
    host: str = ""


# ----------------------------------------------------------------------------- targets
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


def notebook_parameters(notebook: str | os.PathLike) -> dict[str, Any]:
    """Parameters declared in the notebook's ``parameters`` cell (name -> default text)."""
    import papermill as pm

    return {k: v.get("default") for k, v in pm.inspect_notebook(str(notebook)).items()}


def target_parameters(target: str | os.PathLike) -> dict[str, Any]:
    """Parameters a target accepts: a notebook's parameters cell, or a task's keyword arguments."""
    if is_task(target):
        import inspect

        return {k: v.default for k, v in inspect.signature(load_task(str(target))).parameters.items()}
    return notebook_parameters(target)


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


# ----------------------------------------------------------------------------- notebooks
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


# ----------------------------------------------------------------------------- files
def tmp_tag() -> str:
    """The tag of this process's temporary files: host and process id."""
    return f"tmp-{socket.gethostname()}-{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_tmp(out: Path) -> None:
    """Remove temporary files left by dead runs of this host (other hosts' runs and live
    runs keep theirs)."""
    host = socket.gethostname()
    for sub in ("notebooks", "records"):
        for p in (Path(out) / sub).glob(f".*.tmp-{host}-*"):
            pid = p.name.rsplit("-", 1)[-1].split(".")[0]
            if pid.isdigit() and not _alive(int(pid)):
                p.unlink(missing_ok=True)


def record_failure(out: str | os.PathLike, key: str, params: dict[str, Any], text: str) -> None:
    """Write ``failed/<key>.txt``: the parameters and the error."""
    atomic_write_text(Path(out) / "failed" / f"{key}.txt", json.dumps(params, default=str) + "\n" + text)


def _commit_once(tmp: Path, final: Path) -> bool:
    """Give ``tmp`` the name ``final`` unless a file has it already (the first run to finish
    wins); ``tmp`` is removed either way. Returns whether ours was committed."""
    try:
        os.link(tmp, final)
        committed = True
    except FileExistsError:
        committed = False
    except OSError:  # a file system without hard links: replace, still atomic
        if final.exists():
            committed = False
        else:
            os.replace(tmp, final)
            return True
    tmp.unlink(missing_ok=True)
    return committed


def threads_on_this_worker() -> int:
    """Torch threads for a run on the Dask worker that executes it: a worker that declares
    the resource ``run`` (one run at a time, as the clusters :mod:`.executors` builds) gives
    its run all of its ``nthreads``; a worker that runs ``nthreads`` tasks at once gives each
    one thread, so that runs never oversubscribe its cores."""
    from distributed import get_worker

    state = get_worker().state
    return int(state.nthreads) if "run" in state.total_resources else 1


def _threads_here(threads: int | None) -> int:
    return threads if threads is not None else threads_on_this_worker()


def _use_threads(n: int) -> None:
    """Limit BLAS and torch to ``n`` threads in this process (before and after torch loads)."""
    for var in THREAD_VARS:
        os.environ[var] = str(n)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)


# ----------------------------------------------------------------------------- one run
def run_one(job: Job) -> Result:
    """Execute one combination and commit its record; never raises for a failing run."""
    start = time.perf_counter()
    out = Path(job.out)
    key, tag = job.key, tmp_tag()
    record = out / "records" / f"{key}.json"
    tmp_record = out / "records" / f".{key}.{tag}.json"
    final_nb = out / "notebooks" / f"{key}.ipynb"
    tmp_nb = out / "notebooks" / f".{key}.{tag}.ipynb"
    _use_threads(_threads_here(job.threads))
    host = socket.gethostname()
    try:
        if record.exists():  # another worker finished it meanwhile
            return Result(key, None, 0.0, host)
        if is_task(job.target):
            func = load_task(job.target)
            _use_threads(_threads_here(job.threads))  # torch may have loaded with the task
            func(**job.params, record_path=str(tmp_record))
            tmp_nb = None
        else:
            _execute_notebook(job.target, tmp_nb, {**job.params, "record_path": str(tmp_record)}, job.kernel_name)
        if not tmp_record.exists():
            raise RuntimeError(f"the run finished without writing its record (record_path={tmp_record})")
        if tmp_nb is not None:
            os.replace(tmp_nb, final_nb)
        for side in tmp_record.parent.glob(f".{key}.{tag}.*"):  # the split saved beside the record
            if side != tmp_record:
                os.replace(side, record.parent / side.name.replace(f".{key}.{tag}", key))
        _commit_once(tmp_record, record)
        (out / "failed" / f"{key}.txt").unlink(missing_ok=True)
        return Result(key, None, time.perf_counter() - start, host)
    except Exception:  # noqa: BLE001 - any failure of a run is reported, the grid goes on
        record_failure(out, key, job.params, traceback.format_exc())
        return Result(key, traceback.format_exc(limit=3), time.perf_counter() - start, host)
    finally:
        for tmp in out.glob(f"*/.{key}.{tag}*"):
            tmp.unlink(missing_ok=True)
