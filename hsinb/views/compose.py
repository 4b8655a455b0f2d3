"""Composition of augmentations, the name registry and the canonical order.

``build_transforms(["noise", "flip"])`` and ``build_transforms(["flip", "noise"])`` give the
same pipeline: transforms always run in :data:`CANONICAL_ORDER` (geometry first, then
spectral re-mixing, intensity changes, noise, and the zeroing transforms last so that
dropped bands / pixels stay exactly zero). The paper applies its transforms "in a fixed
order" without saying which; this is ours.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch

from ..errors import UnknownParameterError, check_choice
from .radiometry import AtmosphericCompensation, HapkeScattering
from .spatial import RandomFlip, RandomResizedCrop, RandomRotation90
from .spatial_warp import ElasticDeformation, RandomRotation, SpatialShift
from .spectral import (
    AdjacentBandSwap,
    GaussianNoise,
    RandomBandDrop,
    RandomPixelDrop,
    RandomScale,
    RandomTranslation,
)
from .spectral_warp import (
    BandErasure,
    BandPermutation,
    ElasticSpectralDistortion,
    NeighbourMixing,
    SpectralFlip,
    SpectralShift,
)

__all__ = ["TRANSFORMS", "CANONICAL_ORDER", "SPATIAL", "SPECTRAL", "PAPER_A_TRANSFORMS", "PAPER_C_SPECTRAL",
           "PAPER_C_SPATIAL", "WAVELENGTH_AWARE", "TRANSFORM_SETS_C", "Compose", "OneOf", "build_transforms", "build_one_of",
           "build_transform_set_c", "augmentation_pairs"]

#: name -> transform class, in canonical order: geometry; band re-ordering / resampling /
#: mixing; radiometry and intensity; noise; zeroing last.
TRANSFORMS: dict[str, type] = {
    "flip": RandomFlip,
    "rotate": RandomRotation90,
    "rotation": RandomRotation,
    "resized_crop": RandomResizedCrop,
    "elastic": ElasticDeformation,
    "spatial_shift": SpatialShift,
    "spectral_shift": SpectralShift,
    "spectral_elastic": ElasticSpectralDistortion,
    "spectral_flip": SpectralFlip,
    "band_permutation": BandPermutation,
    "band_swap": AdjacentBandSwap,
    "neighbour_mix": NeighbourMixing,
    "hapke": HapkeScattering,
    "atmosphere": AtmosphericCompensation,
    "scale": RandomScale,
    "translate": RandomTranslation,
    "noise": GaussianNoise,
    "band_erasure": BandErasure,
    "band_drop": RandomBandDrop,
    "pixel_drop": RandomPixelDrop,
}
CANONICAL_ORDER: tuple[str, ...] = tuple(TRANSFORMS)
SPATIAL: tuple[str, ...] = ("flip", "rotate", "rotation", "resized_crop", "elastic", "spatial_shift")
SPECTRAL: tuple[str, ...] = tuple(n for n in CANONICAL_ORDER if n not in SPATIAL)
#: paper A, section 2.4 (``translate`` is its spectral bias, not a spatial shift)
PAPER_A_TRANSFORMS: tuple[str, ...] = ("flip", "rotate", "resized_crop", "band_swap", "scale", "translate",
                                       "noise", "band_drop", "pixel_drop")
#: paper C, section 3.3 (spectral) and 3.4 (spatial)
PAPER_C_SPECTRAL: tuple[str, ...] = ("spectral_shift", "spectral_flip", "hapke", "atmosphere", "spectral_elastic",
                                     "band_erasure", "band_permutation", "neighbour_mix")
PAPER_C_SPATIAL: tuple[str, ...] = ("rotation", "elastic", "flip", "spatial_shift")
#: transforms that need the band centres (nm) of the data, as their ``wavelengths`` parameter
WAVELENGTH_AWARE: tuple[str, ...] = tuple(n for n, cls in TRANSFORMS.items()
                                          if "wavelengths" in {f.name for f in dataclasses.fields(cls)})


@dataclass
class Compose:
    """Apply transforms one after the other with one shared generator.

    Args:
        transforms: callables ``t(x, generator) -> x``.
        names: their registry names (for display and records).
    """

    transforms: list[Callable[..., torch.Tensor]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Augmented copy of the batch ``x`` (same shape, device and dtype)."""
        for t in self.transforms:
            x = t(x, generator)
        return x

    def __len__(self) -> int:
        return len(self.transforms)

    def __repr__(self) -> str:
        inner = ", ".join(repr(t) for t in self.transforms)
        return f"Compose([{inner}])"


@dataclass
class OneOf:
    """Each sample goes through ONE transform drawn uniformly from ``transforms``.

    Vectorised over the batch: every candidate runs once on the samples that drew it (a
    loop over the few candidates, never over samples). Candidates should fire always
    (p = 1); :func:`build_one_of` builds them so.
    """

    transforms: list[Callable[..., torch.Tensor]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if not self.transforms:
            return x
        from .base import rand

        n = x.shape[0]
        pick = (rand((n,), generator, x.device) * len(self.transforms)).long().clamp(max=len(self.transforms) - 1)
        out = x.clone()
        for k, t in enumerate(self.transforms):
            idx = (pick == k).nonzero().flatten()
            if idx.numel():
                out[idx] = t(x[idx], generator)
        return out

    def __len__(self) -> int:
        return len(self.transforms)


def _make(name: str, p: float, params: dict) -> object:
    cls = TRANSFORMS[name]
    valid = [f.name for f in dataclasses.fields(cls)]
    for key in params:
        if key not in valid:
            raise UnknownParameterError(
                f"transform {name!r} has no parameter {key!r}; its parameters are: {', '.join(valid)}"
            )
    return cls(**{"p": p, **params})


def build_transforms(names: Iterable[str], p: float = 0.75, **overrides: dict) -> Compose:
    """A :class:`Compose` of the named transforms in the canonical order.

    Args:
        names: registry names (any order, duplicates ignored); empty gives the identity.
        p: per-sample probability given to every transform (the paper: 0.75).
        **overrides: per-transform parameters keyed by name, e.g.
            ``noise={"std": 0.1}, band_drop={"fraction": 0.2}`` (a ``"p"`` entry overrides
            ``p`` for that transform). Overrides for transforms not in ``names`` are ignored.

    Raises:
        UnknownNameError: an unknown transform name (in ``names`` or ``overrides``).
        UnknownParameterError: a parameter that transform does not have.
    """
    if isinstance(names, str):
        names = [names]
    wanted = set()
    for name in names:
        wanted.add(check_choice("transform", name, TRANSFORMS))
    for name, params in overrides.items():
        check_choice("transform", name, TRANSFORMS)
        if not isinstance(params, dict):
            raise TypeError(f"override for {name!r} must be a dict of parameters, got {params!r}")
    ordered = [n for n in CANONICAL_ORDER if n in wanted]
    return Compose([_make(n, p, overrides.get(n, {})) for n in ordered], ordered)


def augmentation_pairs(names: Iterable[str] | None = None, include_none: bool = True) -> list[str]:
    """The transform sets of paper A's pair matrix (Fig. 2), as comma-separated strings.

    ``"none"`` (no augmentation: the pairs come from the sampler alone), every single
    transform (the diagonal) and every unordered pair, each in :data:`CANONICAL_ORDER`:
    1 + n + n(n-1)/2 sets for n transforms (46 for paper A's 9, the default).
    """
    wanted = list(PAPER_A_TRANSFORMS) if names is None else [check_choice("transform", n, TRANSFORMS)
                                                          for n in dict.fromkeys(names)]
    ordered = [n for n in CANONICAL_ORDER if n in wanted]
    sets = ["none"] if include_none else []
    for i, a in enumerate(ordered):
        sets.extend([a] + [f"{a},{b}" for b in ordered[i + 1:]])
    return sets


def build_one_of(names: Iterable[str], **overrides: dict) -> OneOf:
    """A :class:`OneOf` of the named transforms, each firing with p = 1 (overrides as in
    :func:`build_transforms`, e.g. ``atmosphere={"wavelengths": scene.wavelengths}``)."""
    names = [check_choice("transform", n, TRANSFORMS) for n in dict.fromkeys(names)]
    return OneOf([_make(n, 1.0, overrides.get(n, {})) for n in names], names)


#: paper C's transform sets (Tables 1-2 columns)
TRANSFORM_SETS_C: tuple[str, ...] = ("none", "spectral", "spatial", "spectral+spatial")


def build_transform_set_c(name: str, wavelengths=None) -> Compose:
    """The view of paper C's column ``name``: ``"none"`` (identity), ``"spectral"`` (one of
    the 8 spectral transforms per sample), ``"spatial"`` (one of the 4 spatial ones) or
    ``"spectral+spatial"`` (a spatial transform, then a spectral one, as in the paper)."""
    check_choice("transform set", name, TRANSFORM_SETS_C)
    over = {n: {"wavelengths": wavelengths} for n in WAVELENGTH_AWARE} if wavelengths is not None else {}
    parts: list = []
    if "spatial" in name:
        parts.append(build_one_of(PAPER_C_SPATIAL))
    if "spectral" in name:
        parts.append(build_one_of(PAPER_C_SPECTRAL, **over))
    return Compose(parts, [name] if parts else [])
