"""Paper B's cross-domain CNN and the contextual CNN: shapes, domains, and the paper's FLOPs."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from hsinb.errors import UnknownNameError
from hsinb.models import count_macs
from hsinb.models.cross_domain import CrossDomainCNN


class _OneScene(nn.Module):
    def __init__(self, model, scene):
        super().__init__()
        self.model, self.scene = model, scene

    def forward(self, x):
        return self.model(x, self.scene)


@pytest.mark.parametrize("multiscale, more_res, n, paper_gflops", [(False, True, 5, 33.7), (True, False, 2, 43.9)])
def test_flops_of_the_whole_indian_pines_image_match_paper_b_table_1(multiscale, more_res, n, paper_gflops):
    """145 x 145 pixels, 200 bands, 16 classes; FLOPs = 2 x multiply-adds."""
    model = CrossDomainCNN({"ip": 200}, {"ip": 16}, n_modules=n, multiscale=multiscale, more_res=more_res)
    gflops = 2 * count_macs(_OneScene(model, "ip"), torch.zeros(1, 200, 145, 145)) / 1e9
    assert abs(gflops - paper_gflops) / paper_gflops < 0.01, gflops


def test_scenes_with_different_bands_share_one_network():
    model = CrossDomainCNN({"a": 30, "b": 50}, {"a": 4}, width=8, n_modules=2)
    assert model.features(torch.randn(3, 30, 7, 7), "a").shape == (3, 8, 7, 7)
    assert model.features(torch.randn(3, 50, 7, 7), "b").shape == (3, 8, 7, 7)
    assert model.centre_logits(torch.randn(3, 30, 5, 5), "a").shape == (3, 4)
    with pytest.raises(UnknownNameError, match="no classifier for scene 'b'"):
        model(torch.randn(1, 50, 5, 5), "b")


def test_a_new_domain_starts_from_a_small_gaussian_and_keeps_the_shared_weights():
    model = CrossDomainCNN({"a": 30}, width=8, n_modules=2)
    shared = {k: v.clone() for k, v in model.shared.state_dict().items()}
    model.add_domain("t", 20, 3, init_std=0.001)
    w = torch.cat([p.flatten() for p in model.domain_parameters("t") if p.ndim > 1])
    assert 0.0005 < float(w.std()) < 0.002
    assert all(torch.equal(shared[k], v) for k, v in model.shared.state_dict().items())
    assert {id(p) for p in model.domain_parameters("t")}.isdisjoint({id(p) for p in model.shared.parameters()})


def test_the_receptive_field_is_the_first_layers_5x5():
    """1x1 layers after a 5x5 first layer: a pixel's embedding depends on its 5x5 window only."""
    model = CrossDomainCNN({"a": 6}, width=8, n_modules=2).eval()
    x = torch.randn(1, 6, 9, 9)
    y = x.clone()
    y[..., 0, 0] += 10.0  # 4 pixels away from the centre (4, 4): outside its window
    with torch.no_grad():
        assert torch.allclose(model.features(x, "a")[..., 4, 4], model.features(y, "a")[..., 4, 4])
        assert not torch.allclose(model.features(x, "a")[..., 2, 2], model.features(y, "a")[..., 2, 2])


def test_the_encoder_norm_normalises_each_pixel_alone_and_is_reset_at_transfer():
    from hsinb.models.cross_domain import ChannelNorm

    x = torch.randn(3, 8, 4, 4) * 5 + 2
    y = ChannelNorm(8)(x)
    assert torch.allclose(y.mean(1), torch.zeros(3, 4, 4), atol=1e-5)
    assert torch.allclose(ChannelNorm(8)(x[:1]), y[:1])  # no batch statistics
    model = CrossDomainCNN({"a": 6}, {"a": 3}, width=8, n_modules=1)
    norm = model.encoders["a"][1].norm
    with torch.no_grad():
        norm.weight.fill_(3.0)
    model.reinit_domain("a", 0.001)
    assert torch.all(norm.weight == 1.0) and torch.all(norm.bias == 0.0)
    assert isinstance(CrossDomainCNN({"a": 6}, encoder_norm="none").encoders["a"][1], torch.nn.Identity)
