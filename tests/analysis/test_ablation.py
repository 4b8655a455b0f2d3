"""Paper A's augmentation pair matrix: the transform sets, the matrix and its summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hsinb.analysis.ablation import (
    difference_from_none,
    pair_gain,
    pair_matrix,
    select_runs,
    transform_ranking,
)
from hsinb.errors import UnknownNameError
from hsinb.views import PAPER_A_TRANSFORMS, augmentation_pairs


def test_augmentation_pairs_are_none_diagonal_and_unordered_pairs():
    sets = augmentation_pairs()
    n = len(PAPER_A_TRANSFORMS)
    assert len(sets) == 1 + n + n * (n - 1) // 2 == 46
    assert len(set(sets)) == len(sets) and sets[0] == "none"
    # any order of the names gives the same sets, each in canonical order
    assert augmentation_pairs(["noise", "flip"]) == ["none", "flip", "flip,noise", "noise"]
    with pytest.raises(UnknownNameError, match="blur"):
        augmentation_pairs(["flip", "blur"])


def _runs():
    rows = []
    oa = {"none": 50.0, "flip": 60.0, "noise": 70.0, "flip,noise": 80.0}
    for t, v in oa.items():
        for seed, d in ((0, -1.0), (1, 1.0)):
            rows.append({"transforms": t, "seed": seed, "linear_OA": v + d, "width": 32})
    rows.append({"transforms": "flip", "seed": 0, "linear_OA": 0.0, "width": 64})  # another budget
    return pd.DataFrame(rows)


def test_pair_matrix_is_symmetric_with_seed_statistics():
    runs = select_runs(_runs(), width=32)
    mean, std, count, none = pair_matrix(runs, ["flip", "noise"])
    assert mean.loc["flip", "flip"] == 60.0 and mean.loc["noise", "noise"] == 70.0
    assert mean.loc["flip", "noise"] == mean.loc["noise", "flip"] == 80.0
    assert std.loc["flip", "noise"] == pytest.approx(np.std([79, 81], ddof=1))
    assert (count.to_numpy() == 2).all()
    assert none == {"mean": 50.0, "std": pytest.approx(np.sqrt(2)), "n": 2}


def test_select_runs_keeps_one_budget_only():
    runs = _runs()
    assert len(select_runs(runs, width=32)) == 8
    assert len(select_runs(runs, width=64)) == 1
    assert len(select_runs(runs, missing_column=None)) == len(runs)
    assert len(select_runs(runs, missing_column=3)) == 0


def test_pair_gain_and_ranking():
    mean, *_ = pair_matrix(select_runs(_runs(), width=32), ["flip", "noise"])
    gain = pair_gain(mean)
    assert gain.loc["flip", "noise"] == 10.0  # 80 - max(60, 70)
    assert np.isnan(gain.loc["flip", "flip"])
    assert list(transform_ranking(mean).index) == ["noise", "flip"]  # (70+80)/2 > (60+80)/2


def test_missing_cells_stay_empty():
    runs = pd.DataFrame({"transforms": ["flip"], "linear_OA": [1.0]})
    mean, std, count, none = pair_matrix(runs, ["flip", "noise"])
    assert np.isnan(mean.loc["flip", "noise"]) and count.loc["noise", "noise"] == 0
    assert none["n"] == 0 and np.isnan(none["mean"])


def test_difference_from_none_is_paired_by_seed():
    # seeds differ a lot (+-10) but "flip" is exactly 2 above "none" in every seed: paired,
    # that is a clear effect; "noise" moves by +-1 around "none": no effect
    rows = []
    for seed, base in ((0, 40.0), (1, 50.0), (2, 60.0)):
        rows += [{"transforms": "none", "seed": seed, "linear_OA": base},
                 {"transforms": "flip", "seed": seed, "linear_OA": base + 2.0},
                 {"transforms": "noise", "seed": seed, "linear_OA": base + (-1.0, 1.0, 0.0)[seed]}]
    rows.append({"transforms": "noise,flip", "seed": 7, "linear_OA": 99.0})  # no "none" for seed 7
    diff = difference_from_none(pd.DataFrame(rows))
    assert list(diff.index) == ["flip", "noise"]
    assert diff.loc["flip", "mean"] == pytest.approx(2.0) and diff.loc["flip", "se"] == pytest.approx(0.0)
    assert bool(diff.loc["flip", "beyond_t95"]) and not bool(diff.loc["noise", "beyond_t95"])
    assert diff.loc["noise", "mean"] == pytest.approx(0.0)
    assert diff.loc["noise", "se"] == pytest.approx(1.0 / np.sqrt(3))
    assert (diff["n"] == 3).all()


def test_difference_from_none_uses_the_t_quantile_of_its_seed_count():
    # mean 1, se 0.4: 2.5 standard errors, above 2 but below t(0.975, 4) = 2.78
    rows = []
    deltas = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    deltas = 1.0 + deltas / deltas.std(ddof=1) * 0.4 * np.sqrt(5)
    for seed, d in enumerate(deltas):
        rows += [{"transforms": "none", "seed": seed, "linear_OA": 50.0},
                 {"transforms": "flip", "seed": seed, "linear_OA": 50.0 + d}]
    diff = difference_from_none(pd.DataFrame(rows))
    assert diff.loc["flip", "se"] == pytest.approx(0.4)
    assert not bool(diff.loc["flip", "beyond_t95"])


def test_difference_from_none_with_one_seed_flags_nothing():
    runs = pd.DataFrame({"transforms": ["none", "flip"], "seed": [0, 0], "linear_OA": [50.0, 90.0]})
    diff = difference_from_none(runs)
    assert diff.loc["flip", "n"] == 1 and np.isnan(diff.loc["flip", "se"]) and not bool(diff.loc["flip", "beyond_t95"])


def test_difference_from_none_refuses_repeated_runs():
    runs = pd.DataFrame({"transforms": ["none", "flip,noise", "noise,flip"], "seed": [0, 0, 0],
                         "linear_OA": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="share a transform set and seed"):
        difference_from_none(runs)


def test_without_records_or_reference_the_summaries_are_empty():
    assert difference_from_none(pd.DataFrame({"transforms": ["flip"], "seed": [0], "linear_OA": [1.0]})).empty
    assert difference_from_none(pd.DataFrame()).empty
    mean, std, count, none = pair_matrix(pd.DataFrame(), ["flip"])
    assert count.to_numpy().sum() == 0 and none["n"] == 0


def test_pair_matrix_page_and_findings_are_computed_from_the_runs():
    from hsinb.analysis.ablation import pair_matrix_budget, pair_matrix_findings, pair_matrix_tables

    runs = select_runs(_runs(), width=32)
    mean, std, _, none = pair_matrix(runs, ["flip", "noise"])
    vs_none = difference_from_none(runs)
    budget = pair_matrix_budget(model="2d", width=32, pretrain_epochs=10, pretrain_steps_per_epoch=None, K=0,
                                seeds="0,1")
    assert budget == "2D CNN width 32, pre-training 10 epochs (full passes), K=official map, seeds 0,1"
    table, page = pair_matrix_tables(mean, std, none, vs_none, label="toy", budget=budget)
    assert list(table["transform"]) == ["flip", "noise"] and "No augmentation: 50.0 ± 1.4 (n=2)" in page
    lines = pair_matrix_findings(none, vs_none, pair_gain(mean), transform_ranking(mean))
    assert lines[0] == "No augmentation: 50.0 ± 1.4 % OA (n=2)."
    assert lines[1].startswith("Best set: flip,noise, +30.0 ± 0.0 points")
    assert lines[2] == "Pairs beating both of their members alone: 1 of 1 (median gain +10.0 points)."
    assert lines[3] == "Transforms by row mean, best first: noise, flip"


def test_the_full_budget_grid_uses_the_set_chosen_on_the_stand_in():
    """A_paper_real's 2-D transform set is the one chosen on validation data (the paviaU-sim
    pair matrix), not typed: change the records or the rule and this fails until the grid
    follows."""
    import tomllib

    from hsinb.analysis.ablation import choose_transform_set
    from hsinb.records import REPO_ROOT
    from hsinb.tables import collect

    chosen, why = choose_transform_set(collect(REPO_ROOT / "results" / "runs" / "A_pair_matrix_paviaU-sim"))
    declared = tomllib.loads((REPO_ROOT / "hsinb" / "experiments" / "declared" / "A_paper_real.toml").read_text())
    two_d = {g["params"]["transforms"] for g in declared["grids"] if g["params"]["model"] == "2d"}
    assert two_d == {chosen} and "band_drop" not in chosen and chosen in why


def test_the_choice_is_written_with_its_reason(tmp_path):
    from hsinb.analysis.ablation import write_transform_choice
    from hsinb.records import REPO_ROOT

    out = write_transform_choice(records=str(REPO_ROOT / "results" / "runs" / "A_pair_matrix_paviaU-sim"),
                                 out=str(tmp_path / "choice"))
    text = open(out[0]).read()
    assert "Chosen: **translate,pixel_drop**" in text and "never on a real cube's test pixels" in text


def test_choose_transform_set_takes_the_best_gain_that_passes_the_screen():
    from hsinb.analysis.ablation import choose_transform_set

    rows = []
    for seed, base in ((0, 40.0), (1, 50.0), (2, 60.0)):
        rows += [{"transforms": "none", "seed": seed, "linear_OA": base},
                 {"transforms": "flip", "seed": seed, "linear_OA": base + 2.0 + 0.1 * seed},
                 {"transforms": "noise", "seed": seed, "linear_OA": base + (-9.0, 12.0, 9.0)[seed]}]  # higher, noisy
    assert choose_transform_set(pd.DataFrame(rows))[0] == "flip"
    worse = pd.DataFrame([r for r in rows if r["transforms"] != "flip"])
    assert choose_transform_set(worse)[0] == "none"
