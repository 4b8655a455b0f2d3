"""Declared experiments: every file loads, its task takes its parameters, the committed
records are recognised, and tables build from a spec."""

from __future__ import annotations

import json

import pytest

from hsinb.errors import InvalidParameterError, UnknownParameterError
from hsinb.runner.catalog import (
    build_tables,
    check_experiment,
    default_results,
    list_names,
    load_experiment,
    run_experiment,
)

EVERY_GRID = {"A1_paviaU-sim", "A2_houston2013-sim", "A3_official_maps", "A4_paviaU-sim_1d", "A_real",
              "A_pair_matrix_paviaU-sim", "C_sweep_synthetic-c-val", "C1-C4", "C_baselines"}


def test_every_grid_of_the_study_is_declared():
    assert EVERY_GRID <= set(list_names())


@pytest.mark.parametrize("name", list_names())
def test_each_declared_experiment_loads_and_its_task_takes_its_parameters(name):
    exp = load_experiment(name)
    check_experiment(exp)  # raises on a parameter the task does not take
    assert exp.description and exp.plan(default_results())


@pytest.mark.parametrize("name, planned", [("C1-C4", 200), ("C_baselines", 78), ("C_sweep_synthetic-c-val", 24),
                                           ("A_pair_matrix_paviaU-sim", 230), ("A_real", 180),
                                           ("A1_paviaU-sim", 30)])
def test_the_committed_records_are_recognised_as_done(name, planned):
    """The records the Makefile grids made are the declared experiments' records: none reruns."""
    status = load_experiment(name).status(default_results())
    assert status["planned"] == planned and status["recorded"] == planned and status["missing"] == 0


def test_paths_and_titles_take_the_parameters_values():
    exp = load_experiment("A_real")
    folders = {p.out.name for p in exp.plan(default_results())}
    assert folders == {f"A_real_{s}_{m}" for s in ("salinas_a", "indian_pines_subset", "samson") for m in ("2d", "1d")}
    only = exp.plan(default_results(), only={"scene": "samson", "K": 5})
    assert len(only) == 10 and all(p.params["scene"] == "samson" and p.params["K"] == 5 for p in only)


def test_order_by_runs_every_grid_of_one_cube_and_seed_before_the_next():
    """A_paper_real: the runs that share a (non-committed) cached encoder finish together
    (one cube and seed at a time), each starting with the two K = 5 runs that pre-train its
    2-D and 1-D encoders, then every 1-D run (so the second worker never waits on the 2-D lock)."""
    planned = load_experiment("A_paper_real").plan(default_results())
    groups = [(p.params["seed"], p.params["scene"]) for p in planned]
    assert len(planned) == 240 and groups == sorted(groups)
    assert len({g for g in groups}) == 15 and groups.count(groups[0]) == 16
    first = planned[:16]
    assert [(p.params["model"], p.params["K"]) for p in first[:2]] == [("2d", 5), ("1d", 5)]
    assert all(p.params["checkpoint_epochs"] and p.params["split"] == "random" for p in first[:2])
    models = [p.params["model"] for p in first[1:]]
    assert models == ["1d"] * 8 + ["2d"] * 7


def test_a_typo_in_a_name_or_a_spec_is_refused_clearly(tmp_path):
    with pytest.raises(UnknownParameterError, match="Did you mean 'A_real'"):
        load_experiment("A_rael")
    bad = tmp_path / "bad.toml"
    bad.write_text('description = "x"\ntask = "m:f"\n[[grids]]\nout = "runs/x"\nparamz = {}\n')
    with pytest.raises(InvalidParameterError, match=r"unknown keys \['paramz'\]"):
        load_experiment(bad)


TASK = '''
import json
from pathlib import Path


def task(x=1, seed=0, record_path=None):
    Path(record_path).write_text(json.dumps({"params": {"x": x, "seed": seed}, "seed": seed,
                                             "metrics": {"y": 10 * x + seed}, "wall_time_s": 0.1}))
'''


def test_a_spec_of_your_own_runs_resumes_and_builds_its_tables(tmp_path, monkeypatch):
    (tmp_path / "hsinb_spec_task.py").write_text(TASK)
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = tmp_path / "mine.toml"
    spec.write_text('''description = "a toy"
task = "hsinb_spec_task:task"

[[grids]]
out = "runs/toy_{x}"
params = { x = [1, 2], seed = [0, 1, 2] }

[[tables]]
foreach = { x = [1, 2] }
records = "runs/toy_{x}"
out = "tables/toy_{x}"
by = ["x"]
metrics = ["y"]
title = "toy {x}"
''')
    results = tmp_path / "results"
    report = run_experiment(str(spec), results=results, workers=2, progress=False)
    assert report.ok and len(report.done) == 6
    assert json.loads((results / "runs/toy_1/grid.json").read_text())["experiment"] == "mine"
    (results / "runs/toy_2/records").joinpath(next(iter(sorted(p.name for p in (results / "runs/toy_2/records").glob("*.json"))))).unlink()
    again = run_experiment(str(spec), results=results, workers=1, progress=False)
    assert len(again.done) == 1 and len(again.skipped) == 5
    written = build_tables(str(spec), results=results)
    md = (results / "tables/toy_1.md").read_text()
    assert "# toy 1" in md and "11.0 ± 1.0" in md and len(written) == 4


def test_a_mistyped_only_name_says_did_you_mean(tmp_path):
    import pytest

    from hsinb.errors import UnknownParameterError
    from hsinb.runner.catalog import run_experiment

    with pytest.raises(UnknownParameterError, match="'scen'.*Did you mean 'scene'"):
        run_experiment("A_real", results=tmp_path, only={"scen": "samson"})
