"""How two views of one thing are made: pair samplers and augmentations.

* :mod:`~hsinb.views.spectral`: paper A's band-axis transforms for (N, B), (N, B, p, p),
  (N, 1, B, p, p).
* :mod:`~hsinb.views.spectral_warp`: paper C's band shifts, flips, warps, erasure,
  permutation and neighbour mixing.
* :mod:`~hsinb.views.radiometry`: paper C's Hapke scattering and atmospheric compensation
  (on reflectance).
* :mod:`~hsinb.views.spatial`: paper A's p×p-plane transforms (identity on spectra).
* :mod:`~hsinb.views.spatial_warp`: paper C's rotation by any angle, elastic deformation,
  translation.
* :mod:`~hsinb.views.compose`: :data:`TRANSFORMS` registry, :func:`build_transforms`,
  :func:`augmentation_pairs` (the sets of paper A's pair matrix).
* :mod:`~hsinb.views.pairs`: :class:`PairSampler` (overlapping patches, neighbour pixels, same).
* :mod:`~hsinb.views.regions`: paper B's p×p regions drawn from several scenes (its pseudo-labels).
"""

from .compose import (
    CANONICAL_ORDER,
    PAPER_A_TRANSFORMS,
    PAPER_C_SPATIAL,
    PAPER_C_SPECTRAL,
    SPATIAL,
    SPECTRAL,
    TRANSFORM_SETS_C,
    TRANSFORMS,
    WAVELENGTH_AWARE,
    Compose,
    OneOf,
    augmentation_pairs,
    build_one_of,
    build_transform_set_c,
    build_transforms,
)
from .pairs import PAIR_MODES, PairSampler, neighbour_offsets, overlap_offsets
from .radiometry import AtmosphericCompensation, HapkeScattering
from .spatial import RandomDihedral, RandomFlip, RandomResizedCrop, RandomRotation90
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

__all__ = [
    "TRANSFORMS", "CANONICAL_ORDER", "SPATIAL", "SPECTRAL", "PAPER_A_TRANSFORMS", "PAPER_C_SPECTRAL",
    "PAPER_C_SPATIAL", "WAVELENGTH_AWARE", "TRANSFORM_SETS_C", "Compose", "OneOf", "build_transforms", "build_one_of",
    "build_transform_set_c", "augmentation_pairs",
    "PAIR_MODES", "PairSampler", "overlap_offsets", "neighbour_offsets",
    "RandomFlip", "RandomRotation90", "RandomResizedCrop", "RandomDihedral", "RandomRotation", "ElasticDeformation", "SpatialShift",
    "RandomScale", "GaussianNoise", "RandomBandDrop", "RandomPixelDrop", "AdjacentBandSwap", "RandomTranslation",
    "SpectralShift", "SpectralFlip", "ElasticSpectralDistortion", "BandErasure", "BandPermutation",
    "NeighbourMixing", "HapkeScattering", "AtmosphericCompensation",
]
