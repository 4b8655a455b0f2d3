"""The method-A experiment: few-shot data, evaluation, baselines, encoder cache, records."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from hsinb.experiments.calibration import crossing
from hsinb.experiments.encoder_cache import cached_encoder, config_key
from hsinb.experiments.fewshot import (
    classical_baselines,
    classification_map,
    evaluate,
    prepare_fewshot,
    protocol_maps,
)
from hsinb.experiments.method_a import MethodAConfig, flat_metrics, run_method_a
from hsinb.records import read_record, save_run
from hsinb.scenes import Scene
from hsinb.splits import Split, few_shot_split


@pytest.fixture(scope="module")
def toy_scene() -> Scene:
    """Three classes in vertical stripes with distinct spectra plus noise: learnable."""
    rng = np.random.default_rng(0)
    h, w, b = 18, 18, 12
    labels = np.repeat(np.repeat(np.arange(1, 4)[None, :], 6, axis=1), h, axis=0)
    sig = rng.random((4, b)).astype(np.float32) * 2
    cube = sig[labels] + 0.05 * rng.standard_normal((h, w, b)).astype(np.float32)
    return Scene("toy", cube, labels, ["a", "b", "c"])


def test_prepare_shapes_and_labels(toy_scene):
    split = few_shot_split(toy_scene.labels, 4, seed=0, val_per_class=1)
    d2 = prepare_fewshot(toy_scene, split, "2d", 5)
    d1 = prepare_fewshot(toy_scene, split, "1d")
    assert d2.x_train.shape == (12, 12, 5, 5) and d1.x_train.shape == (12, 12) and d2.x_val.shape[0] == 3
    rows, cols = split.coords("train")
    np.testing.assert_array_equal(d2.y_train.numpy(), toy_scene.labels[rows, cols] - 1)
    torch.testing.assert_close(d1.x_train, torch.from_numpy(toy_scene.cube[rows, cols]))


def test_evaluate_uses_only_test_pixels(toy_scene):
    split = few_shot_split(toy_scene.labels, 3, seed=0)
    data = prepare_fewshot(toy_scene, split, "1d")

    class Oracle(torch.nn.Module):  # predicts the class from the spectrum's nearest signature
        def forward(self, x):
            sig = torch.from_numpy(np.stack([toy_scene.cube[toy_scene.labels == c].mean(0) for c in (1, 2, 3)]))
            return -torch.cdist(x, sig)

    m = evaluate(Oracle(), data)
    assert m["OA"] == 1.0 and m["n_eval"] == split.test.size
    sub = evaluate(Oracle(), data, max_pixels=10)
    assert sub["n_eval"] == 10
    cmap = classification_map(Oracle(), data)
    np.testing.assert_array_equal(cmap, toy_scene.labels)
    # a map of the scored pixels only costs nothing: the predictions evaluate() kept
    kept = evaluate(Oracle(), data, max_pixels=10, keep_predictions=True)
    scored = protocol_maps({"oracle": Oracle()}, {"oracle": kept}, data, full=False)["oracle"]
    assert (scored > 0).sum() == 10 and set(np.flatnonzero(scored)) == set(kept["pixels"])
    np.testing.assert_array_equal(scored.reshape(-1)[kept["pixels"]], toy_scene.labels.reshape(-1)[kept["pixels"]])
    np.testing.assert_array_equal(protocol_maps({"oracle": Oracle()}, {}, data, full=True)["oracle"], toy_scene.labels)


def test_baselines_learn_separable_spectra(toy_scene):
    split = few_shot_split(toy_scene.labels, 5, seed=1)
    res = classical_baselines(toy_scene, split)
    assert res["svm"]["OA"] > 0.95 and res["logreg"]["OA"] > 0.95


def test_encoder_cache_trains_once(tmp_path):
    calls = []

    def train(enc):
        calls.append(1)
        with torch.no_grad():
            enc.weight.fill_(3.0)
        return {"loss": [1.0]}

    cfg = {"scene": "x", "seed": 0}
    e1, info, hit = cached_encoder(cfg, lambda: torch.nn.Linear(2, 2), train, root=tmp_path, log=lambda s: None)
    e2, _, hit2 = cached_encoder(cfg, lambda: torch.nn.Linear(2, 2), train, root=tmp_path, log=lambda s: None)
    assert (hit, hit2) == (False, True) and len(calls) == 1
    torch.testing.assert_close(e2.weight, torch.full((2, 2), 3.0))
    assert info["key"] == config_key({"seed": 0, "scene": "x"}) != config_key({"scene": "x", "seed": 1})


def test_run_method_a_tiny_end_to_end(toy_scene, tmp_path, monkeypatch):
    monkeypatch.setenv("HSINB_ENCODER_CACHE", str(tmp_path / "enc"))
    monkeypatch.setenv("CI", "1")
    split = few_shot_split(toy_scene.labels, 5, seed=0)
    cfg = MethodAConfig(model="2d", patch=5, width=8, feature_dim=8, projector_dim=16, pretrain_epochs=2,
                        pretrain_steps_per_epoch=2, pretrain_batch=16, classify_epochs=15,
                        baselines=("logreg",))
    out = run_method_a(toy_scene, split, cfg, seed=0)
    assert set(out["metrics"]) == {"supervised", "linear", "finetune", "logreg"}
    assert out["metrics"]["supervised"]["OA"] > 0.6  # stripes with distinct spectra
    assert out["pretrain"]["from_cache"] is False
    again = run_method_a(toy_scene, split, cfg, seed=0)
    assert again["pretrain"]["from_cache"] is True  # K-independent: reused
    flat = flat_metrics(out["metrics"], 100)
    assert 0 <= flat["linear_OA"] <= 100 and "finetune_kappa" in flat
    rec_path = tmp_path / "runs" / "r.json"
    save_run(rec_path, {"seed": 0, "K": 5}, flat, split)
    saved_split = read_record(rec_path)["split"]
    assert saved_split["identity"] == split.identity
    assert saved_split["train_pixels"] == split.train.tolist()  # the record alone names the training pixels
    assert Split.load(tmp_path / "runs" / "r.split.npz").identity == split.identity
    json.dumps(read_record(rec_path))


def test_unknown_protocol_is_named():
    from hsinb.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="protocol"):
        MethodAConfig(protocols=("linear", "knn"))


def test_calibration_crossing():
    d, how = crossing([0.5, 1, 2, 4], [95, 85, 70, 50], 75)
    assert how == "interpolated" and 1 < d < 2
    assert abs(np.log(d) - (np.log(1) + (85 - 75) / 15 * np.log(2))) < 1e-9
    assert crossing([0.5, 1], [95, 90], 60) == (1, "nearest rung (target outside the ladder's range)")


def test_batch_task_writes_the_notebook_record(tmp_path, monkeypatch):
    from hsinb.experiments.method_a import method_a_task

    monkeypatch.setenv("HSINB_ENCODER_CACHE", str(tmp_path / "enc"))
    rec = method_a_task(scene="demo", K=3, seed=1, width=8, transforms="none", protocols="linear,linear_spectrum",
                        budget="custom",
                        baselines="", pretrain_epochs=2, pretrain_steps_per_epoch=3, epochs=3, eval_pixels=500,
                        checkpoint_epochs="1", record_path=str(tmp_path / "run.json"))
    saved = read_record(tmp_path / "run.json")
    assert saved["metrics"] == rec["metrics"]
    assert set(saved["metrics"]) == {f"{p}_{m}" for p in ("linear", "linear_spectrum", "linear_select")
                                     for m in ("OA", "AA", "kappa")}
    chosen = saved["extra"]["probe_selected"]
    assert saved["metrics"]["linear_select_OA"] == saved["metrics"][f"{chosen}_OA"]
    cv = {"linear": saved["extra"]["probe"]["cv_accuracy"], "linear_spectrum": saved["extra"]["probe_spectrum"]["cv_accuracy"]}
    assert cv[chosen] == max(cv.values())  # chosen on the training labels
    assert saved["params"]["transforms"] == "none" and saved["params"]["pretrain_epochs"] == 2
    assert saved["extra"]["probe"]["probe"] == "logreg_cv" and "C" in saved["extra"]["probe"]
    pre = saved["extra"]["pretrain"]
    assert pre["steps"] == 6 and pre["pairs"] == 6 * 256 and pre["effective_rank"] >= 1
    assert len(pre["history"]["invariance"]) == 2 and pre["loss"] == pytest.approx(pre["history"]["loss"][-1])
    assert (tmp_path / "run.split.npz").is_file()
    curve = saved["extra"]["budget_curve"]
    assert [p["steps"] for p in curve] == [3, 6] and saved["params"]["checkpoint_epochs"] == "1"
    mixed = saved["extra"]["mixed_pixels"]
    assert set(mixed["bins"]) == {"linear", "linear_spectrum"} and set(mixed["spectrum_r2"]) == {"linear"}
    assert sum(b["n"] for b in mixed["bins"]["linear"]["agreement"]) == 500  # every scored test pixel, once


def test_lpft_is_a_protocol_of_its_own_chosen_on_the_training_labels(tmp_path, monkeypatch):
    from hsinb.experiments.method_a import method_a_task
    from hsinb.training.classify import LPFT_CANDIDATES

    monkeypatch.setenv("HSINB_ENCODER_CACHE", str(tmp_path / "enc"))
    method_a_task(scene="demo", K=3, seed=0, width=8, transforms="none", protocols="finetune,finetune_lpft",
                  budget="custom", baselines="", pretrain_epochs=1, pretrain_steps_per_epoch=2, epochs=2,
                  eval_pixels=300, record_path=str(tmp_path / "run.json"))
    saved = read_record(tmp_path / "run.json")
    assert {"finetune_OA", "finetune_lpft_OA"} <= set(saved["metrics"])
    lpft, tune = saved["extra"]["finetune_lpft"], saved["extra"]["finetune"]
    assert lpft["used"] in [dict(c) for c in LPFT_CANDIDATES] and "head_init" not in tune["used"]
    assert len(lpft["cv_accuracy"]) == len(LPFT_CANDIDATES)


def test_block_split_keeps_every_training_patch_off_the_test_pixels():
    from scipy.ndimage import binary_dilation

    from hsinb.errors import SplitError
    from hsinb.experiments.method_a import MethodAParams, split_for

    rng = np.random.default_rng(1)
    labels = rng.integers(1, 4, size=(60, 60))
    scene = Scene("blocky", rng.random((60, 60, 4), dtype=np.float32), labels, ["a", "b", "c"])
    params = MethodAParams(K=5, seed=3, split="blocks", block=10, patch=9)
    split = split_for(scene, params)
    y = split.label_vector(labels)
    assert np.bincount(y[split.train], minlength=4)[1:].tolist() == [5, 5, 5]
    near_test = binary_dilation(split.mask("test"), np.ones((9, 9), bool))  # what a 9x9 training patch sees
    assert not near_test.reshape(-1)[split.train].any()
    assert split_for(scene, params).identity == split.identity  # seeded
    random = split_for(scene, MethodAParams(K=5, seed=3, patch=9))
    assert binary_dilation(random.mask("test"), np.ones((9, 9), bool)).reshape(-1)[random.train].any()
    with pytest.raises(SplitError, match="block"):
        split_for(scene, MethodAParams(K=400, seed=3, split="blocks"))


def test_budget_curve_probes_snapshots_of_one_pretraining(toy_scene, tmp_path, monkeypatch):
    monkeypatch.setenv("HSINB_ENCODER_CACHE", str(tmp_path / "enc"))
    monkeypatch.setenv("CI", "1")
    split = few_shot_split(toy_scene.labels, 5, seed=0)
    base = dict(model="2d", patch=5, width=8, feature_dim=8, projector_dim=16, pretrain_epochs=3,
                pretrain_steps_per_epoch=2, pretrain_batch=16, classify_epochs=2, baselines=(),
                protocols=("linear",))
    plain = run_method_a(toy_scene, split, MethodAConfig(**base), seed=0)
    assert plain["budget_curve"] is None
    # the same pre-training asked for snapshots: cached without them, so trained again (same key)
    out = run_method_a(toy_scene, split, MethodAConfig(**base, checkpoint_epochs=(2, 1)), seed=0)
    assert out["pretrain"]["from_cache"] is False and out["pretrain"]["key"] == plain["pretrain"]["key"]
    curve = out["budget_curve"]
    assert [p["epoch"] for p in curve] == [1, 2, 3] and [p["steps"] for p in curve] == [2, 4, 6]
    assert curve[-1]["linear_OA"] == pytest.approx(100 * out["metrics"]["linear"]["OA"])
    hist = out["pretrain"]["history"]
    assert curve[0]["invariance"] == hist["invariance"][0] and curve[1]["loss"] == hist["loss"][1]
    snaps = out["pretrain"]["snapshots"]
    w1, w3 = torch.load(snaps["1"]), out["models"]["linear"].encoder.state_dict()
    assert any(not torch.equal(w1[k], w3[k].cpu()) for k in w1 if w1[k].is_floating_point())  # an earlier state
    again = run_method_a(toy_scene, split, MethodAConfig(**base, checkpoint_epochs=(1, 2)), seed=0)
    assert again["pretrain"]["from_cache"] is True
    assert [p["linear_OA"] for p in again["budget_curve"]] == [p["linear_OA"] for p in curve]
    with pytest.raises(Exception, match="checkpoint epochs"):
        MethodAConfig(**base, checkpoint_epochs=(3,))


def test_a_retrain_for_snapshots_keeps_cached_weights_that_it_does_not_reproduce(tmp_path):
    fills = iter([3.0, 4.0])

    def train(enc, keep=None):
        with torch.no_grad():
            enc.weight.fill_(next(fills))
        if keep:
            keep(1, enc)
        return {"loss": [1.0]}

    cfg, build = {"scene": "x"}, (lambda: torch.nn.Linear(2, 2))
    cached_encoder(cfg, build, train, root=tmp_path, log=lambda s: None)
    enc, info, hit = cached_encoder(cfg, build, train, root=tmp_path, log=lambda s: None, snapshots=(1,))
    assert not hit and float(enc.weight.detach()[0, 0]) == 4.0 and set(info["snapshots"]) == {"1"}
    old = torch.load(tmp_path / f"{info['key']}.before-retrain.pt")
    assert float(old["weight"][0, 0]) == 3.0  # the records made with it can still be traced


def test_a_final_finetune_that_diverges_gives_way_to_the_next_candidate(toy_scene, tmp_path, monkeypatch):
    import hsinb.experiments.method_a as method_a

    monkeypatch.setenv("HSINB_ENCODER_CACHE", str(tmp_path / "enc"))
    monkeypatch.setenv("CI", "1")
    bad, good = {"encoder_lr_scale": 1e12, "freeze_bn": True}, {"encoder_lr_scale": 0.1, "freeze_bn": False}
    monkeypatch.setattr(method_a, "select_finetune", lambda *a, **k: {"chosen": bad, "ranked": [bad, good]})
    cfg = MethodAConfig(model="1d", width=8, feature_dim=8, projector_dim=16, pretrain_epochs=1, pretrain_steps_per_epoch=2,
                        pretrain_batch=16, classify_epochs=5, baselines=(), protocols=("finetune",), transforms=(),
                        pairing="neighbour")
    out = run_method_a(toy_scene, few_shot_split(toy_scene.labels, 5, seed=0), cfg, seed=0)
    assert out["finetune"]["diverged"] == [bad] and out["finetune"]["used"] == good
    assert not any(torch.isnan(p).any() for p in out["models"]["finetune"].parameters())
