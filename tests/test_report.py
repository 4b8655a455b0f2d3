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
    readme.write_text(f"intro\n{START}\nold\n{END}\noutro\n")
    update_readme(readme, res)
    text = readme.read_text()
    assert "old" not in text and text.startswith("intro") and text.endswith("outro\n")
    assert "| x-sim | 75.0 | 1.5, interpolated | 74.0 ± 2.0 (near target) | 1: 80.0, 2: 70.0 |" in text
    assert "42 things/s" in text
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
