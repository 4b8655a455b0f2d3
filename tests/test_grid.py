"""The grid runner (papermill notebooks or task functions; resumable, atomic) and the
aggregation of its records into tables."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest

from hsinb.errors import UnknownParameterError
from hsinb.grid import aggregate, collect, expand_grid, format_table, run_grid, run_key, to_markdown


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
    grid = {"x": [1, 2], "seed": [0, 1]}
    report = run_grid(tiny_notebook, grid, out, workers=2, progress=False)
    assert report.ok and len(report.done) == 4
    records = sorted((out / "records").glob("*.json"))
    assert len(records) == 4 and len(list((out / "notebooks").glob("*.ipynb"))) == 4
    # interrupted grid: one record missing -> only that run is redone
    records[0].unlink()
    report = run_grid(tiny_notebook, grid, out, workers=1, progress=False)
    assert len(report.done) == 1 and len(report.skipped) == 3
    assert not list((out / "notebooks").glob(".*"))  # no temporary notebooks left
    # aggregate: mean ± std over seeds
    runs = collect(out / "records")
    agg = aggregate(runs, by=["x"], metrics=["score"])
    assert agg["score_mean"].tolist() == [10.5, 20.5] and agg["n"].tolist() == [2, 2]
    paper = pd.DataFrame({"x": [1, 2], "score": [11.0, 19.0]})
    table = format_table(agg, ["x"], ["score"], paper=paper)
    assert table["score"].iloc[0] == "10.5 ± 0.7" and table["score (paper)"].iloc[1] == 19.0
    assert "| x | score | score (paper) | n |" in to_markdown(table)
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


def test_stale_temp_files_of_dead_runs_are_removed(tiny_notebook, tmp_path):
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
    run_grid(tiny_notebook, {"x": [1]}, out, progress=False)
    assert not dead.exists() and alive.exists() and other_host.exists()




def test_grid_kernels_use_distinct_ipc_sockets():
    """Parallel TCP kernels can race for one free port (CI saw 'Address already in use')."""
    from hsinb.grid import _is_kernel_start_failure, ipc_kernel_manager

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
        os._exit(3)  # the worker process dies
    Path(record_path).write_text(json.dumps({"params": {"x": x, "seed": seed}, "seed": seed,
                                             "metrics": {"y": 2 * x + seed}}))
'''


def test_grid_runs_task_functions_like_notebooks(tmp_path, monkeypatch):
    """A 'module:function' target: same records, skips, failures; no notebook, no kernel."""
    from hsinb.errors import UnknownParameterError
    from hsinb.grid import collect, run_grid

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


def test_a_dying_task_worker_is_recorded_as_failed_not_a_crash(tmp_path, monkeypatch):
    from hsinb.grid import run_grid

    (tmp_path / "hsinb_tiny_task.py").write_text(TASK_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "runs"
    report = run_grid("hsinb_tiny_task:tiny_task", {"x": [1, 99]}, out, workers=1, progress=False)
    assert len(report.done) == 1 and len(report.failed) == 1
    (key, why), = report.failed.items()
    assert "x=99" in key and "died" in why
    assert (out / "failed" / f"{key}.txt").is_file() and not (out / "records" / f"{key}.json").exists()


def test_a_standin_sits_beside_the_papers_real_scene():
    agg = pd.DataFrame({"scene": ["paviaU-sim", "salinas_a"], "K": [0, 0], "OA_mean": [80.0, 90.0],
                        "OA_std": [1.0, 2.0], "n": [5, 5]})
    paper = pd.DataFrame({"scene": ["paviaU", "houston2013"], "OA": [88.4, 77.6]})
    table = format_table(agg, ["scene", "K"], ["OA"], paper=paper)
    assert table["scene"].tolist() == ["paviaU-sim", "salinas_a"]
    assert table["OA (paper)"].iloc[0] == 88.4 and table["OA (paper)"].isna().iloc[1]


def test_a_published_spread_sits_beside_the_published_value():
    agg = pd.DataFrame({"backbone": ["luo", "li"], "R2_mean": [0.9, 0.8], "R2_std": [0.01, 0.02],
                        "MAE_mean": [0.05, 0.06], "MAE_std": [0.01, 0.01], "n": [5, 5]})
    paper = pd.DataFrame({"backbone": ["luo", "li"], "R2": [0.59, 0.55], "R2_std": [0.02, float("nan")],
                          "MAE": [0.48, 0.52]})
    table = format_table(agg, ["backbone"], ["R2", "MAE"], paper=paper, digits=3)
    assert table["R2 (paper)"].tolist() == ["0.59 ± 0.02", "0.55"]
    assert table["MAE (paper)"].tolist() == [0.48, 0.52]  # no spread published: the value as it is
    assert "R2_std" not in table.columns


def test_shared_settings_never_list_a_metric(tmp_path):
    from hsinb.grid import constant_parameters

    for i in range(2):
        rec = {"params": {"backbone": "luo", "seed": i}, "metrics": {"MAE_sum": 0.3, "R2": 0.5 + i}}
        (tmp_path / f"r{i}.json").write_text(json.dumps(rec))
    assert constant_parameters(collect(tmp_path), exclude=["seed"]) == {"backbone": "luo"}


def test_time_from_records_projects_the_whole_grid_from_each_cells_mean(tmp_path):
    import json

    from hsinb.grid import time_from_records

    recs = tmp_path / "records"
    recs.mkdir()
    runs = [("luo", "none", 10.0), ("luo", "none", 14.0), ("luo", "spectral", 30.0), ("li", "none", 100.0),
            ("atik", "none", 7.0)]  # atik is not planned: ignored
    for i, (b, t, s) in enumerate(runs):
        (recs / f"r{i}.json").write_text(json.dumps({"params": {"backbone": b, "transforms": t, "seed": i},
                                                     "metrics": {}, "wall_time_s": s}))
    planned = {"backbone": ["luo", "li"], "transforms": ["none", "spectral"]}
    table, summary = time_from_records(recs, planned, runs_per_cell=5, workers=2)
    cell = table.set_index(["backbone", "transforms"])
    assert cell.loc[("luo", "none"), "n"] == 2 and cell.loc[("luo", "none"), "mean_s"] == 12.0
    assert cell.loc[("li", "spectral"), "n"] == 0  # planned, not run yet
    assert summary["runs"] == 4 and summary["ignored"] == 1 and summary["planned_runs"] == 20
    assert summary["core_s"] == 154.0 and summary["projected_wall_s"] is None  # a cell has no run
    (recs / "r9.json").write_text(json.dumps({"params": {"backbone": "li", "transforms": "spectral", "seed": 0},
                                              "metrics": {}, "wall_time_s": 200.0}))
    _, summary = time_from_records(recs, planned, runs_per_cell=5, workers=2)
    assert summary["projected_core_s"] == 5 * (12 + 30 + 100 + 200)
    assert summary["projected_wall_s"] == summary["projected_core_s"] / 2


def test_time_from_records_costs_one_grid_across_several_folders(tmp_path):
    import json

    from hsinb.grid import time_from_records

    for scene, seconds in (("samson", 10.0), ("synthetic-c", 30.0)):
        recs = tmp_path / scene
        recs.mkdir()
        for seed in range(2):
            (recs / f"r{seed}.json").write_text(json.dumps(
                {"params": {"scene": scene, "backbone": "luo", "seed": seed}, "metrics": {},
                 "wall_time_s": seconds + seed}))
    planned = {"scene": ["samson", "synthetic-c"], "backbone": ["luo"]}
    table, summary = time_from_records([tmp_path / "samson", tmp_path / "synthetic-c"], planned,
                                       runs_per_cell=3, workers=2)
    assert list(table["n"]) == [2, 2] and list(table["mean_s"]) == [10.5, 30.5]
    assert summary["core_s"] == 82.0 and summary["planned_runs"] == 6
    assert summary["projected_core_s"] == 3 * (10.5 + 30.5)
    _, one = time_from_records(tmp_path / "samson", planned, runs_per_cell=3, workers=2)
    assert one["runs"] == 2 and one["projected_wall_s"] is None  # synthetic-c planned, not in this folder
