"""Paper B's recipes on tiny problems: pre-training lowers eq. (1), supervised training
learns, the 10x learning rate reaches only the listed scene's layers."""

from __future__ import annotations

import torch

from hsinb.models.cross_domain import CrossDomainCNN
from hsinb.training.cross_domain import fit_scenes, pretrain_regions, sgd_schedule
from hsinb.views.regions import RegionSampler


def _scene(bands, seed):
    """A cube of 4 blocks with their own spectra, plus noise."""
    g = torch.Generator().manual_seed(seed)
    spectra = torch.randn(4, bands, generator=g)
    ids = torch.zeros(16, 16, dtype=torch.long)
    ids[:8, 8:], ids[8:, :8], ids[8:, 8:] = 1, 2, 3
    return spectra[ids].permute(2, 0, 1) + 0.1 * torch.randn(bands, 16, 16, generator=g)


def test_pretraining_reaches_the_floor_of_the_region_loss():
    """One 3x3 region per scene (paper B): 2 groups of 9 pixels. Eq. (1) is bounded below by
    8 ln 8 (each query's 8 positives share the denominator); separating the two scenes reaches it.
    The median of the last iterations: a region drawn across two blocks of a scene may lift one
    iteration's loss above the floor (a spike the clipped step recovers from)."""
    import math

    torch.manual_seed(0)
    model = CrossDomainCNN({"a": 12, "b": 20}, width=16, n_modules=2)
    sampler = RegionSampler({"a": _scene(12, 0), "b": _scene(20, 1)}, p=3, margin=2, regions_per_scene=1)
    hist = pretrain_regions(model, sampler, iterations=60, milestones=(40, 50), seed=0)
    floor = 8 * math.log(8)
    assert max(hist["loss"][:10]) > floor + 0.3
    last = sorted(hist["loss"][-11:])
    assert last[5] < floor * 1.01 and hist["pixels"] == 2 * 9


def test_supervised_training_learns_the_centre_pixel_class():
    torch.manual_seed(0)
    cube = _scene(10, 2)
    labels = torch.zeros(16, 16, dtype=torch.long)
    labels[:8, 8:], labels[8:, :8], labels[8:, 8:] = 1, 2, 3
    padded = torch.nn.functional.pad(cube[None], (2, 2, 2, 2), mode="reflect")[0]
    rows, cols = torch.meshgrid(torch.arange(16), torch.arange(16), indexing="ij")
    x = torch.stack([padded[:, r:r + 5, c:c + 5] for r, c in zip(rows.flatten(), cols.flatten())])
    y = labels.flatten()
    model = CrossDomainCNN({"t": 10}, {"t": 4}, width=16, n_modules=2)
    fit_scenes(model, {"t": (x, y)}, iterations=60, milestones=(40, 50), batch_size=32, seed=0)
    acc = (model.centre_logits(x, "t").argmax(1) == y).float().mean()
    assert acc > 0.9


def test_only_the_listed_scenes_layers_get_the_larger_learning_rate():
    from hsinb.training.cross_domain import _param_groups

    model = CrossDomainCNN({"s": 8}, width=8, n_modules=1)
    model.add_domain("t", 6, 3, init_std=0.001)
    opt, _ = sgd_schedule(_param_groups(model, ["t"], 10.0), lr=0.03, milestones=(60, 80))
    slow, fast = opt.param_groups
    assert slow["lr"] == 0.03 and abs(fast["lr"] - 0.3) < 1e-12
    assert {id(p) for p in fast["params"]} == {id(p) for p in model.domain_parameters("t")}
