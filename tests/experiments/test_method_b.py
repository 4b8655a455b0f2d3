"""Method B end to end in quick mode (built-in demo scenes, no data file): every method
runs and records; bad combinations are refused before any training."""

from __future__ import annotations

import json

import pytest

from hsinb.errors import InvalidParameterError, UnknownNameError
from hsinb.experiments.method_b import METHODS_B, MethodBParams, method_b_task, run


@pytest.mark.parametrize("method", METHODS_B)
def test_each_method_runs_and_records(method, tmp_path, monkeypatch):
    monkeypatch.setenv("HSINB_ENCODER_CACHE", str(tmp_path / "cache"))
    rec_path = tmp_path / "r.json"
    baselines = "logreg" if method == "scratch" else ""  # once: the classical baselines cost seconds
    rec = method_b_task(method=method, quick=True, baselines=baselines, record_path=str(rec_path))
    assert json.loads(rec_path.read_text())["params"]["method"] == method
    m = rec["metrics"]
    assert 0 <= m["OA"] <= 100 and 0 <= m["AA"] <= 100 and ("logreg_OA" in m) == bool(baselines)
    assert rec["extra"]["n_train"] > 0 and rec["extra"]["finetune"]["iterations"] == 6
    if method == "self-sup":
        purity = rec["extra"]["purity"]
        assert 0 <= purity["class"] <= purity["scene"] <= 1
        assert len(rec["extra"]["pretrain"]["loss"]) == 6


def test_the_pretrained_network_is_cached_across_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("HSINB_ENCODER_CACHE", str(tmp_path / "cache"))
    a = run(MethodBParams(quick=True, baselines="", train_samples=3), progress=False)
    b = run(MethodBParams(quick=True, baselines="", train_samples=4), progress=False)  # same pre-training
    assert not a.record["extra"]["pretrain"]["from_cache"] and b.record["extra"]["pretrain"]["from_cache"]
    assert a.record["extra"]["pretrain"]["key"] == b.record["extra"]["pretrain"]["key"]


def test_bad_settings_are_refused_with_the_reason():
    with pytest.raises(UnknownNameError, match="method"):
        MethodBParams(method="simclr")
    with pytest.raises(InvalidParameterError, match="odd and >= 5"):
        MethodBParams(patch=4)
    with pytest.raises(InvalidParameterError, match="also a source"):
        run(MethodBParams(target="demo:0:120", sources="demo:0:120", baselines=""), progress=False)
