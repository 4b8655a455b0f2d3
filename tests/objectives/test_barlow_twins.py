"""Barlow Twins loss against an independent double-loop computation."""

from __future__ import annotations

import math

import pytest
import torch

from hsinb.errors import ShapeMismatchError
from hsinb.objectives import barlow_twins_loss, cross_correlation


def reference_loss(za: torch.Tensor, zb: torch.Tensor, lambd: float, eps: float = 1e-5) -> float:
    """Plain-Python Barlow Twins loss: explicit loops over dimensions and samples."""
    n, d = za.shape
    a, b = za.tolist(), zb.tolist()

    def standardise(z):
        cols = []
        for j in range(d):
            col = [z[k][j] for k in range(n)]
            mean = sum(col) / n
            var = sum((v - mean) ** 2 for v in col) / n
            cols.append([(v - mean) / math.sqrt(var + eps) for v in col])
        return cols  # cols[j][k]

    sa, sb = standardise(a), standardise(b)
    loss = 0.0
    for i in range(d):
        for j in range(d):
            c = sum(sa[i][k] * sb[j][k] for k in range(n)) / n
            loss += (1 - c) ** 2 if i == j else lambd * c**2
    return loss


@pytest.mark.parametrize("lambd", [5e-3, 0.5])
def test_matches_double_loop(lambd):
    g = torch.Generator().manual_seed(0)
    za = torch.randn(7, 4, generator=g, dtype=torch.float64)
    zb = za + 0.5 * torch.randn(7, 4, generator=g, dtype=torch.float64)
    got = barlow_twins_loss(za, zb, lambd=lambd)
    assert got.ndim == 0
    assert float(got) == pytest.approx(reference_loss(za, zb, lambd), rel=1e-5)


def test_invariances_and_bounds():
    g = torch.Generator().manual_seed(1)
    za, zb = torch.randn(16, 5, generator=g), torch.randn(16, 5, generator=g)
    base = barlow_twins_loss(za, zb)
    assert torch.allclose(barlow_twins_loss(3 * za + 2, zb), base, rtol=1e-4)
    assert torch.allclose(barlow_twins_loss(zb, za), base, rtol=1e-5)
    c = cross_correlation(za, za)
    assert torch.allclose(torch.diagonal(c), torch.ones(5), atol=1e-4)
    # identical, perfectly decorrelated embeddings: loss ~ 0
    a = torch.randn(16, 5, generator=g, dtype=torch.float64)
    q, _ = torch.linalg.qr(a - a.mean(0))  # centred, orthogonal columns
    assert float(barlow_twins_loss(q, q, lambd=1.0)) < 1e-6


def test_gradient_and_errors():
    za = torch.randn(8, 3, requires_grad=True)
    barlow_twins_loss(za, torch.randn(8, 3)).backward()
    assert za.grad is not None and torch.isfinite(za.grad).all()
    with pytest.raises(ShapeMismatchError):
        barlow_twins_loss(torch.randn(8, 3), torch.randn(8, 4))
    with pytest.raises(ShapeMismatchError):
        barlow_twins_loss(torch.randn(1, 3), torch.randn(1, 3))


def test_the_two_terms_make_the_loss():
    from hsinb.objectives.barlow_twins import barlow_twins_loss, barlow_twins_terms

    torch.manual_seed(0)
    za, zb = torch.randn(32, 6), torch.randn(32, 6)
    inv, red = barlow_twins_terms(za, zb)
    assert torch.allclose(inv + 0.01 * red, barlow_twins_loss(za, zb, lambd=0.01))
    inv_same, _ = barlow_twins_terms(za, za)
    assert inv_same < 1e-3 < inv  # identical views agree
