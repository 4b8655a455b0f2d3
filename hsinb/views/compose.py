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
from .spatial import RandomFlip, RandomResizedCrop, RandomRotation90
from .spectral import (
    AdjacentBandSwap,
    GaussianNoise,
    RandomBandDrop,
    RandomPixelDrop,
    RandomScale,
    RandomTranslation,
)

__all__ = ["TRANSFORMS", "CANONICAL_ORDER", "SPATIAL", "SPECTRAL", "Compose", "build_transforms"]

#: name -> transform class, in canonical order.
TRANSFORMS: dict[str, type] = {
    "flip": RandomFlip,
    "rotate": RandomRotation90,
    "resized_crop": RandomResizedCrop,
    "band_swap": AdjacentBandSwap,
    "scale": RandomScale,
    "translate": RandomTranslation,
    "noise": GaussianNoise,
    "band_drop": RandomBandDrop,
    "pixel_drop": RandomPixelDrop,
}
CANONICAL_ORDER: tuple[str, ...] = tuple(TRANSFORMS)
SPATIAL: tuple[str, ...] = ("flip", "rotate", "resized_crop")
SPECTRAL: tuple[str, ...] = tuple(n for n in CANONICAL_ORDER if n not in SPATIAL)


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
