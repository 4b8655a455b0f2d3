"""Encoders and heads of hsinb.models."""

from __future__ import annotations

import pytest
import torch

from hsinb.errors import ShapeMismatchError, UnknownNameError
from hsinb.models import (
    ENCODERS,
    EncoderWithHead,
    LinearClassifier,
    Projector,
    ResNet1d,
    ResNet2d,
    build_encoder,
)


def test_resnet2d_shapes_for_2d_and_3d_layouts():
    enc = ResNet2d(10, width=8, feature_dim=12)
    x = torch.randn(4, 10, 9, 9)
    assert enc(x).shape == (4, 12)
    assert enc(x.unsqueeze(1)).shape == (4, 12)
    assert enc.feature_dim == 12 and enc.layout == "2d"
    assert ResNet2d(10, width=8, feature_dim=8, stem_kernel=3)(x).shape == (4, 8)
    with pytest.raises(ShapeMismatchError):
        enc(torch.randn(4, 11, 9, 9))


def test_resnet1d_shapes():
    enc = ResNet1d(103, width=8, feature_dim=16)
    x = torch.randn(3, 103)
    assert enc(x).shape == (3, 16) and enc(x.unsqueeze(1)).shape == (3, 16)
    assert enc.layout == "1d"
    with pytest.raises(ShapeMismatchError):
        enc(torch.randn(3, 50))


def test_defaults_and_registry():
    enc = build_encoder("resnet2d", 5)
    assert enc.width == 64 and enc.feature_dim == 128
    assert build_encoder("resnet1d", 20, width=4, feature_dim=6)(torch.randn(2, 20)).shape == (2, 6)
    assert set(ENCODERS) == {"resnet1d", "resnet2d"}
    with pytest.raises(UnknownNameError, match="resnet2d"):
        build_encoder("vit", 10)


def test_heads_and_composition_backward():
    enc = ResNet2d(6, width=4, feature_dim=8)
    proj = Projector(8, hidden_dim=16, out_dim=10)
    assert [type(m).__name__ for m in proj] == [
        "Linear",
        "BatchNorm1d",
        "ReLU",
        "Linear",
        "BatchNorm1d",
        "ReLU",
        "Linear",
    ]
    assert len(Projector(8, n_layers=1)) == 1
    model = EncoderWithHead(enc, LinearClassifier(8, 3))
    x = torch.randn(5, 6, 9, 9)
    out = model(x)
    assert out.shape == (5, 3)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    assert EncoderWithHead(enc, proj)(x).shape == (5, 10)
