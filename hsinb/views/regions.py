"""Paper B's pseudo-labels: p×p regions drawn from several scenes.

Each iteration draws ``regions_per_scene`` random p×p regions from every scene (paper B:
one); the pixels of one region are one group (positives of each other), pixels of other
regions are negatives. A region is cut from the scene with a ``margin`` of context on each
side (the encoder's receptive field: 2 for a 5×5 first layer and 1×1 layers after it), so
that every pixel of the region is embedded from its own neighbourhood; the scene is
reflect-padded once by the margin, so regions may touch its border.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..errors import ShapeMismatchError

__all__ = ["RegionSampler"]


@dataclass
class RegionSampler:
    """Draws p×p regions (with a context margin) from band-first scene cubes.

    Args:
        cubes: scene name → (B_s, H, W) float tensor (each scene normalised on its own).
        p: region side in pixels (paper B: 5).
        margin: context pixels around a region (2 for a 5×5 first layer).
        regions_per_scene: regions drawn from each scene per call (paper B: 1).
    """

    cubes: dict[str, torch.Tensor]
    p: int = 5
    margin: int = 2
    regions_per_scene: int = 1

    def __post_init__(self) -> None:
        if self.p < 1 or self.regions_per_scene < 1 or self.margin < 0:
            raise ValueError(f"need p >= 1, regions_per_scene >= 1, margin >= 0; got {self.p}, "
                             f"{self.regions_per_scene}, {self.margin}")
        self._padded = {}
        for name, cube in self.cubes.items():
            if cube.ndim != 3:
                raise ShapeMismatchError(f"scene {name!r}: need a (B, H, W) cube, got {tuple(cube.shape)}")
            if min(cube.shape[1:]) < self.p:
                raise ShapeMismatchError(f"scene {name!r} ({cube.shape[1]}x{cube.shape[2]}) is smaller than p={self.p}")
            m = self.margin
            self._padded[name] = F.pad(cube[None], (m, m, m, m), mode="reflect")[0] if m else cube

    def corners(self, name: str, generator: torch.Generator | None = None) -> torch.Tensor:
        """(regions_per_scene, 2) top-left (row, col) of random regions inside the scene."""
        _, h, w = self.cubes[name].shape
        rows = torch.randint(0, h - self.p + 1, (self.regions_per_scene,), generator=generator)
        cols = torch.randint(0, w - self.p + 1, (self.regions_per_scene,), generator=generator)
        return torch.stack([rows, cols], 1)

    def windows(self, name: str, corners: torch.Tensor) -> torch.Tensor:
        """(R, B, p + 2·margin, p + 2·margin) windows of the regions with top-left ``corners``."""
        side = self.p + 2 * self.margin
        cube = self._padded[name]
        return torch.stack([cube[:, r:r + side, c:c + side] for r, c in corners.tolist()])

    def sample(self, generator: torch.Generator | None = None) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
        """scene → (windows (R, B, p+2m, p+2m), corners (R, 2)) for every scene."""
        out = {}
        for name in self.cubes:
            corners = self.corners(name, generator)
            out[name] = (self.windows(name, corners), corners)
        return out
