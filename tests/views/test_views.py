"""Augmentations and pair samplers of hsinb.views."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
import torch

from hsinb.errors import UnknownNameError, UnknownParameterError
from hsinb.views import CANONICAL_ORDER, TRANSFORMS

matplotlib.use("Agg")


# ============================================================================ names, apply

import itertools

import matplotlib

from hsinb.views import overlap_offsets, pairs

matplotlib.use("Agg")


# ============================================================================ names, apply


from hsinb.patches import PaddedCube
from hsinb.views import (
    SPATIAL,
    AdjacentBandSwap,
    GaussianNoise,
    PairSampler,
    RandomBandDrop,
    RandomFlip,
    RandomPixelDrop,
    RandomResizedCrop,
    RandomRotation90,
    RandomScale,
    RandomTranslation,
    build_transforms,
)

N, B, P = 12, 8, 5


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def batch(layout: str, seed: int = 1) -> torch.Tensor:
    x = torch.rand(N, B, P, P, generator=gen(seed)) + 0.5  # strictly positive, no zeros
    return {"1d": x[:, :, 2, 2].contiguous(), "2d": x, "3d": x.unsqueeze(1)}[layout]


def changed(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """(N,) bool: which samples differ."""
    return (x != y).flatten(1).any(1)


# ------------------------------------------------------------------ generic properties
@pytest.mark.parametrize("layout", ["1d", "2d", "3d"])
@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_shape_dtype_and_p0_identity(name, layout):
    x = batch(layout)
    y = TRANSFORMS[name](p=1.0)(x, gen())
    assert y.shape == x.shape and y.dtype == x.dtype and y.device == x.device
    assert torch.equal(TRANSFORMS[name](p=0.0)(x, gen()), x)


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_p1_changes_every_sample_and_p_half_some(name):
    x = batch("2d")
    assert changed(x, TRANSFORMS[name](p=1.0)(x, gen())).all()
    big = torch.rand(64, B, P, P, generator=gen(3)) + 0.5
    frac = changed(big, TRANSFORMS[name](p=0.5)(big, gen())).float().mean()
    assert 0.2 < frac < 0.8


@pytest.mark.parametrize("name", [n for n in TRANSFORMS if n in SPATIAL] + ["pixel_drop"])
def test_spatial_and_pixel_drop_are_noops_on_spectra(name):
    x = batch("1d")
    assert torch.equal(TRANSFORMS[name](p=1.0)(x, gen()), x)


def test_same_seed_same_output_and_other_seed_differs():
    x = batch("2d")
    t = build_transforms(list(TRANSFORMS), p=0.75)
    assert torch.equal(t(x, gen(5)), t(x, gen(5)))
    assert not torch.equal(t(x, gen(5)), t(x, gen(6)))


def test_three_d_equals_two_d():
    x = batch("2d")
    t = build_transforms(list(TRANSFORMS))
    assert torch.allclose(t(x.unsqueeze(1), gen(2)).squeeze(1), t(x, gen(2)))


# ------------------------------------------------------------------ spatial transforms
def test_flip_is_an_involution_and_only_flips():
    x = batch("2d")
    f = RandomFlip(p=1.0)
    y = f(x, gen(4))
    assert torch.equal(f(y, gen(4)), x)
    for i in range(N):  # test-only loop: each sample is a horizontal or vertical flip
        assert torch.equal(y[i], x[i].flip(-1)) or torch.equal(y[i], x[i].flip(-2))
    assert torch.equal(RandomFlip(p=1.0, vertical=False)(x, gen()), x.flip(-1))
    assert torch.equal(RandomFlip(p=1.0, horizontal=False)(x, gen()), x.flip(-2))


def test_rotation_four_times_is_identity():
    x = batch("3d")
    r = RandomRotation90(p=1.0)
    y = x
    for _ in range(4):
        y = r(y, gen(8))  # same k per sample each time
    assert torch.equal(y, x)
    once = r(x, gen(8))
    k = r.draw_k(N, gen(8), x.device)
    assert set(k.tolist()) <= {1, 2, 3}
    for i in range(N):
        assert torch.equal(once[i], torch.rot90(x[i], int(k[i]), dims=(-2, -1)))


def test_resized_crop_mixes_pixels_not_bands():
    spectra = torch.rand(N, B, 1, 1, generator=gen(1))
    x = spectra.expand(N, B, P, P).contiguous()  # every pixel of a patch has one spectrum
    y = RandomResizedCrop(p=1.0)(x, gen())
    assert torch.allclose(y, x, atol=1e-6)
    full = RandomResizedCrop(p=1.0, scale=(1.0, 1.0), ratio=(1.0, 1.0))
    assert torch.allclose(full(batch("2d"), gen()), batch("2d"), atol=1e-5)


# ------------------------------------------------------------------ spectral transforms
def test_band_drop_zeroes_exactly_the_drawn_bands():
    x = batch("2d")
    t = RandomBandDrop(p=1.0, fraction=0.25)
    y = t(x, gen())
    zero_band = (y == 0).all(-1).all(-1)  # (N, B)
    assert t.n_dropped(B) == 2 and (zero_band.sum(1) == 2).all()
    keep = ~zero_band
    assert torch.equal(y[keep], x[keep])
    assert ((y == 0) == zero_band[:, :, None, None].expand_as(y)).all()


def test_pixel_drop_zeroes_exactly_k_whole_pixels():
    x = batch("2d")
    t = RandomPixelDrop(p=1.0, fraction=0.2, keep_centre=True)
    y = t(x, gen())
    gone = (y == 0).all(1)  # (N, P, P)
    assert t.n_dropped(P * P) == 5 and (gone.flatten(1).sum(1) == 5).all()
    assert not gone[:, P // 2, P // 2].any()
    assert torch.equal(y.permute(0, 2, 3, 1)[~gone], x.permute(0, 2, 3, 1)[~gone])


def test_band_swap_swaps_disjoint_adjacent_pairs():
    x = batch("1d")
    t = AdjacentBandSwap(p=1.0, fraction=0.5)
    y = t(x, gen())
    perm = t.permutation(N, B, gen(), x.device)
    # with p=1 the mask draws nothing, so the permutation is the one applied
    assert torch.equal(y, torch.gather(x, 1, perm))
    moved = perm != torch.arange(B)
    assert (moved.sum(1) == 2 * t.n_pairs(B)).all()
    assert ((perm - torch.arange(B)).abs() <= 1).all()
    assert torch.equal(perm[torch.arange(N)[:, None], perm], torch.arange(B).expand(N, B))
    assert torch.equal(y.sort(1).values, x.sort(1).values)


def test_scale_preserves_spectral_shape():
    x = batch("2d")
    y = RandomScale(p=1.0, factor=(0.5, 2.0))(x, gen())
    ratio = (y / x).flatten(1)
    assert torch.allclose(ratio, ratio[:, :1].expand_as(ratio), rtol=1e-5)
    assert ((ratio >= 0.5) & (ratio <= 2.0)).all()


def test_translation_adds_one_bias_per_sample():
    x = batch("3d")
    y = RandomTranslation(p=1.0, bias=(-0.3, 0.3))(x, gen())
    d = (y - x).flatten(1)
    assert torch.allclose(d, d[:, :1].expand_as(d), atol=1e-6)
    assert (d.abs() <= 0.3 + 1e-6).all()


def test_noise_statistics():
    x = torch.zeros(64, 32)
    y = GaussianNoise(p=1.0, std=0.2)(x, gen())
    assert abs(float(y.std()) - 0.2) < 0.02 and abs(float(y.mean())) < 0.02


# ------------------------------------------------------------------ registry
def test_canonical_order_and_overrides():
    a = build_transforms(["noise", "flip", "band_drop"])
    b = build_transforms(["band_drop", "noise", "flip", "noise"])
    assert a.names == b.names == ["flip", "noise", "band_drop"]
    assert list(a.names) == [n for n in CANONICAL_ORDER if n in a.names]
    c = build_transforms(["noise"], p=0.3, noise={"std": 0.5}, flip={"p": 1.0})
    assert c.transforms[0].std == 0.5 and c.transforms[0].p == 0.3
    assert len(build_transforms([])) == 0
    assert torch.equal(build_transforms([])(batch("2d"), gen()), batch("2d"))


def test_unknown_names_raise():
    with pytest.raises(UnknownNameError, match="band_drop"):
        build_transforms(["flip", "colour_jitter"])
    with pytest.raises(UnknownNameError):
        build_transforms(["flip"], jitter={"x": 1})
    with pytest.raises(UnknownParameterError, match="std"):
        build_transforms(["noise"], noise={"sigma": 1})


# ------------------------------------------------------------------ pair samplers
CUBE = torch.rand(16, 12, 6, generator=gen(9))


@pytest.mark.parametrize("size,min_overlap", [(5, 0.5), (9, 0.5), (9, 0.8), (3, 0.3)])
def test_overlap_pairs_meet_min_overlap(size, min_overlap):
    s = PairSampler(CUBE, "overlap", size=size, min_overlap=min_overlap)
    ra, ca, rb, cb = s.sample_centres(256, gen())
    dr, dc = (rb - ra).abs(), (cb - ca).abs()
    frac = (size - dr).clamp(min=0) * (size - dc).clamp(min=0) / size**2
    assert (frac >= min_overlap - 1e-9).all()
    assert ((dr > 0) | (dc > 0)).all()
    assert ((rb >= 0) & (rb < 16) & (cb >= 0) & (cb < 12)).all()


def test_overlap_views_share_their_overlap():
    s = PairSampler(CUBE, "overlap", size=5)
    ra, ca, rb, cb = s.sample_centres(16, gen(1))
    xa, xb = s.views(ra, ca, rb, cb)
    assert xa.shape == xb.shape == (16, 6, 5, 5)
    pc = PaddedCube(CUBE, 5)
    assert torch.equal(xb, pc.extract(rb, cb, "2d"))
    for i in range(16):  # test-only loop
        dr, dc = int(rb[i] - ra[i]), int(cb[i] - ca[i])
        rs, cs = slice(max(0, dr), 5 + min(0, dr)), slice(max(0, dc), 5 + min(0, dc))
        rt, ct = slice(max(0, -dr), 5 + min(0, -dr)), slice(max(0, -dc), 5 + min(0, -dc))
        assert torch.equal(xa[i][:, rs, cs], xb[i][:, rt, ct])


def test_overlap_offsets_degenerate_cases():
    assert torch.equal(overlap_offsets(1), torch.zeros(1, 2, dtype=torch.long))
    assert torch.equal(overlap_offsets(9, 1.0), torch.zeros(1, 2, dtype=torch.long))
    # p=3: the 4-neighbours overlap 6/9, the diagonals only 4/9
    assert sorted(map(tuple, overlap_offsets(3, 0.5).tolist())) == [
        (-1, 0),
        (0, -1),
        (0, 1),
        (1, 0),
    ]


def test_neighbour_pairs_inside_window_and_image():
    s = PairSampler(CUBE, "neighbour", size=1, neighbourhood=5)
    ra, ca, rb, cb = s.sample_centres(512, gen())
    assert ((rb - ra).abs() <= 2).all() and ((cb - ca).abs() <= 2).all()
    assert ((rb != ra) | (cb != ca)).all()
    assert ((rb >= 0) & (rb < 16) & (cb >= 0) & (cb < 12)).all()
    xa, xb = s.sample(7, gen())
    assert xa.shape == xb.shape == (7, 6) and s.layout == "1d"


def test_same_pairs_and_epoch_iteration():
    rows, cols = torch.tensor([0, 3, 5, 7, 9, 15]), torch.tensor([0, 1, 2, 3, 4, 11])
    s = PairSampler(CUBE, "same", size=3, pixels=(rows, cols), layout="3d")
    xa, xb = s.sample(4, gen())
    assert torch.equal(xa, xb) and xa.shape == (4, 1, 6, 3, 3)
    batches = list(s.epoch(2, gen()))
    assert len(batches) == 3 == s.n_batches(2)
    seen = torch.cat([a[:, 0, :, 1, 1] for a, _ in batches])
    want = CUBE[rows, cols]
    assert sorted(map(tuple, seen.tolist())) == sorted(map(tuple, want.tolist()))
    assert len(list(s.epoch(4, gen(), n_batches=5))) == 5
    with pytest.raises(UnknownNameError):
        PairSampler(CUBE, "random", size=3)


@pytest.mark.parametrize("size", [1, 3, 5, 9])
def test_window_overlap_is_the_shared_pixel_fraction(size):
    a = _pixels(20, 20, size)
    for dr, dc in itertools.product(range(-size - 1, size + 2), repeat=2):
        want = len(a & _pixels(20 + dr, 20 + dc, size)) / size**2
        assert pairs.window_overlap(20, 20, 20 + dr, 20 + dc, size) == pytest.approx(want)
    rows = np.array([0, 3, 7])
    got = pairs.window_overlap(rows, rows, rows + 1, rows - 2, size)
    assert got.shape == (3,) and np.allclose(got, got[0])


def test_window_overlap_agrees_with_the_sampler_offsets():
    offs = overlap_offsets(9, 0.5).numpy()
    frac = pairs.window_overlap(0, 0, offs[:, 0], offs[:, 1], 9)
    assert frac.min() >= 0.5 and frac.max() < 1.0
    r = np.arange(-8, 9)
    dr, dc = np.meshgrid(r, r, indexing="ij")
    every = pairs.window_overlap(0, 0, dr, dc, 9)
    assert int(((every >= 0.5) & ((dr != 0) | (dc != 0))).sum()) == len(offs)


def _pixels(r: int, c: int, size: int) -> set[tuple[int, int]]:
    h = size // 2
    return {(i, j) for i in range(r - h, r + h + 1) for j in range(c - h, c + h + 1)}
