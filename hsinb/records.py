"""What a run leaves behind: one JSON record, written atomically.

A record holds the parameters, seed, split (identity hash, method, sizes and, for small
training sets, the training and validation pixel ids themselves), metrics, the versions of
the packages and the git commit of this repo, the device, the wall time and when it ran.
Records are the only source of reported numbers: tables are aggregated from them. The full
split (test pixels included) is also written beside the record as ``<record>.split.npz``;
those files stay out of git (the record's ids and hash identify the split).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without error the
    temporary file replaces ``path`` in one step (``os.replace``), otherwise it is removed.
    Readers see the old file or the whole new one, never half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    return Path(path)


def git_commit(repo: str | os.PathLike = REPO_ROOT) -> dict[str, Any]:
    """The repo's HEAD commit and whether the work tree has uncommitted changes."""
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip() != ""
        return {"commit": head, "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def environment() -> dict[str, Any]:
    """Versions of Python, hsinb and its main dependencies, and the host."""
    import torch

    from . import __version__

    versions = {"python": platform.python_version(), "hsinb": __version__, "torch": torch.__version__,
                "numpy": np.__version__}
    for mod in ("scipy", "sklearn"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            pass
    return {"versions": versions, "host": platform.node(), "platform": platform.platform()}


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, Path):
        return str(x)
    if hasattr(x, "item") and hasattr(x, "numel") and x.numel() == 1:  # 0-d tensor
        return x.item()
    return x


class RunTimer:
    """Wall-clock timer for a run: ``t = RunTimer(); ...; t.seconds``."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.started_at = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start


def make_record(
    params: dict[str, Any],
    metrics: dict[str, Any],
    seed: int | None = None,
    split: dict[str, Any] | None = None,
    device: str | None = None,
    timer: RunTimer | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble a record (see the module docstring); ``split`` is ``Split.describe()``."""
    rec = {
        "params": params,
        "seed": seed if seed is not None else params.get("seed"),
        "split": split,
        "metrics": metrics,
        "device": device,
        "wall_time_s": None if timer is None else round(timer.seconds, 3),
        "started_at": None if timer is None else timer.started_at,
        "finished_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "git": git_commit(),
        **environment(),
    }
    if extra:
        rec["extra"] = extra
    return _jsonable(rec)


def write_record(path: str | os.PathLike, record: dict[str, Any]) -> Path:
    """Write ``record`` as indented JSON to ``path``, atomically."""
    return atomic_write_text(path, json.dumps(_jsonable(record), indent=2, sort_keys=False) + "\n")


def read_record(path: str | os.PathLike) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def iter_records(folder: str | os.PathLike) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(path, record) for every ``*.json`` record under ``folder`` (recursively), sorted."""
    for p in sorted(Path(folder).rglob("*.json")):
        if p.name.startswith("."):
            continue
        yield p, read_record(p)


def record_folders(records: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """One records folder or several (a step over every cube's grid), as the list of those
    that exist: a grid not run yet is skipped, not an error."""
    folders = [records] if isinstance(records, (str, os.PathLike)) else list(records)
    return [Path(f) for f in folders if Path(f).is_dir()]


def records_in(records: str | os.PathLike | Iterable[str | os.PathLike]) -> list[dict[str, Any]]:
    """Every record under one or several folders (:func:`record_folders`, :func:`iter_records`)."""
    return [rec for folder in record_folders(records) for _, rec in iter_records(folder)]


#: training + validation pixels up to which a record lists their ids (few-shot splits: always)
MAX_LISTED_PIXELS = 20000


def split_summary(split) -> dict[str, Any] | None:
    """``Split.describe()`` plus the training and validation pixel ids (flat ``row * W + col``)
    when there are at most :data:`MAX_LISTED_PIXELS` of them."""
    if split is None:
        return None
    out = split.describe()
    if split.train.size + split.val.size <= MAX_LISTED_PIXELS:
        out["train_pixels"] = split.train.tolist()
        out["val_pixels"] = split.val.tolist()
    return out


def save_run(
    record_path: str | os.PathLike | None,
    params: dict[str, Any],
    metrics: dict[str, Any],
    split=None,
    device: str | None = None,
    timer: RunTimer | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Make the run's record; when ``record_path`` is given, write it there and save the
    split beside it (``<record>.split.npz``). Returns the record. The one call a notebook
    makes at its end."""
    rec = make_record(params, metrics, seed=params.get("seed"), split=split_summary(split), device=device,
                      timer=timer, extra=extra)
    if record_path:
        record_path = Path(record_path)
        if split is not None:
            split.save(record_path.with_name(record_path.stem + ".split.npz"))
        write_record(record_path, rec)
    return rec
