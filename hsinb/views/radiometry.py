"""Physically motivated spectral augmentations of paper C (section 3.3): Hapke scattering
and atmospheric (illumination) compensation.

Both act on **reflectance** (unitless, about [0, 1]): use them on scenes loaded with
``normalise="none"`` (the synthetic scene of paper C and Samson are reflectances). Same
batch conventions as :mod:`hsinb.views.spectral`.

Hapke (1981; 2012, ch. 10), isotropic scatterers, no opposition effect, Chandrasekhar's
H function in Hapke's approximation:

    H(x, w) = (1 + 2x) / (1 + 2x √(1 − w)),
    REFF(i, e; w) = (w / 4) · H(cos i, w) H(cos e, w) / (cos i + cos e)

(reflectance factor, i: incidence, e: emission angle). Each value is read as REFF at a
reference geometry, inverted to the single-scattering albedo w (a monotone lookup table,
1024 points, linear interpolation) and rendered again at a random geometry.

Atmosphere. The original tables of paper C are not public; our model: optical depth
τ(λ) = τ_R(λ) + β λ^(−α) with Rayleigh τ_R = 0.008569 λ^−4 (1 + 0.0113 λ^−2 + 0.00013 λ^−4)
(λ in µm; Hansen & Travis 1974) and an Ångström aerosol term; ground irradiance per unit
of top-of-atmosphere irradiance with a direct and a diffuse term,

    E(λ) = μ_s e^(−τ/μ_s) + f_d μ_s (1 − e^(−τ/μ_s)),   f_d = 0.5,

and the upward path e^(−τ) (nadir view). The view is the residual of a compensation made
for the wrong atmosphere: the ground is seen through a random atmosphere (θ_s', β', α')
but compensated for the reference one (θ_s = 30°, β = 0.1, α = 1.3),
x' = x · G(λ; θ_s', β', α') / G(λ; reference), G = E · e^(−τ).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch

from ..errors import ShapeMismatchError
from .base import band_axis, check_p, check_range, per_sample, rand, sample_mask

__all__ = ["HapkeScattering", "AtmosphericCompensation", "hapke_reff", "optical_depth", "check_reflectance"]


def check_reflectance(cube, units: str, name: str = "the data") -> None:
    """Raise ``ValueError`` unless ``cube`` holds reflectance of order one, which the Hapke and
    atmosphere transforms need: ``units`` starting with "reflectance" and a 99th percentile of
    at most 2 (PNMM mixtures may exceed 1 a little; scaled reflectance, e.g. × 10^4, and
    radiance counts do not pass)."""
    p99 = float(np.nanpercentile(np.asarray(cube, dtype=np.float64), 99))
    if not units.lower().startswith("reflectance") or p99 > 2:
        raise ValueError(f"{name} is in {units!r} (99th percentile {p99:.4g}), not reflectance of order one; "
                         "the Hapke and atmosphere transforms need reflectance (e.g. samson or synthetic-c, "
                         "loaded with normalise='none')")


def _h(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    return (1 + 2 * x) / (1 + 2 * x * torch.sqrt((1 - w).clamp(min=0)))


def hapke_reff(w: torch.Tensor, mu0: torch.Tensor | float, mu: torch.Tensor | float) -> torch.Tensor:
    """Hapke reflectance factor of albedo ``w`` for cos(incidence) ``mu0``, cos(emission) ``mu``."""
    mu0 = torch.as_tensor(mu0, dtype=w.dtype, device=w.device)
    mu = torch.as_tensor(mu, dtype=w.dtype, device=w.device)
    return w / 4 * _h(mu0, w) * _h(mu, w) / (mu0 + mu)


@dataclass
class HapkeScattering:
    """Re-render reflectance at a random illumination / viewing geometry (Hapke model).

    Args:
        p: probability that a sample is re-rendered.
        incidence: (low, high) random incidence angle, degrees. Default (0, 85), as in the
            authors' code.
        emission: (low, high) random emission angle, degrees (ignored with ``same_angle``).
        reference: (incidence, emission) at which the data are taken to be measured.
            Default (30, 30), the authors' choice.
        same_angle: emission = incidence, as in the authors' code. Default True.

    Reflectance is read as albedo at the reference geometry, where the model's largest
    reflectance is about 1.08 (w → 1): values above it, and negative ones, are clamped to
    that range first, so very bright bands (e.g. a linear mixture of library spectra above 1)
    come back flattened at every angle.
    """

    p: float = 0.5
    incidence: tuple[float, float] = (0.0, 85.0)
    emission: tuple[float, float] = (0.0, 85.0)
    reference: tuple[float, float] = (30.0, 30.0)
    same_angle: bool = True

    def __post_init__(self) -> None:
        check_p(self.p)
        check_range("incidence", self.incidence)
        check_range("emission", self.emission)
        if not (0 <= self.incidence[0] and self.incidence[1] < 90 and 0 <= self.emission[0] and self.emission[1] < 90):
            raise ValueError("angles must lie in [0, 90) degrees")

    def albedo(self, x: torch.Tensor) -> torch.Tensor:
        """Single-scattering albedo w of reflectance ``x`` read at the reference geometry."""
        mu0, mu = (math.cos(math.radians(a)) for a in self.reference)
        w_grid = 1 - torch.linspace(1, 0, 1024, dtype=torch.float64, device=x.device) ** 2  # dense near w = 1
        r_grid = hapke_reff(w_grid, mu0, mu)
        r = x.detach().double().clamp(min=0, max=float(r_grid[-1]))
        idx = torch.searchsorted(r_grid, r.reshape(-1)).clamp(1, len(r_grid) - 1)
        r0, r1, w0, w1 = r_grid[idx - 1], r_grid[idx], w_grid[idx - 1], w_grid[idx]
        w = w0 + (w1 - w0) * (r.reshape(-1) - r0) / (r1 - r0).clamp(min=1e-15)
        return w.reshape(x.shape)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        band_axis(x)
        n = x.shape[0]
        mask = sample_mask(n, self.p, generator, x.device)
        u = rand((n, 2), generator, x.device).double()
        inc = torch.deg2rad(self.incidence[0] + (self.incidence[1] - self.incidence[0]) * u[:, 0])
        emi = inc if self.same_angle else torch.deg2rad(
            self.emission[0] + (self.emission[1] - self.emission[0]) * u[:, 1])
        w = self.albedo(x)
        out = hapke_reff(w, per_sample(torch.cos(inc), x), per_sample(torch.cos(emi), x)).to(x.dtype)
        return torch.where(mask.view(-1, *([1] * (x.ndim - 1))), out, x)


def optical_depth(wavelengths_um: torch.Tensor, beta: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """(N, B) total optical depth: Rayleigh (Hansen & Travis 1974) + Ångström aerosol β λ^−α."""
    lam = wavelengths_um[None, :]
    rayleigh = 0.008569 * lam**-4 * (1 + 0.0113 * lam**-2 + 0.00013 * lam**-4)
    return rayleigh + beta[:, None] * lam ** (-alpha[:, None])


def _two_way(wavelengths_um: torch.Tensor, zenith_deg: torch.Tensor, beta: torch.Tensor, alpha: torch.Tensor,
             diffuse_fraction: float) -> torch.Tensor:
    tau = optical_depth(wavelengths_um, beta, alpha)
    mu_s = torch.cos(torch.deg2rad(zenith_deg))[:, None]
    direct = mu_s * torch.exp(-tau / mu_s)
    diffuse = diffuse_fraction * mu_s * (1 - torch.exp(-tau / mu_s))
    return (direct + diffuse) * torch.exp(-tau)


@dataclass
class AtmosphericCompensation:
    """Residual of an atmospheric compensation made for the wrong atmosphere (see module doc).

    Args:
        p: probability that a sample is transformed.
        zenith: (low, high) random solar zenith angle, degrees. Default (0, 85), the
            authors' range (their sun and sky curves are not public; this model replaces them).
        beta: (low, high) Ångström turbidity β. Default (0, 0.3).
        alpha: (low, high) Ångström exponent α. Default (0.5, 2.0).
        diffuse_fraction: share of the scattered light reaching the ground. Default 0.5.
        wavelengths: band centres in nm, one per band: pass ``scene.wavelengths``. Default
            None: the bands are assumed to span 400-2500 nm evenly (an AVIRIS-like grid).
    """

    p: float = 0.5
    zenith: tuple[float, float] = (0.0, 85.0)
    beta: tuple[float, float] = (0.0, 0.3)
    alpha: tuple[float, float] = (0.5, 2.0)
    diffuse_fraction: float = 0.5
    wavelengths: Sequence[float] | torch.Tensor | None = None
    #: (zenith, β, α) the data were compensated for
    reference: ClassVar[tuple[float, float, float]] = (30.0, 0.1, 1.3)

    def __post_init__(self) -> None:
        check_p(self.p)
        for name in ("zenith", "beta", "alpha"):
            check_range(name, getattr(self, name))
        if not 0 <= self.diffuse_fraction <= 1:
            raise ValueError(f"diffuse_fraction must lie in [0, 1], got {self.diffuse_fraction}")

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        ax = band_axis(x)
        if self.wavelengths is None:
            lam = torch.linspace(0.4, 2.5, x.shape[ax], dtype=torch.float64, device=x.device)
        else:
            lam = torch.tensor(np.asarray(self.wavelengths, dtype=np.float64), device=x.device).reshape(-1) / 1000.0
        if lam.numel() != x.shape[ax]:
            raise ShapeMismatchError(f"atmosphere has {lam.numel()} wavelengths but the data {x.shape[ax]} bands")
        n = x.shape[0]
        mask = sample_mask(n, self.p, generator, x.device)
        u = rand((n, 3), generator, x.device).double()

        def draw(rng, k):
            return rng[0] + (rng[1] - rng[0]) * u[:, k]

        new = _two_way(lam, draw(self.zenith, 0), draw(self.beta, 1), draw(self.alpha, 2), self.diffuse_fraction)
        ref_z, ref_b, ref_a = (torch.full((1,), v, dtype=torch.float64, device=x.device) for v in self.reference)
        ref = _two_way(lam, ref_z, ref_b, ref_a, self.diffuse_fraction)
        gain = torch.where(mask[:, None], new / ref, torch.ones_like(new)).to(x.dtype)
        return x * per_sample(gain, x)
