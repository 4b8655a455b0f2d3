"""The published values in results/paper/ are copied, not invented: each one occurs in the
paper's text, and each table has the expected shape."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

PAPER_DIR = Path(__file__).resolve().parents[1] / "results" / "paper"


@pytest.mark.parametrize("csv", sorted(PAPER_DIR.glob("A_*.csv")), ids=lambda p: p.stem)
def test_values_occur_in_paper_a(csv, data_dir):
    text = (data_dir.parent / "papers" / "A_barlow_twins_few_shot_hsi.txt").read_text()
    numbers = set(re.findall(r"\d+\.\d", text))
    table = pd.read_csv(csv)
    values = [f"{v:.1f}" for col in table.columns if col.endswith(("_OA", "_kappa")) for v in table[col]]
    assert values and all(v in numbers for v in values)
    if "K" in table:
        assert table["K"].tolist() == [5, 6, 7, 8, 9, 10]
