"""Classification recipes and Barlow Twins pre-training, end to end on tiny tensors."""

from __future__ import annotations

import torch

from hsinb.models import LinearClassifier, Projector, ResNet1d, ResNet2d
from hsinb.patches import PaddedCube
from hsinb.training import (
    fit_finetune,
    fit_linear_probe,
    fit_supervised,
    predict,
    predict_logits,
    pretrain_barlow_twins,
)
from hsinb.training.batching import show_progress
from hsinb.views import PairSampler, build_transforms


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def toy_scene(h: int = 16, w: int = 16, b: int = 10, seed: int = 0):
    """A cube of 3 classes in vertical stripes: class prototype + noise. Labels 0..2."""
    g = gen(seed)
    protos = torch.randn(3, b, generator=g)
    labels = (torch.arange(w) * 3 // w).expand(h, w)
    cube = protos[labels] + 0.3 * torch.randn(h, w, b, generator=g)
    return cube, labels


def labelled(cube, labels, size, layout, k=5, seed=1):
    """k random pixels per class, their windows and labels."""
    g = gen(seed)
    rows, cols = [], []
    for c in range(3):
        idx = (labels.flatten() == c).nonzero().flatten()
        pick = idx[torch.randperm(len(idx), generator=g)[:k]]
        rows.append(pick // labels.shape[1])
        cols.append(pick % labels.shape[1])
    rows, cols = torch.cat(rows), torch.cat(cols)
    return PaddedCube(cube, size).extract(rows, cols, layout), labels[rows, cols]


def test_fit_supervised_learns_and_predict_is_batched():
    torch.manual_seed(0)
    cube, labels = toy_scene()
    x, y = labelled(cube, labels, 5, "2d", k=6)
    enc = ResNet2d(10, width=8, feature_dim=8)
    model, hist = fit_supervised(enc, None, x, y, epochs=15, lr=0.05, batch_size=8, generator=gen())
    assert len(hist["loss"]) == 15 and hist["loss"][-1] < hist["loss"][0]
    assert not model.training
    pred = predict(model, x, batch_size=4)
    assert pred.shape == (18,) and pred.dtype == torch.long
    assert (pred == y).float().mean() > 0.8
    assert torch.allclose(predict_logits(model, x, 4), predict_logits(model, x, 100), atol=1e-5)


def test_linear_probe_leaves_encoder_untouched():
    torch.manual_seed(0)
    cube, labels = toy_scene()
    x, y = labelled(cube, labels, 1, "1d")
    enc = ResNet1d(10, width=8, feature_dim=8)
    before = {k: v.clone() for k, v in enc.state_dict().items()}
    model, hist = fit_linear_probe(enc, x, y, epochs=30, lr=0.1, batch_size=8, generator=gen())
    assert all(torch.equal(before[k], v) for k, v in enc.state_dict().items())  # BN stats too
    assert hist["loss"][-1] < hist["loss"][0]
    assert predict(model, x).shape == (15,)


def test_finetune_uses_smaller_encoder_lr():
    torch.manual_seed(0)
    cube, labels = toy_scene()
    x, y = labelled(cube, labels, 1, "1d")
    enc = ResNet1d(10, width=8, feature_dim=8)
    w0 = enc.stem[0].weight.detach().clone()
    head = LinearClassifier(8, 3)
    model, hist = fit_finetune(enc, head, x, y, epochs=10, lr=0.05, batch_size=8, generator=gen())
    assert not torch.equal(enc.stem[0].weight, w0)
    assert hist["loss"][-1] < hist["loss"][0]
    assert model.head is head


def test_pretrain_then_linear_probe_end_to_end(monkeypatch):
    monkeypatch.setenv("CI", "1")
    assert not show_progress(True)
    torch.manual_seed(0)
    cube, labels = toy_scene()
    sampler = PairSampler(cube, "overlap", size=5)
    enc = ResNet2d(10, width=8, feature_dim=16)
    proj = Projector(16, hidden_dim=32, out_dim=32)
    tf = build_transforms(["flip", "noise", "band_drop", "band_swap"])
    enc, hist = pretrain_barlow_twins(
        enc,
        proj,
        sampler,
        tf,
        epochs=2,
        steps_per_epoch=6,
        batch_size=32,
        lr=0.5,
        generator=gen(),
        progress=True,
    )
    assert len(hist["loss"]) == 2 and hist["loss"][1] < hist["loss"][0]
    assert hist["lr"][-1] < hist["lr"][0]
    x, y = labelled(cube, labels, 5, "2d")
    model, probe = fit_linear_probe(enc, x, y, epochs=20, lr=0.1, batch_size=8, generator=gen())
    assert probe["loss"][-1] < probe["loss"][0]


def test_pretrain_1d_neighbour_pairs_without_augmentation():
    torch.manual_seed(0)
    cube, _ = toy_scene()
    sampler = PairSampler(cube, "neighbour", size=1)
    enc = ResNet1d(10, width=8, feature_dim=8)
    enc, hist = pretrain_barlow_twins(
        enc,
        Projector(8, 16, 16),
        sampler,
        None,
        epochs=1,
        steps_per_epoch=3,
        batch_size=16,
        generator=gen(),
        progress=False,
    )
    assert len(hist["loss"]) == 1 and torch.isfinite(torch.tensor(hist["loss"])).all()


def test_on_epoch_end_sees_the_encoder_after_each_whole_epoch():
    import copy

    import torch

    from hsinb.models import Projector, build_encoder
    from hsinb.training.pretrain import pretrain_barlow_twins
    from hsinb.views import PairSampler

    cube = torch.rand(12, 12, 5).numpy()
    enc = build_encoder("resnet1d", 5, width=4, feature_dim=4)
    seen = []
    _, hist = pretrain_barlow_twins(enc, Projector(4, 8, 8), PairSampler(cube, "neighbour", 1), None, epochs=3,
                                    steps_per_epoch=2, batch_size=16, generator=torch.Generator().manual_seed(0),
                                    progress=False, on_epoch_end=lambda e, m: seen.append((e, copy.deepcopy(m.state_dict()))))
    assert [e for e, _ in seen] == [1, 2, 3] and hist["steps"] == 6
    last = enc.state_dict()
    assert all(torch.equal(seen[-1][1][k], last[k]) for k in last)  # the last call: the trained encoder
    assert any(not torch.equal(seen[0][1][k], last[k]) for k in last if last[k].is_floating_point())
