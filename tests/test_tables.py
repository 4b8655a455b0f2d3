"""Records → tables: mean ± std per group, the paper's values beside, shared settings."""

from __future__ import annotations

import json

import pandas as pd

from hsinb.tables import aggregate, collect, format_table, to_markdown


def _write_runs(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for x in (1, 2):
        for seed in (0, 1):
            rec = {"params": {"x": x, "seed": seed}, "metrics": {"score": x * 10 + seed}}
            (folder / f"x{x}_s{seed}.json").write_text(json.dumps(rec))


def test_mean_and_std_over_seeds_beside_the_paper(tmp_path):
    _write_runs(tmp_path)
    agg = aggregate(collect(tmp_path), by=["x"], metrics=["score"])
    assert agg["score_mean"].tolist() == [10.5, 20.5] and agg["n"].tolist() == [2, 2]
    paper = pd.DataFrame({"x": [1, 2], "score": [11.0, 19.0]})
    table = format_table(agg, ["x"], ["score"], paper=paper)
    assert table["score"].iloc[0] == "10.5 ± 0.7" and table["score (paper)"].iloc[1] == 19.0
    assert "| x | score | score (paper) | n |" in to_markdown(table)


def test_without_a_key_mapping_a_standin_has_no_paper_value():
    agg = pd.DataFrame({"scene": ["paviaU-sim"], "K": [0], "OA_mean": [80.0], "OA_std": [1.0], "n": [5]})
    paper = pd.DataFrame({"scene": ["paviaU"], "OA": [88.4]})
    assert format_table(agg, ["scene", "K"], ["OA"], paper=paper)["OA (paper)"].isna().all()


def test_tables_is_a_leaf_module():
    """Any layer may import hsinb.tables: it imports nothing of the package but records and errors."""
    import ast
    from pathlib import Path

    import hsinb.tables as t

    tree = ast.parse(Path(t.__file__).read_text())
    inner = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0}
    assert inner <= {"errors", "records"}, inner


def test_a_standin_sits_beside_the_papers_real_scene():
    from hsinb.scenes import stands_in_for

    agg = pd.DataFrame({"scene": ["paviaU-sim", "salinas_a"], "K": [0, 0], "OA_mean": [80.0, 90.0],
                        "OA_std": [1.0, 2.0], "n": [5, 5]})
    paper = pd.DataFrame({"scene": ["paviaU", "houston2013"], "OA": [88.4, 77.6]})
    table = format_table(agg, ["scene", "K"], ["OA"], paper=paper, paper_keys={"scene": stands_in_for})
    assert table["scene"].tolist() == ["paviaU-sim", "salinas_a"]  # our names stay
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
    from hsinb.tables import constant_parameters

    for i in range(2):
        rec = {"params": {"backbone": "luo", "seed": i}, "metrics": {"MAE_sum": 0.3, "R2": 0.5 + i}}
        (tmp_path / f"r{i}.json").write_text(json.dumps(rec))
    assert constant_parameters(collect(tmp_path), exclude=["seed"]) == {"backbone": "luo"}


def test_time_from_records_projects_the_whole_grid_from_each_cells_mean(tmp_path):
    import json

    from hsinb.tables import time_from_records

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

    from hsinb.tables import time_from_records

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


def test_select_keeps_the_runs_with_the_given_values_and_missing_metrics_show_a_dash():
    import pytest

    from hsinb.errors import UnknownParameterError
    from hsinb.tables import select

    runs = pd.DataFrame({"method": ["scratch", "scratch", "self-sup", "self-sup", "self-sup"],
                         "p": [5, 5, 5, 5, 3], "OA": [30.0, 32.0, 35.0, 37.0, 50.0],
                         "svm_OA": [16.0, 18.0, None, None, None]})
    kept = select(runs, {"p": 5})
    assert len(kept) == 4 and len(select(runs, {"p": [3, 5]})) == 5
    with pytest.raises(UnknownParameterError, match="columns"):
        select(runs, {"q": 1})
    table = format_table(aggregate(kept, ["method"], ["OA", "svm_OA"]), ["method"], ["OA", "svm_OA"])
    assert list(table["svm_OA"]) == ["17.0 ± 1.4", "—"] and list(table["OA"]) == ["31.0 ± 1.4", "36.0 ± 1.4"]
