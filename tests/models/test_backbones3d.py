"""Paper C's five 3-D backbones: shapes, sizes of their published layers, and training."""

from __future__ import annotations

import pytest
import torch

from hsinb.errors import PatchSizeError, ShapeMismatchError, UnknownNameError
from hsinb.models import BACKBONES_3D, Regressor, build_backbone_3d

B, S = 40, 10


@pytest.mark.parametrize("name", list(BACKBONES_3D))
def test_features_and_regression_shapes(name):
    net = build_backbone_3d(name, B, S)
    x = torch.rand(3, 1, B, S, S)
    f = net(x)
    assert f.shape == (3, net.feature_dim) and torch.isfinite(f).all()
    model = Regressor(net, 4, constraint="softmax")
    y, f2 = model(x)
    assert y.shape == (3, 4) and torch.allclose(y.sum(1), torch.ones(3)) and f2.shape == f.shape


@pytest.mark.parametrize("name", list(BACKBONES_3D))
def test_every_parameter_learns_and_a_small_step_descends(name):
    torch.manual_seed(0)
    model = Regressor(build_backbone_3d(name, B, S), 3)
    model.train()
    x, t = torch.rand(8, 1, B, S, S), torch.rand(8, 3)

    def loss_fn():
        return ((model(x)[0] - t) ** 2).mean()

    loss = loss_fn()
    loss.backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    dead = [n for n, g in grads.items() if g is None or not torch.isfinite(g).all() or g.abs().sum() == 0]
    assert not dead, f"no gradient reaches {dead}"
    norm = torch.sqrt(sum((g ** 2).sum() for g in grads.values()))
    with torch.no_grad():
        for p in model.parameters():
            p -= 1e-4 * p.grad / norm  # a short step along the negative gradient
    with torch.no_grad():
        assert float(loss_fn()) < float(loss.detach())


def test_published_layer_sizes():
    # Hamida: 35 maps; spectral depth 40 -> 38 -> 19 -> 19 -> 10 -> 10 -> 6; spatial S - 4
    assert build_backbone_3d("hamida", B, S).feature_dim == 35 * 6 * (S - 4) ** 2
    # Li: 2n = 32 maps, depth B - 4, spatial S - 4
    assert build_backbone_3d("li", B, S).feature_dim == 32 * (B - 4) * (S - 4) ** 2
    # Atik: 16 maps, depths (B - 4) + (B - 2) concatenated, spatial S - 3
    assert build_backbone_3d("atik", B, S).feature_dim == 16 * (2 * B - 6) * (S - 3) ** 2
    # Varahagiri: the 64-d mean token
    assert build_backbone_3d("varahagiri", B, S).feature_dim == 64
    # Luo: 8 maps of depth (B - 24) // 9 + 1 at (S - 2)^2 positions, then 8 @ 3x3 on that image
    d = (B - 24) // 9 + 1
    assert build_backbone_3d("luo", B, S).feature_dim == 8 * (d * (S - 2) ** 2 - 2) * (8 - 2)


def test_bad_inputs_are_named():
    with pytest.raises(UnknownNameError, match="hamida"):
        build_backbone_3d("hamilton", B, S)
    with pytest.raises(PatchSizeError, match="at least 5"):
        build_backbone_3d("li", B, 3)
    with pytest.raises(ShapeMismatchError, match="24 bands"):
        build_backbone_3d("luo", 20, S)
    with pytest.raises(ShapeMismatchError, match=r"\(N, 1, 40, 10, 10\)"):
        build_backbone_3d("atik", B, S)(torch.rand(2, B, S, S))
