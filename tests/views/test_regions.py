"""Paper B's region sampler and the dihedral augmentation."""

from __future__ import annotations

import pytest
import torch

from hsinb.errors import ShapeMismatchError
from hsinb.views import RandomDihedral
from hsinb.views.regions import RegionSampler


def test_windows_hold_the_region_and_its_context():
    cube = torch.arange(2 * 12 * 10, dtype=torch.float32).reshape(2, 12, 10)
    s = RegionSampler({"a": cube, "b": cube[:, :8, :8]}, p=3, margin=2, regions_per_scene=4)
    out = s.sample(torch.Generator().manual_seed(0))
    win, corners = out["a"]
    assert win.shape == (4, 2, 7, 7) and set(out) == {"a", "b"}
    for w, (r, c) in zip(win, corners.tolist()):
        assert 0 <= r <= 12 - 3 and 0 <= c <= 10 - 3
        assert torch.equal(w[:, 2:5, 2:5], cube[:, r:r + 3, c:c + 3])  # the region itself, at the centre


def test_a_scene_smaller_than_the_region_is_refused():
    with pytest.raises(ShapeMismatchError, match="smaller than p=6"):
        RegionSampler({"tiny": torch.zeros(3, 5, 5)}, p=6)


def test_dihedral_draws_all_eight_symmetries_of_a_patch():
    x = torch.arange(9.0).reshape(1, 1, 3, 3).repeat(400, 2, 1, 1)
    out = RandomDihedral()(x, torch.Generator().manual_seed(0))
    seen = {tuple(o[0].flatten().tolist()) for o in out}
    assert len(seen) == 8
    assert all(torch.equal(o[0], o[1]) for o in out)  # every band moves together
    with pytest.raises(ValueError, match="square"):
        RandomDihedral()(torch.zeros(2, 1, 3, 4))
