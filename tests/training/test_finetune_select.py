"""Finetune settings chosen on the training labels only, and batch norm kept from pre-training."""

from __future__ import annotations

import torch

from hsinb.models import ResNet2d
from hsinb.training.classify import FINETUNE_CANDIDATES, fit_finetune, select_finetune


def _data(n_per: int = 6, classes: int = 3, b: int = 8, p: int = 5):
    g = torch.Generator().manual_seed(0)
    y = torch.arange(classes).repeat_interleave(n_per)
    x = torch.randn(classes, b, generator=g)[y][:, :, None, None] + 0.5 * torch.randn(len(y), b, p, p, generator=g)
    return x, y


def test_frozen_batch_norm_keeps_its_statistics_and_the_rest_trains():
    x, y = _data()
    torch.manual_seed(0)
    enc = ResNet2d(8, width=8, feature_dim=8)
    stats = {k: v.clone() for k, v in enc.state_dict().items() if "running" in k}
    weights = enc.stem[0].weight.detach().clone()
    model, _ = fit_finetune(enc, None, x, y, epochs=3, lr=0.05, batch_size=9, freeze_bn=True,
                            generator=torch.Generator().manual_seed(0))
    assert all(torch.equal(stats[k], v) for k, v in model.encoder.state_dict().items() if "running" in k)
    assert not torch.equal(weights, model.encoder.stem[0].weight)


def test_selection_uses_the_labels_only_and_falls_back_with_too_few():
    x, y = _data()
    torch.manual_seed(0)
    enc = ResNet2d(8, width=8, feature_dim=8)
    out = select_finetune(enc, x, y, n_classes=3, seed=0, epochs=3, batch_size=8)
    assert out["chosen"] in [dict(c) for c in FINETUNE_CANDIDATES] and out["folds"] == 3
    assert len(out["cv_accuracy"]) == len(FINETUNE_CANDIDATES)
    assert out["chosen"] == dict(FINETUNE_CANDIDATES[max(range(4), key=lambda i: (out["cv_accuracy"][i], -i))])
    one_each = select_finetune(enc, x[::6], y[::6], n_classes=3, seed=0, epochs=1)
    assert one_each == {"chosen": dict(FINETUNE_CANDIDATES[0]), "cv_accuracy": None, "folds": 0}


def test_a_diverging_candidate_scores_zero_and_ranks_last():
    import torch

    from hsinb.models import build_encoder
    from hsinb.training.classify import diverged, select_finetune

    assert diverged({"loss": [1.0, float("nan")]}) and not diverged({"loss": [1.0, 0.5]})
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(18, 6, generator=g), torch.arange(3).repeat(6)
    x[y == 1] += 3.0
    enc = build_encoder("resnet1d", 6, width=4, feature_dim=4)
    good, bad = {"encoder_lr_scale": 0.1, "freeze_bn": False}, {"encoder_lr_scale": 1e12, "freeze_bn": True}
    out = select_finetune(enc, x, y, n_classes=3, candidates=(bad, good), epochs=5, lr=0.05, batch_size=8)
    assert out["cv_accuracy"][0] == 0.0 and out["ranked"][-1] == bad


def test_abundant_labels_choose_on_one_held_out_third(monkeypatch):
    """Every class with >= single_split_from labels: one fit per candidate on two thirds,
    scored on the other third (a few labels per class keep k-fold cross-validation)."""
    from hsinb.training import classify

    sizes = []
    real = classify.fit_finetune

    def counted(encoder, head, x, y, **kw):
        sizes.append(len(y))
        return real(encoder, head, x, y, **kw)

    monkeypatch.setattr(classify, "fit_finetune", counted)
    x, y = _data(n_per=12)
    torch.manual_seed(0)
    enc = ResNet2d(8, width=8, feature_dim=8)
    out = classify.select_finetune(enc, x, y, n_classes=3, epochs=1, batch_size=8, single_split_from=12)
    assert out["folds"] == 1 and sizes == [24] * len(FINETUNE_CANDIDATES)
    sizes.clear()
    out = classify.select_finetune(enc, x, y, n_classes=3, epochs=1, batch_size=8, single_split_from=13)
    assert out["folds"] == 3 and len(sizes) == 3 * len(FINETUNE_CANDIDATES)


def test_lpft_head_starts_at_the_probe_trained_on_the_same_samples():
    """LP-FT: with no finetune epochs the model predicts what the logistic probe fitted on these
    samples predicts (its head is that probe); the random-head candidate does not."""
    from hsinb.training.classify import LPFT_CANDIDATES, fit_finetune_candidate, predict
    from hsinb.training.linear import fit_logistic_probe

    x, y = _data(n_per=8)
    torch.manual_seed(0)
    enc = ResNet2d(8, width=8, feature_dim=8)
    probe, _ = fit_logistic_probe(enc, x, y, n_classes=3, seed=0)
    start, _ = fit_finetune_candidate(enc, x, y, candidate=LPFT_CANDIDATES[0], n_classes=3, epochs=0)
    assert torch.allclose(start.head.weight, probe.head.weight) and torch.equal(predict(start, x), predict(probe, x))
    trained, hist = fit_finetune_candidate(enc, x, y, candidate=LPFT_CANDIDATES[0], n_classes=3, epochs=3, lr=0.05,
                                           batch_size=8, generator=torch.Generator().manual_seed(0))
    assert len(hist["loss"]) == 3 and not torch.equal(trained.head.weight, probe.head.weight)
