"""How two views of one thing are made: pair samplers and augmentations.

* :mod:`~hsinb.views.spectral`: band-axis transforms for (N, B), (N, B, p, p), (N, 1, B, p, p).
* :mod:`~hsinb.views.spatial`: p×p-plane transforms for patches (identity on spectra).
* :mod:`~hsinb.views.compose`: :data:`TRANSFORMS` registry and :func:`build_transforms`.
* :mod:`~hsinb.views.pairs`: :class:`PairSampler` (overlapping patches, neighbour pixels, same).
"""

from .compose import CANONICAL_ORDER, SPATIAL, SPECTRAL, TRANSFORMS, Compose, build_transforms
from .pairs import PAIR_MODES, PairSampler, neighbour_offsets, overlap_offsets
from .spatial import RandomFlip, RandomResizedCrop, RandomRotation90
from .spectral import (
    AdjacentBandSwap,
    GaussianNoise,
    RandomBandDrop,
    RandomPixelDrop,
    RandomScale,
    RandomTranslation,
)

__all__ = [
    "TRANSFORMS",
    "CANONICAL_ORDER",
    "SPATIAL",
    "SPECTRAL",
    "Compose",
    "build_transforms",
    "PAIR_MODES",
    "PairSampler",
    "overlap_offsets",
    "neighbour_offsets",
    "RandomFlip",
    "RandomRotation90",
    "RandomResizedCrop",
    "RandomScale",
    "GaussianNoise",
    "RandomBandDrop",
    "RandomPixelDrop",
    "AdjacentBandSwap",
    "RandomTranslation",
]
