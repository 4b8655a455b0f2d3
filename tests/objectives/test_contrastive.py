"""Multi-positive InfoNCE (paper C, eq. 1-4) against a direct loop over the formula."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from hsinb.errors import ShapeMismatchError, UnknownNameError
from hsinb.objectives import (
    contrastive_regression_loss,
    label_positive_mask,
    multi_positive_info_nce,
    radius_positive_mask,
)


def _reference(za, zb, y, r, tau, denominator):
    """Eq. (2) written out with Python loops over anchors, positives and negatives."""
    z = np.concatenate([za, zb]).astype(np.float64)
    yy = np.concatenate([y, y]).astype(np.float64)
    m = len(z)
    n = m // 2

    def sim(a, b):
        return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))

    total, anchors = 0.0, 0
    for i in range(m):
        ball = [j for j in range(m) if j != i and np.linalg.norm(yy[i] - yy[j]) <= r]
        others = [k for k in range(m) if k != i and k not in ball] if denominator == "negatives" else \
            [k for k in range(m) if k != i]
        if not others or not ball:
            continue
        den = sum(math.exp(sim(z[i], z[k]) / tau) for k in others)
        terms = [-math.log(math.exp(sim(z[i], z[j]) / tau) / den) for j in ball]
        if denominator == "negatives":
            total += sum(terms)
        else:
            total += sum(terms) / len(terms)
            anchors += 1
    return total / n if denominator == "negatives" else total / anchors


@pytest.mark.parametrize("denominator", ["negatives", "all"])
@pytest.mark.parametrize("radius", [0.0, 0.15, 0.4])
def test_info_nce_matches_the_formula(denominator, radius):
    g = torch.Generator().manual_seed(0)
    za, zb = torch.randn(7, 5, generator=g), torch.randn(7, 5, generator=g)
    y = torch.rand(7, 3, generator=g)
    y[3] = y[1]  # an exact duplicate target: positives even at radius 0
    got = multi_positive_info_nce(za, zb, radius_positive_mask(y, radius), tau=0.3, denominator=denominator)
    want = _reference(za.numpy(), zb.numpy(), y.numpy(), radius, 0.3, denominator)
    assert float(got) == pytest.approx(want, rel=1e-5)


def test_radius_mask_always_pairs_the_two_views_and_never_self():
    y = torch.tensor([[0.0], [1.0], [0.05]])
    m = radius_positive_mask(y, 0.1)
    assert m.shape == (6, 6) and not m.diagonal().any()
    assert m[0, 3] and m[3, 0] and m[1, 4]  # each sample's other view
    assert m[0, 2] and m[0, 5] and not m[0, 1]  # 0.05 apart: inside; 1.0 apart: outside
    assert torch.equal(m, m.T)
    # radius 0 on many rows: each sample's other view stays its positive (the mask ORs in the identity)
    y = torch.rand(64, 3) * 100
    m = radius_positive_mask(y, 0.0)
    assert bool(m[torch.arange(64), torch.arange(64) + 64].all()) and not m.diagonal().any()


def test_label_mask_and_loss_prefer_aligned_views():
    ids = torch.tensor([0, 0, 1, 2])
    m = label_positive_mask(ids)
    assert m[0, 1] and m[0, 5] and not m[0, 2]
    z = torch.randn(4, 8)
    aligned = multi_positive_info_nce(z, z, m, tau=0.1, denominator="all")
    shuffled = multi_positive_info_nce(z, z[torch.tensor([2, 3, 0, 1])], m, tau=0.1, denominator="all")
    assert aligned < shuffled


def test_total_loss_is_mse_plus_alpha_times_contrastive():
    g = torch.Generator().manual_seed(1)
    pred, y = torch.rand(6, 3, generator=g), torch.rand(6, 3, generator=g)
    za, zb = torch.randn(6, 4, generator=g), torch.randn(6, 4, generator=g)
    total, parts = contrastive_regression_loss(pred, y, za, zb, alpha=0.5, radius=0.2, tau=0.5)
    assert parts["mse"] == pytest.approx(float(((pred - y) ** 2).sum(1).mean()))
    assert float(total) == pytest.approx(parts["mse"] + 0.5 * parts["contrastive"], rel=1e-6)
    zero, p0 = contrastive_regression_loss(pred, y, za, zb, alpha=0.0, radius=0.2, tau=0.5)
    assert float(zero) == pytest.approx(p0["mse"]) and p0["contrastive"] == 0.0


def test_bad_inputs_are_named():
    z = torch.randn(4, 3)
    with pytest.raises(ShapeMismatchError, match=r"\(8, 8\)"):
        multi_positive_info_nce(z, z, torch.zeros(4, 4, dtype=torch.bool))
    with pytest.raises(UnknownNameError):
        multi_positive_info_nce(z, z, label_positive_mask(torch.arange(4)), denominator="bogus")
    with pytest.raises(ValueError, match="tau"):
        multi_positive_info_nce(z, z, label_positive_mask(torch.arange(4)), tau=0)


def test_cosine_matrix_from_the_gram_matches_normalised_rows_and_their_gradient():
    import torch.nn.functional as F

    from hsinb.objectives.contrastive import cosine_similarity_matrix

    torch.manual_seed(0)
    z = torch.randn(10, 300, requires_grad=True)
    w = torch.randn(10, 10)
    ours = cosine_similarity_matrix(z)
    zn = F.normalize(z, dim=1)
    ref = zn @ zn.T
    assert torch.allclose(ours, ref, atol=1e-5)
    g_ours, = torch.autograd.grad((ours * w).sum(), z)
    g_ref, = torch.autograd.grad((ref * w).sum(), z)
    assert torch.allclose(g_ours, g_ref, atol=1e-5)
    # a feature vector of zeros (a dead ReLU layer) gets a finite gradient, not NaN
    z0 = torch.cat([torch.zeros(1, 300), torch.randn(3, 300)]).requires_grad_()
    g0, = torch.autograd.grad((cosine_similarity_matrix(z0) * torch.randn(4, 4)).sum(), z0)
    assert torch.isfinite(g0).all()


def test_stacked_views_give_the_same_loss_as_two_tensors():
    torch.manual_seed(1)
    za, zb = torch.randn(6, 20), torch.randn(6, 20)
    pos = radius_positive_mask(torch.rand(6, 2), 0.4)
    two = multi_positive_info_nce(za, zb, pos, 0.5)
    stacked = multi_positive_info_nce(torch.cat([za, zb]), None, pos, 0.5)
    assert torch.allclose(two, stacked)
    with pytest.raises(ShapeMismatchError, match="2N"):
        multi_positive_info_nce(torch.randn(5, 20), None, pos, 0.5)
