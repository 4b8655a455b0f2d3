"""count_macs against torch's own FLOP counter and against the formula by hand."""

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from hsinb.models import build_backbone_3d, count_macs


@pytest.mark.parametrize("name", ["luo", "hamida", "li", "atik"])
def test_conv_backbones_match_torch_flop_counter(name):
    model = build_backbone_3d(name, 40, 6).eval()
    x = torch.zeros(3, 1, 40, 6, 6)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(x)
    assert count_macs(model, x) == counter.get_total_flops() // 2


def test_conv_and_linear_by_hand():
    model = nn.Sequential(nn.Conv3d(1, 4, (3, 2, 2)), nn.Flatten(), nn.Linear(4 * 6 * 3 * 3, 5))
    x = torch.zeros(2, 1, 8, 4, 4)
    conv = 2 * (4 * 6 * 3 * 3) * (1 * 3 * 2 * 2)  # outputs x MACs per output
    linear = 2 * 5 * (4 * 6 * 3 * 3)
    assert count_macs(model, x) == conv + linear


def test_grouped_conv_counts_its_groups():
    model = nn.Conv2d(8, 16, 3, padding=1, groups=4)
    assert count_macs(model, torch.zeros(1, 8, 5, 5)) == 16 * 25 * 2 * 9


def _attention_model(attn: nn.MultiheadAttention, call):
    model = nn.Module()
    model.attn = attn
    model.forward = lambda q, kv: call(model.attn, q, kv)
    return model


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("call", [lambda a, q, kv: a(q, kv, kv, need_weights=False)[0],
                                  lambda a, q, kv: a(q, key=kv, value=kv)[0],
                                  lambda a, q, kv: a(query=q, key=kv, value=kv)[0]],
                         ids=["positional", "key-kw", "all-kw"])
def test_attention_counted_against_an_explicit_computation(batch_first, call):
    n, lq, lk, dim, kdim = 3, 7, 5, 16, 12
    attn = nn.MultiheadAttention(dim, 4, batch_first=batch_first, kdim=kdim, vdim=kdim)
    q = torch.zeros(n, lq, dim) if batch_first else torch.zeros(lq, n, dim)
    kv = torch.zeros(n, lk, kdim) if batch_first else torch.zeros(lk, n, kdim)
    # the same attention written with explicit matrix products, counted by torch
    with FlopCounterMode(display=False) as counter:
        qq, kk = torch.zeros(n, lq, dim), torch.zeros(n, lk, kdim)
        proj_q = qq @ torch.zeros(dim, dim)
        proj_k = kk @ torch.zeros(kdim, dim)
        proj_v = kk @ torch.zeros(kdim, dim)
        scores = proj_q @ proj_k.transpose(1, 2)  # heads together: (lq x dim) @ (dim x lk)
        mixed = scores @ proj_v
        mixed @ torch.zeros(dim, dim)
    assert count_macs(_attention_model(attn, call), (q, kv)) == counter.get_total_flops() // 2


def test_varahagiri_differs_from_torch_counter_by_the_attention_products_only():
    model = build_backbone_3d("varahagiri", 20, 4)
    x = torch.zeros(2, 1, 20, 4, 4)
    model.train()
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(x)  # training mode: the unfused path, whose projections torch counts
    tokens, dim, blocks = 16, 64, 2
    products = blocks * 2 * 2 * tokens * tokens * dim  # Q K^T and A V, batch 2
    assert count_macs(model, x) - counter.get_total_flops() // 2 == products


def test_counting_leaves_batchnorm_statistics_and_mode_alone():
    model = build_backbone_3d("varahagiri", 20, 4).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    count_macs(model, torch.randn(2, 1, 20, 4, 4))
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
