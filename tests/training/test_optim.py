"""LARS and the warm-up + cosine schedule."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from hsinb.training.optim import (
    LARS,
    lars_param_groups,
    warmup_cosine_factor,
    warmup_cosine_schedule,
)


def test_excluded_params_get_plain_sgd_momentum():
    torch.manual_seed(0)
    bias_a = nn.Parameter(torch.randn(5))
    bias_b = nn.Parameter(bias_a.detach().clone())
    lars = LARS([bias_a], lr=0.1, momentum=0.9, weight_decay=0.5)
    sgd = torch.optim.SGD([bias_b], lr=0.1, momentum=0.9)  # no decay, no trust ratio
    for _ in range(3):
        g = torch.randn(5)
        bias_a.grad, bias_b.grad = g.clone(), g.clone()
        lars.step()
        sgd.step()
    assert torch.allclose(bias_a, bias_b, atol=1e-6)


def test_trust_ratio_and_weight_decay_on_weights():
    torch.manual_seed(1)
    w = nn.Parameter(torch.randn(4, 3))
    w0 = w.detach().clone()
    lr, wd, eta, mom = 0.5, 0.01, 0.001, 0.9
    opt = LARS([w], lr=lr, momentum=mom, weight_decay=wd, eta=eta)
    g1 = torch.randn(4, 3)
    w.grad = g1.clone()
    opt.step()
    u1 = g1 + wd * w0
    u1 = u1 * eta * w0.norm() / u1.norm()
    assert torch.allclose(w, w0 - lr * u1, atol=1e-6)
    w1 = w.detach().clone()
    g2 = torch.randn(4, 3)
    w.grad = g2.clone()
    opt.step()
    u2 = g2 + wd * w1
    u2 = u2 * eta * w1.norm() / u2.norm()
    assert torch.allclose(w, w1 - lr * (mom * u1 + u2), atol=1e-6)


def test_zero_weight_uses_unit_ratio():
    w = nn.Parameter(torch.zeros(2, 2))
    opt = LARS([w], lr=1.0, momentum=0.0, weight_decay=0.0)
    w.grad = torch.ones(2, 2)
    opt.step()
    assert torch.allclose(w, -torch.ones(2, 2))


def test_param_groups_split_by_ndim():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2, bias=False))
    groups = lars_param_groups(model, lr=0.2, bias_lr_scale=0.1)
    assert [len(g["params"]) for g in groups] == [2, 3]
    assert groups[0]["lr"] == 0.2 and groups[1]["lr"] == pytest.approx(0.02)
    assert groups[1]["lars_exclude"] is True


def test_schedule_shape_at_known_steps():
    total, warm, final = 110, 10, 0.001
    f = [warmup_cosine_factor(s, total, warm, final) for s in range(total + 5)]
    assert f[0] == pytest.approx(0.1) and f[4] == pytest.approx(0.5) and f[9] == pytest.approx(1.0)
    assert f[10] == pytest.approx(1.0)
    assert f[60] == pytest.approx(final + (1 - final) * 0.5)  # half way down the cosine
    assert f[35] == pytest.approx(final + (1 - final) * 0.5 * (1 + math.cos(math.pi / 4)))
    assert f[110] == pytest.approx(final) and f[114] == pytest.approx(final)
    assert all(a >= b for a, b in zip(f[10:], f[11:]))  # non-increasing after warm-up
    assert warmup_cosine_factor(0, 10, 0) == pytest.approx(1.0)


def test_lambda_lr_integration():
    w = nn.Parameter(torch.ones(2, 2))
    b = nn.Parameter(torch.ones(2))
    opt = LARS([{"params": [w], "lr": 1.0}, {"params": [b], "lr": 0.1}], lr=1.0)
    sched = warmup_cosine_schedule(opt, total_steps=20, warmup_steps=4)
    lrs = []
    for _ in range(20):
        lrs.append([g["lr"] for g in opt.param_groups])
        w.grad, b.grad = torch.ones(2, 2), torch.ones(2)
        opt.step()
        sched.step()
    assert lrs[0] == pytest.approx([0.25, 0.025])
    assert lrs[3] == pytest.approx([1.0, 0.1]) and lrs[4] == pytest.approx([1.0, 0.1])
    assert lrs[-1][0] < 0.05
