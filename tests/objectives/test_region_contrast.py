"""Paper B, eq. (1) against a direct loop over the formula."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from hsinb.errors import ShapeMismatchError
from hsinb.objectives import region_info_nce


def _reference(z, groups, tau):
    """L = (1/M) Σ_q Σ_{k+ in R(q)} −log(exp(q·k+/τ) / Σ_{i≠q} exp(q·k_i/τ)), cosine q·k."""
    z = np.asarray(z, np.float64)
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    m = len(z)
    total = 0.0
    for q in range(m):
        den = sum(math.exp(z[q] @ z[i] / tau) for i in range(m) if i != q)
        for k in range(m):
            if k != q and groups[k] == groups[q]:
                total += -math.log(math.exp(z[q] @ z[k] / tau) / den)
    return total / m


@pytest.mark.parametrize("tau", [0.07, 0.5])
def test_matches_the_formula_written_out(tau):
    g = torch.Generator().manual_seed(0)
    z = torch.randn(13, 6, generator=g, dtype=torch.float64)
    groups = torch.tensor([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3])  # group 3: one pixel, no positive
    got = region_info_nce(z, groups, tau)
    assert math.isclose(float(got), _reference(z.numpy(), groups.numpy(), tau), rel_tol=1e-5)


def test_clustered_regions_have_a_lower_loss_than_mixed_ones():
    g = torch.Generator().manual_seed(1)
    centres = torch.randn(4, 8, generator=g) * 5
    groups = torch.arange(4).repeat_interleave(9)
    clustered = centres[groups] + 0.05 * torch.randn(36, 8, generator=g)
    mixed = torch.randn(36, 8, generator=g)
    assert region_info_nce(clustered, groups) < region_info_nce(mixed, groups)


def test_bad_shapes_are_refused():
    with pytest.raises(ShapeMismatchError):
        region_info_nce(torch.zeros(4, 3), torch.zeros(5, dtype=torch.long))
    with pytest.raises(ValueError, match="tau"):
        region_info_nce(torch.zeros(4, 3), torch.zeros(4, dtype=torch.long), tau=0)
