"""Paper C's augmentation toolbox: each transform checked against what it must do."""

from __future__ import annotations

import math

import pytest
import torch

from hsinb.errors import ShapeMismatchError
from hsinb.views import (
    PAPER_C_SPATIAL,
    PAPER_C_SPECTRAL,
    TRANSFORMS,
    AtmosphericCompensation,
    BandErasure,
    BandPermutation,
    ElasticDeformation,
    ElasticSpectralDistortion,
    HapkeScattering,
    NeighbourMixing,
    RandomRotation,
    SpatialShift,
    SpectralFlip,
    SpectralShift,
    build_transforms,
)
from hsinb.views.radiometry import check_reflectance, hapke_reff
from hsinb.views.spectral_warp import resample_bands


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def patches(n=6, b=30, p=7, seed=1):
    return torch.rand(n, b, p, p, generator=gen(seed)) * 0.6 + 0.05  # reflectance-like


def test_the_toolbox_is_registered():
    assert set(PAPER_C_SPECTRAL) | set(PAPER_C_SPATIAL) <= set(TRANSFORMS)
    assert len(PAPER_C_SPECTRAL) == 8 and len(PAPER_C_SPATIAL) == 4


def test_resample_at_integer_positions_is_a_gather():
    x = patches()
    pos = torch.arange(30.0).flip(0).expand(6, 30)
    assert torch.equal(resample_bands(x, pos), x.flip(1))


def test_spectral_shift_moves_bands_by_the_drawn_amount():
    x = torch.arange(40.0).expand(3, 40).contiguous()
    y = SpectralShift(p=1.0, max_shift=5)(x, gen(2))
    d = y - x  # a linear ramp shifted by s reads value b - s: constant difference -s inside
    inner = d[:, 6:-6]
    assert torch.allclose(inner, inner[:, :1].expand_as(inner), atol=1e-4)
    assert (inner[:, 0].abs() <= 5).all() and (inner[:, 0] != 0).all()


def test_spectral_flip_reverses_bands_of_every_layout():
    x = patches()
    assert torch.equal(SpectralFlip(p=1.0)(x, gen()), x.flip(1))
    assert torch.equal(SpectralFlip(p=1.0)(x.unsqueeze(1), gen()), x.unsqueeze(1).flip(2))


def test_elastic_spectral_distortion_interpolates_within_the_range():
    x = patches()
    y = ElasticSpectralDistortion(p=1.0, alpha=3, sigma=4)(x, gen(3))
    assert (y >= x.amin(1, keepdim=True) - 1e-6).all() and (y <= x.amax(1, keepdim=True) + 1e-6).all()
    assert torch.equal(ElasticSpectralDistortion(p=1.0, alpha=0.0)(x, gen(3)), x)


def test_band_erasure_zeroes_one_contiguous_block():
    x = patches()
    y = BandErasure(p=1.0, fraction=(0.2, 0.2))(x, gen(4))
    erased = (y[:, :, 0, 0] == 0)
    assert (erased.sum(1) == 6).all()  # 20 % of 30 bands
    for row in erased:  # test-only loop: the block is contiguous
        idx = row.nonzero().flatten()
        assert (idx.diff() == 1).all()


def test_band_permutation_moves_whole_blocks():
    x = torch.arange(24.0).expand(5, 24).contiguous()
    y = BandPermutation(p=1.0, groups=6)(x, gen(5))
    assert torch.equal(y.sort(1).values, x)  # a permutation of the bands
    blocks = y.view(5, 6, 4)
    assert ((blocks.diff(dim=2) == 1).all())  # each block of 4 consecutive bands stays intact
    assert not torch.equal(y, x)


def test_neighbour_mixing_averages_the_k_nearest_pixels():
    x = patches()
    assert torch.allclose(NeighbourMixing(p=1.0, k=1)(x, gen()), x)
    flat = torch.ones(2, 5, 3, 3) * torch.arange(5.0).view(1, 5, 1, 1)
    assert torch.allclose(NeighbourMixing(p=1.0, k=5)(flat, gen()), flat)  # identical pixels
    two = torch.zeros(1, 2, 1, 2)
    two[..., 1] = 1.0  # two pixels; k=2 averages them
    assert torch.allclose(NeighbourMixing(p=1.0, k=2)(two, gen()), torch.full_like(two, 0.5))


def test_hapke_round_trip_and_monotone_albedo():
    t = HapkeScattering(p=1.0)
    x = patches()
    w = t.albedo(x)
    mu = math.cos(math.radians(30))
    assert torch.allclose(hapke_reff(w, mu, mu).float(), x, atol=1e-4)  # inversion round trip
    ws = torch.linspace(0, 0.99, 50, dtype=torch.float64)
    assert (hapke_reff(ws, 0.8, 0.9).diff() > 0).all()
    y = HapkeScattering(p=1.0, incidence=(30, 30))(x, gen())  # the reference geometry
    assert torch.allclose(y, x, atol=1e-4)


def test_atmosphere_at_the_reference_is_identity_and_a_low_sun_dims_blue_most():
    lam = torch.linspace(400, 2400, 30)
    x = patches()
    ref = AtmosphericCompensation(p=1.0, zenith=(30, 30), beta=(0.1, 0.1), alpha=(1.3, 1.3), wavelengths=lam)
    assert torch.allclose(ref(x, gen()), x, atol=1e-5)
    low = AtmosphericCompensation(p=1.0, zenith=(80, 80), beta=(0.1, 0.1), alpha=(1.3, 1.3), wavelengths=lam)
    gain = (low(x, gen()) / x)[0, :, 0, 0]
    assert (gain < 1).all() and gain[0] < gain[-1]
    with pytest.raises(ShapeMismatchError, match="30 bands"):
        AtmosphericCompensation(p=1.0, wavelengths=lam[:10])(x, gen())


def test_rotation_by_ninety_degrees_equals_rot90():
    x = patches()
    y = RandomRotation(p=1.0, degrees=(90, 90))(x, gen())
    assert torch.allclose(y, torch.rot90(x, 1, dims=(-2, -1)), atol=1e-5) or \
        torch.allclose(y, torch.rot90(x, -1, dims=(-2, -1)), atol=1e-5)


def test_elastic_deformation_and_shift():
    x = patches()
    assert torch.allclose(ElasticDeformation(p=1.0, alpha=0.0)(x, gen()), x, atol=1e-5)  # grid_sample round-off
    y = ElasticDeformation(p=1.0, alpha=1.0)(x, gen(7))
    assert not torch.equal(y, x) and torch.isfinite(y).all()
    s = SpatialShift(p=1.0, max_shift=1)(x, gen(8))
    for i in range(x.shape[0]):  # test-only loop: the interior is x moved by one nonzero offset
        hits = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)
                and torch.equal(s[i, :, 2:-2, 2:-2], x[i, :, 2 - dy:5 - dy, 2 - dx:5 - dx])]
        assert hits, f"sample {i} is not a whole-pixel shift"


def test_spectral_spatial_composition_runs_on_3d_patches():
    t = build_transforms(["rotation", "hapke", "band_erasure"], p=1.0)
    x = patches().unsqueeze(1)
    y = t(x, gen(9))
    assert y.shape == x.shape and torch.isfinite(y).all()


def test_check_reflectance_refuses_counts_and_scaled_reflectance():
    import numpy as np

    rng = np.random.default_rng(0)
    check_reflectance(rng.random((5, 5, 8)), "reflectance in [0, 1]", "samson")  # passes
    check_reflectance(1.3 * rng.random((5, 5, 8)), "reflectance (simulated; PNMM values can exceed 1)")
    with pytest.raises(ValueError, match="radiance counts"):
        check_reflectance(rng.random((5, 5, 8)), "radiance counts", "salinas_a")
    with pytest.raises(ValueError, match="99th percentile"):
        check_reflectance(1e4 * rng.random((5, 5, 8)), "reflectance x 10^4", "paviaU")
