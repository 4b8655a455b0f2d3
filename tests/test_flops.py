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


@pytest.mark.parametrize("batch_first", [True, False])
def test_attention_by_formula(batch_first):
    n, tokens, dim = 3, 7, 16
    attn = nn.MultiheadAttention(dim, 4, batch_first=batch_first)
    t = torch.zeros(n, tokens, dim) if batch_first else torch.zeros(tokens, n, dim)
    expected = n * (4 * tokens * dim * dim + 2 * tokens * tokens * dim)
    model = nn.Module()
    model.attn = attn
    model.forward = lambda x: model.attn(x, x, x, need_weights=False)[0]
    assert count_macs(model, t) == expected

