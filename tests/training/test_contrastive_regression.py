"""Paper C's joint training recipe and its per-sample transform choice."""

from __future__ import annotations

import torch

from hsinb.models import Regressor, build_backbone_3d
from hsinb.training.contrastive_regression import fit_contrastive_regression, predict_regression
from hsinb.views import TRANSFORM_SETS_C, SpectralFlip, build_transform_set_c
from hsinb.views.compose import OneOf


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_one_of_applies_exactly_one_candidate_per_sample():
    x = torch.rand(200, 12)
    t = OneOf([SpectralFlip(p=1.0), lambda v, g: v * 0 - 1.0], ["spectral_flip", "minus_one"])
    y = t(x, gen())
    flipped = (y == x.flip(1)).all(1)
    minus = (y == -1).all(1)
    assert (flipped ^ minus).all() and 60 < int(flipped.sum()) < 140


def test_transform_sets_of_paper_c_run_on_reflectance_patches():
    x = torch.rand(16, 1, 30, 6, 6) * 0.5 + 0.05
    lam = torch.linspace(400, 900, 30)
    for name in TRANSFORM_SETS_C:
        y = build_transform_set_c(name, lam)(x, gen(1))
        assert y.shape == x.shape and torch.isfinite(y).all()
        assert torch.equal(y, x) == (name == "none")


def _toy(n=64, b=30, s=5, seed=0):
    g = gen(seed)
    a = torch.rand(n, 2, generator=g)
    a = torch.cat([a, 1 - a.sum(1, keepdim=True).clamp(max=1)], 1).clamp(min=0)
    a = a / a.sum(1, keepdim=True)
    ends = torch.rand(3, b, generator=g)
    spectra = a @ ends  # (n, b) linear mixtures
    x = spectra[:, None, :, None, None].expand(n, 1, b, s, s) + 0.01 * torch.randn(n, 1, b, s, s, generator=g)
    return x.contiguous(), a


def test_regression_learns_and_contrastive_variant_records_both_terms():
    x, y = _toy()
    torch.manual_seed(0)
    model = Regressor(build_backbone_3d("hamida", 30, 5), 3, constraint="softmax")
    hist = fit_contrastive_regression(model, x, y, epochs=8, batch_size=32, lr=0.05, generator=gen())
    assert hist["mse"][-1] < hist["mse"][0] and all(c == 0 for c in hist["contrastive"])
    pred = predict_regression(model, x)
    assert pred.shape == y.shape and torch.allclose(pred.sum(1), torch.ones(len(y)), atol=1e-5)

    torch.manual_seed(0)
    model2 = Regressor(build_backbone_3d("hamida", 30, 5), 3, constraint="softmax")
    h2 = fit_contrastive_regression(model2, x, y, view=build_transform_set_c("spectral"), alpha=0.1, radius=0.1,
                                    tau=0.5, epochs=3, batch_size=32, generator=gen())
    assert all(c > 0 for c in h2["contrastive"])
    assert abs(h2["loss"][0] - (h2["mse"][0] + 0.1 * h2["contrastive"][0])) < 1e-4


def test_same_seed_same_model():
    x, y = _toy(n=32)
    outs = []
    for _ in range(2):
        torch.manual_seed(3)
        m = Regressor(build_backbone_3d("li", 30, 5), 3)
        fit_contrastive_regression(m, x, y, view=build_transform_set_c("spatial"), alpha=0.1, epochs=2,
                                   batch_size=16, generator=gen(4))
        outs.append(predict_regression(m, x))
    assert torch.equal(outs[0], outs[1])
