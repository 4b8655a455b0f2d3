"""Method A's verdicts pair BT + Lin and BT + Tune with the supervised CNN and the best
spectral baseline inside each record (same seed, same split), and name the cause of a wide
seed spread."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hsinb.analysis.method_a_checks import (
    paired_verdicts,
    spread_causes,
    verdict_counts,
    verdict_report,
)
from hsinb.analysis.paired import paired_difference


def _runs(lin_gain: float, *, hard_seed: int | None = None, split_col: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for seed in range(5):
        base = 80 + seed - (15 if seed == hard_seed else 0)  # a hard split hurts every method
        row = dict(scene="s", model="2d", K=5, seed=seed, supervised_OA=base,
                   linear_OA=base + lin_gain + rng.normal(0, 0.2), finetune_OA=base - 0.1 + rng.normal(0, 0.5),
                   svm_OA=base + 4, logreg_OA=base - 5)
        if split_col:
            row["split"] = "random"
        rows.append(row)
    return pd.DataFrame(rows)


def test_paired_difference_needs_significance_not_just_a_higher_mean():
    assert paired_difference([1, 2, 3], [0, 1, 2])["verdict"] == "no clear difference"  # identical diffs: no test
    d = paired_difference([81, 70, 90, 62, 85], [80, 68, 89, 60, 84])
    assert d["verdict"] == "better" and d["wins"] == 5 and d["n"] == 5 and d["p"] < 0.05
    assert paired_difference([81, 60, 90], [80, 70, 89])["verdict"] == "no clear difference"


def test_a_steady_gain_is_better_than_supervised_but_worse_than_the_best_baseline():
    table = paired_verdicts(_runs(2.0))
    lin = table[table["method"] == "BT + Lin"].iloc[0]
    assert lin["verdict (supervised)"] == "better" and lin["wins (supervised)"] == "5/5"
    assert lin["best baseline"] == "svm" and lin["verdict (baseline)"] == "worse"  # svm is +4 over supervised
    tune = table[table["method"] == "BT + Tune"].iloc[0]
    assert tune["verdict (supervised)"] == "no clear difference"
    assert verdict_counts(table, "BT + Lin", "supervised") == {"better": 1, "no clear difference": 0, "worse": 0}


def test_records_before_the_split_parameter_count_as_random_pixels():
    table = paired_verdicts(_runs(2.0, split_col=False))
    assert set(table["split"]) == {"random"}


def test_k_zero_is_named_the_official_map_not_random_pixels():
    runs = _runs(2.0)
    runs["K"] = 0
    assert set(paired_verdicts(runs)["split"]) == {"official map"}


def test_a_wide_spread_shared_by_every_method_is_put_down_to_the_split():
    spread = spread_causes(_runs(0.5, hard_seed=2))
    assert len(spread) == 2 and set(spread["lowest seed"]) == {2}
    assert set(spread["cause"]) == {"the split (every method)"}
    runs = _runs(0.5)
    runs.loc[runs["seed"] == 3, "linear_OA"] -= 20  # only the probe of one seed fails, at one K
    spread = spread_causes(runs)
    assert list(spread["method"]) == ["BT + Lin"] and spread["cause"].iloc[0] == "unexplained"
    runs.loc[runs["seed"] == 3, ["supervised_OA", "svm_OA", "logreg_OA"]] -= 4  # lowest for all, a small dip
    assert spread_causes(runs)["cause"].iloc[0] == "unexplained"  # ours dropped alone: not the split
    assert "seed 3" in verdict_report(runs)


def test_a_seed_lowest_at_most_k_is_put_down_to_its_encoder():
    runs = pd.concat([_runs(0.5).assign(K=k) for k in (5, 6, 7)], ignore_index=True)
    runs.loc[runs["seed"] == 1, "linear_OA"] -= 15  # one pre-training serves every K of a seed
    assert set(spread_causes(runs).query("method == 'BT + Lin'")["cause"]) == {"the seed's encoder"}


def test_pooled_verdicts_average_each_seed_over_k_and_test_once():
    from hsinb.analysis.method_a_checks import pooled_verdicts

    runs = pd.concat([_runs(2.0).assign(K=k) for k in (5, 10)], ignore_index=True)
    pooled = pooled_verdicts(runs)
    lin = pooled[pooled["method"] == "BT + Lin"].iloc[0]
    assert lin["K"] == "5–10" and lin["seeds"] == 5 and lin["verdict (supervised)"] == "better"
    first_paragraph = verdict_report(runs).split("\n\n")[0]
    assert first_paragraph.startswith("Pooled over K") and "over 1 cube/model/split rows" in first_paragraph


def test_two_different_records_of_one_cell_and_seed_are_refused():
    import pytest

    from hsinb.errors import UnknownParameterError

    runs = pd.concat([_runs(2.0).assign(width=32), _runs(5.0).assign(width=64)], ignore_index=True)
    with pytest.raises(UnknownParameterError, match="width"):
        paired_verdicts(runs)
    same = pd.concat([_runs(2.0), _runs(2.0)], ignore_index=True)  # the same record twice: harmless
    assert paired_verdicts(same)["seeds"].max() == 5


def test_a_missing_comparator_value_drops_one_seed_not_the_comparison():
    runs = _runs(2.0)
    runs.loc[runs["seed"] == 0, "supervised_OA"] = np.nan
    lin = paired_verdicts(runs).query("method == 'BT + Lin'").iloc[0]
    assert lin["wins (supervised)"] == "4/4" and lin["seeds"] == 5


def test_the_recipe_must_beat_both_the_supervised_cnn_and_the_best_baseline():
    from hsinb.analysis.method_a_checks import recipe_sentence

    runs = _runs(2.0)
    runs["linear_select_OA"] = runs["svm_OA"] + 1.0 + 0.1 * runs["seed"]  # above svm (+4) and supervised
    text = recipe_sentence(paired_verdicts(runs), method="linear_select")
    assert "in 1 of 1 cube/model/split cells: s 2d random" in text
    runs["linear_select_OA"] = runs["supervised_OA"] + 1.0 + 0.1 * runs["seed"]  # above supervised, below svm
    assert "in 0 of 1" in recipe_sentence(paired_verdicts(runs), method="linear_select")
