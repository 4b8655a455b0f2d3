"""The grid runner: papermill notebooks or task functions; resumable, atomic, fault-tolerant."""

from __future__ import annotations

import json

import nbformat
import pytest

from hsinb.errors import UnknownParameterError
from hsinb.runner import run_grid, run_key
from hsinb.tables import collect, expand_grid


def test_expand_and_keys():
    combos = expand_grid({"K": [5, 6], "seed": [0, 1, 2], "model": "2d"})
    assert len(combos) == 6 and combos[1] == {"K": 5, "seed": 1, "model": "2d"}
    keys = {run_key(c) for c in combos}
    assert len(keys) == 6 and all("/" not in k for k in keys)


NOTEBOOK_SOURCE = [
    ("x = 1\nseed = 0\nfail = False\nrecord_path = None", ["parameters"]),
    (
        "from hsinb.records import make_record, write_record\n"
        "assert not fail, 'asked to fail'\n"
        "if record_path:\n"
        "    write_record(record_path, make_record({'x': x, 'seed': seed}, {'score': x * 10 + seed}))",
        [],
    ),
]


@pytest.fixture
def tiny_notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, metadata={"tags": tags}) for src, tags in NOTEBOOK_SOURCE]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.notebooks
def test_grid_runs_resumes_and_aggregates(tiny_notebook, tmp_path):
    out = tmp_path / "runs"
    grid = {"x": [1, 2], "seed": [1]}  # each run starts a kernel (seconds): few runs
    report = run_grid(tiny_notebook, grid, out, workers=2, progress=False)
    assert report.ok and len(report.done) == 2
    records = sorted((out / "records").glob("*.json"))
    assert len(records) == 2 and len(list((out / "notebooks").glob("*.ipynb"))) == 2
    # interrupted grid: one record missing -> only that run is redone
    records[0].unlink()
    report = run_grid(tiny_notebook, grid, out, workers=1, progress=False)
    assert len(report.done) == 1 and len(report.skipped) == 1
    assert not list((out / "notebooks").glob(".*"))  # no temporary notebooks left
    assert sorted(collect(out / "records")["score"]) == [11, 21]
    spec = json.loads((out / "grid.json").read_text())
    assert spec["grid"] == grid


@pytest.mark.notebooks
def test_grid_failure_is_reported_not_recorded(tiny_notebook, tmp_path):
    out = tmp_path / "runs"
    report = run_grid(tiny_notebook, {"fail": [True]}, out, progress=False)
    assert not report.ok and len(report.failed) == 1
    assert not list((out / "records").glob("*.json"))
    assert "asked to fail" in next((out / "failed").glob("*.txt")).read_text()
    assert not list((out / "notebooks").iterdir())


def test_grid_reserved_parameter(tiny_notebook, tmp_path):
    with pytest.raises(UnknownParameterError, match="set by the grid runner"):
        run_grid(tiny_notebook, {"record_path": ["x"]}, tmp_path / "runs", progress=False)


def test_grid_unknown_parameter(tiny_notebook, tmp_path):
    with pytest.raises(UnknownParameterError, match="no parameter 'K'.*x, seed, fail, record_path"):
        run_grid(tiny_notebook, {"K": [5]}, tmp_path / "runs", progress=False)


def test_stale_temp_files_of_dead_runs_are_removed(tiny_task, tmp_path):
    import socket

    out = tmp_path / "runs"
    (out / "notebooks").mkdir(parents=True)
    (out / "records").mkdir()
    host = socket.gethostname()
    dead = out / "notebooks" / f".k.tmp-{host}-999999.ipynb"  # no such pid
    alive = out / "notebooks" / f".k.tmp-{host}-{__import__('os').getpid()}.ipynb"
    other_host = out / "records" / ".k.tmp-elsewhere-1.json"
    for p in (dead, alive, other_host):
        p.write_text("{}")
    run_grid(tiny_task, {"x": [1]}, out, progress=False)
    assert not dead.exists() and alive.exists() and other_host.exists()




def test_grid_kernels_use_distinct_ipc_sockets():
    """Parallel TCP kernels can race for one free port (CI saw 'Address already in use')."""
    from hsinb.runner.run_one import _is_kernel_start_failure, ipc_kernel_manager

    cls = ipc_kernel_manager()
    a, b = cls(kernel_name="python3"), cls(kernel_name="python3")
    assert a.transport == b.transport == "ipc"
    assert a.ip != b.ip
    assert _is_kernel_start_failure(RuntimeError("Kernel died before replying to kernel_info"))
    assert not _is_kernel_start_failure(AssertionError("asked to fail"))


TASK_MODULE = '''
import json
from pathlib import Path


def tiny_task(x=1, seed=0, record_path=None):
    """Writes a record like a notebook would."""
    if x < 0:
        raise ValueError("asked to fail")
    if x == 99:
        import os
        os._exit(3)  # the worker process dies, every time
    if x == 98:
        import os
        marker = Path(record_path).parent.parent / "died-once"
        if not marker.exists():
            marker.write_text("")
            os._exit(3)  # the worker process dies the first time only
    Path(record_path).write_text(json.dumps({"params": {"x": x, "seed": seed}, "seed": seed,
                                             "metrics": {"y": 2 * x + seed}}))
'''


def test_grid_runs_task_functions_like_notebooks(tmp_path, monkeypatch):
    """A 'module:function' target: same records, skips, failures; no notebook, no kernel."""
    from hsinb.errors import UnknownParameterError

    (tmp_path / "hsinb_tiny_task.py").write_text(TASK_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "runs"
    report = run_grid("hsinb_tiny_task:tiny_task", {"x": [1, 2, -1], "seed": [0]}, out, workers=1, progress=False)
    assert len(report.done) == 2 and len(report.failed) == 1
    assert not list((out / "notebooks").iterdir())
    runs = collect(out)
    assert sorted(runs["y"]) == [2, 4]
    again = run_grid("hsinb_tiny_task:tiny_task", {"x": [1, 2], "seed": [0]}, out, workers=1, progress=False)
    assert len(again.skipped) == 2 and not again.done
    with pytest.raises(UnknownParameterError, match="no parameter 'z'"):
        run_grid("hsinb_tiny_task:tiny_task", {"z": [1]}, out, progress=False)
    with pytest.raises(UnknownParameterError, match="no task function"):
        run_grid("hsinb_tiny_task:nothing", {"x": [1]}, out, progress=False)


@pytest.fixture
def tiny_task(tmp_path, monkeypatch):
    (tmp_path / "hsinb_tiny_task.py").write_text(TASK_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    return "hsinb_tiny_task:tiny_task"


def test_a_worker_that_dies_once_loses_only_that_try(tiny_task, tmp_path):
    """The local pool restarts after a dead worker and tries its runs again: all recorded."""
    out = tmp_path / "runs"
    report = run_grid(tiny_task, {"x": [1, 98, 2]}, out, workers=1, progress=False)
    assert report.ok and len(report.done) == 3, report.failed
    assert (out / "died-once").exists()  # the first try did die
    assert len(list((out / "records").glob("*.json"))) == 3
    assert not [p for p in (out / "records").iterdir() if p.name.startswith(".")]  # no temporary left


def test_a_worker_that_always_dies_is_recorded_as_failed_after_bounded_attempts(tiny_task, tmp_path):
    out = tmp_path / "runs"
    report = run_grid(tiny_task, {"x": [1, 99]}, out, workers=1, progress=False, attempts=2)
    assert len(report.done) == 1 and len(report.failed) == 1
    (key, why), = report.failed.items()
    assert "x=99" in key and "died in each of 2 attempts" in why
    assert (out / "failed" / f"{key}.txt").is_file() and not (out / "records" / f"{key}.json").exists()


def test_a_record_under_another_name_counts_as_done(tiny_task, tmp_path):
    """Records are recognised by their parameters, also those made before a parameter existed."""
    out = tmp_path / "runs"
    (out / "records").mkdir(parents=True)
    (out / "records" / "old-name.json").write_text(json.dumps({"params": {"x": 1}, "metrics": {"y": 2}}))
    report = run_grid(tiny_task, {"x": [1, 2], "seed": [0]}, out, workers=1, progress=False,
                      recorded_before={"seed": 0})
    assert report.skipped and len(report.done) == 1  # x=1 was recorded without a seed: seed 0
    report = run_grid(tiny_task, {"x": [1], "seed": [1]}, out, workers=1, progress=False,
                      recorded_before={"seed": 0})
    assert len(report.done) == 1  # seed 1 was not


def test_the_first_record_of_a_combination_wins(tmp_path):
    """Two workers finishing the same combination: one record, the first, and no temporary."""
    from hsinb.runner.run_one import _commit_once

    final = tmp_path / "k.json"
    first, second = tmp_path / ".k.tmp-a-1.json", tmp_path / ".k.tmp-b-2.json"
    first.write_text('{"who": "first"}')
    second.write_text('{"who": "second"}')
    assert _commit_once(first, final) and not _commit_once(second, final)
    assert json.loads(final.read_text())["who"] == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.json"]


def test_progress_counts_and_eta_from_the_records_wall_times():
    from hsinb.runner.progress import Progress

    bar = Progress(total=10, skipped=4, slots=2, recorded_wall_s=[100.0, 300.0])
    assert bar.remaining == 6 and bar.running == 2 and bar.eta_s() == 6 * 200 / 2
    import io

    bar.stream = io.StringIO()
    bar.finished(200.0, ok=True)
    bar.finished(5.0, ok=False)
    line = bar.stream.getvalue().splitlines()[-1]
    assert "5/10 recorded" in line and "failed 1" in line and "remaining 4" in line and "ETA" in line


