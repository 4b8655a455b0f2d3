"""The budget curve gathers the probe on snapshots of one pre-training from the records and
pairs it by seed with the supervised CNN and the best baseline."""

from __future__ import annotations

import json

import pytest

from hsinb.analysis.budget_curve import curve_points, curve_table, write_budget_curve
from hsinb.errors import UnknownParameterError


def _record(seed: int, k: int, gain_per_epoch: float) -> dict:
    sup = 80.0 + seed
    curve = [{"epoch": e, "steps": 20 * e, "pairs": 5120 * e, "loss": 100.0 / e, "invariance": 50.0 / e,
              "redundancy": 1e4 / e, "lr": 0.2 / e, "effective_rank": 10.0 + e, "linear_OA": sup - 10 + gain_per_epoch * e}
             for e in (1, 5, 10)]
    return {"params": {"scene": "ip", "model": "2d", "K": k, "seed": seed},
            "metrics": {"supervised_OA": sup, "svm_OA": sup + 1, "logreg_OA": sup - 3},
            "extra": {"budget_curve": curve}}


def test_the_gap_to_supervised_is_paired_by_seed_and_closes_with_training(tmp_path):
    recs = [_record(s, k, 1.2) for s in range(5) for k in (5, 10)]
    table = curve_table(curve_points(recs))
    k5 = table[table["K"] == 5]
    assert list(k5["steps"]) == [20, 100, 200] and set(k5["seeds"]) == {5} and k5["lr"].iloc[-1] == pytest.approx(0.02)
    assert k5["gap to supervised mean"].tolist() == pytest.approx([-8.8, -4.0, 2.0])
    assert k5["best baseline"].iloc[0] == "svm" and k5["gap to baseline mean"].iloc[-1] == pytest.approx(1.0)
    folder = tmp_path / "runs" / "records"
    folder.mkdir(parents=True)
    for i, r in enumerate(recs + [{"params": {"K": 5, "seed": 9}, "metrics": {}, "extra": {}}]):  # one without a curve
        (folder / f"r{i}.json").write_text(json.dumps(r))
    files = write_budget_curve(records=tmp_path / "runs", out=tmp_path / "tables" / "curve", title="t")
    assert {f.rsplit(".", 1)[1] for f in files} == {"csv", "md", "png"}
    text = (tmp_path / "tables" / "curve.md").read_text()
    assert "K=5: BT + Lin − supervised -8.8 ± 0.0 after 20 steps, +2.0 ± 0.0 after 200 (moves in BT's favour" in text


def test_no_budget_curve_in_the_records_is_a_clear_error():
    with pytest.raises(UnknownParameterError, match="checkpoint_epochs"):
        curve_table(curve_points([{"params": {}, "metrics": {}, "extra": {}}]))


def test_recorded_curve_reads_the_paper_budget_folders_or_says_none(tmp_path):
    from hsinb.analysis.budget_curve import recorded_curve

    assert recorded_curve(tmp_path) is None
    folder = tmp_path / "runs" / "A_paper_ip_2d" / "records"
    folder.mkdir(parents=True)
    (folder / "r.json").write_text(json.dumps(_record(0, 5, 1.0)))
    table = recorded_curve(tmp_path, model="2d")
    assert list(table["epoch"]) == [1, 5, 10] and recorded_curve(tmp_path, model="1d") is None
