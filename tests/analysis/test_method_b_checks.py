"""Method B's verdicts pair each method with scratch by seed and split, and with the best
classical baseline of the same scratch runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hsinb.analysis.method_b_checks import paired_verdicts, verdict_report
from hsinb.errors import UnknownParameterError


def _runs(gain: float, regions_gain: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for seed in range(5):
        base = 60 + 5 * seed  # the split's difficulty varies a lot between seeds
        common = dict(target="t", split="random", train_samples=20, samples_per="class", seed=seed)
        rows.append(dict(common, method="scratch", regions_per_scene=1, OA=base, svm_OA=base + 3, logreg_OA=base - 10))
        for r, g in ((1, gain), (4, regions_gain)):
            rows.append(dict(common, method="self-sup", regions_per_scene=r, OA=base + g + rng.normal(0, 0.2),
                             svm_OA=np.nan, logreg_OA=np.nan))
    return pd.DataFrame(rows)


def test_a_steady_gain_paired_by_seed_is_better_although_seeds_spread_widely():
    table = paired_verdicts(_runs(gain=2.0), cells=("regions_per_scene",))
    one = table[table["regions_per_scene"] == 1].iloc[0]
    assert one["verdict (scratch)"] == "better" and one["wins"] == "5/5" and one["seeds"] == 5
    # svm is the better baseline (+3): a 2-point gain over scratch is a loss against it
    assert one["best baseline"] == "svm" and one["verdict (baseline)"] == "worse"
    four = table[table["regions_per_scene"] == 4].iloc[0]
    assert four["verdict (scratch)"] == "no clear difference"  # scratch matched although its regions value differs


def test_report_counts_the_verdicts_and_needs_both_methods():
    text = verdict_report(_runs(gain=-2.0, regions_gain=-2.0), cells=("regions_per_scene",), title="x")
    assert "0 better, 0 no clear difference, 2 worse" in text
    with pytest.raises(UnknownParameterError, match="scratch"):
        paired_verdicts(_runs(1.0).query("method != 'scratch'"))
