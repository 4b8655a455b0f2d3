"""The README's results block is generated from results files."""

from __future__ import annotations

import json

import pytest

from hsinb.report import END, START, update_readme


def test_update_readme_from_results(tmp_path):
    res = tmp_path / "results"
    (res / "calibration").mkdir(parents=True)
    (res / "bench").mkdir()
    metrics = {"scene": "x-sim", "target_OA": 75.0, "difficulty": 1.5, "found": "interpolated",
               "check_OA_mean": 74.0, "check_OA_std": 2.0, "ladder": [1, 2], "ladder_mean_OA": [80.0, 70.0]}
    (res / "calibration" / "x-sim.json").write_text(json.dumps({"metrics": metrics}))
    (res / "bench" / "b.md").write_text("## bench b\n\n42 things/s")
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START}\nSTALE-BLOCK-7f3a\n{END}\noutro\n")
    update_readme(readme, res)
    text = readme.read_text()
    assert "STALE-BLOCK-7f3a" not in text and text.startswith("intro") and text.endswith("outro\n")
    assert "| experiment | headline" in text  # the summary table
    full = (res / "README.md").read_text()  # the full block: calibration and benchmarks
    assert "| x-sim | 75.0 | 1.5, interpolated | 74.0 ± 2.0 (near target) | 1: 80.0, 2: 70.0 |" in full
    assert "42 things/s" in full
    readme.write_text("no markers")
    with pytest.raises(ValueError, match="results:start"):
        update_readme(readme, res)


def test_readme_block_is_up_to_date():
    """README.md's results block is exactly what `hsinb report` makes from results/."""
    import re

    from hsinb.records import REPO_ROOT
    from hsinb.report import results_block

    text = (REPO_ROOT / "README.md").read_text()
    block = re.search(re.escape(START) + ".*?" + re.escape(END), text, flags=re.S).group(0)
    assert block == results_block(), "run `hsinb report --readme README.md` and commit"


def test_results_readme_is_up_to_date_and_the_readme_stays_short():
    from hsinb.records import REPO_ROOT
    from hsinb.report import results_readme

    assert (REPO_ROOT / "results" / "README.md").read_text() == results_readme(), "run `hsinb report --readme README.md`"
    assert len((REPO_ROOT / "README.md").read_text().splitlines()) <= 250


def test_summary_quotes_the_row_its_entry_names(tmp_path, monkeypatch):
    from hsinb.report import summary_table
    from hsinb.runner import catalog

    declared = tmp_path / "declared"
    declared.mkdir()
    (declared / "X.toml").write_text(
        'task = "hsinb.experiments.method_b:method_b_task"\n[[grids]]\nout = "runs/X"\nparams = { seed = [0] }\n'
        '[[summary]]\nlabel = "X"\ntable = "tables/X"\nrow = { K = 5 }\nmetric = "OA"\nheadline = "OA at K = 5"\n'
        'verdict = "tables/X_verdicts"\n')
    monkeypatch.setattr(catalog, "DECLARED", declared)
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "X.csv").write_text("K,OA,OA (paper),n\n5,80.0 ± 1.0,82.0,5\n10,90.0 ± 1.0,91.0,5\n")
    (tmp_path / "tables" / "X_verdicts.md").write_text("# X\n\n### self-sup\n\nBetter in 2 of 3 cells.\n\n| a |\n")
    row = summary_table(tmp_path).splitlines()[-1]
    assert row == "| X | OA at K = 5 | 80.0 ± 1.0 (n = 5) | 82.0 | Better in 2 of 3 cells. | [X](results/tables/X.md) |"


def test_the_readme_quotes_the_measured_run_time_of_each_notebook():
    """The notebook table's run times are those of results/bench/notebook_defaults.json
    (benchmarks/bench_notebook_defaults.py), not typed guesses."""
    from hsinb.records import REPO_ROOT
    from hsinb.report import notebook_times

    times = notebook_times()
    stems = sorted(p.stem for p in (REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(times) == stems, "run `python benchmarks/bench_notebook_defaults.py --only NEW_NOTEBOOK`"
    rows = {line.split("`")[1]: line for line in (REPO_ROOT / "README.md").read_text().splitlines()
            if line.startswith("| `0")}
    for stem in stems:
        assert f"| {times[stem]} |" in rows[stem], f"README's row of {stem} must quote {times[stem]}"


def test_format_duration():
    from hsinb.report import format_duration

    assert [format_duration(s) for s in (12.4, 89, 200, 5399, 5400, 9000)] == ["12 s", "89 s", "3 min", "90 min",
                                                                              "1.5 h", "2.5 h"]
