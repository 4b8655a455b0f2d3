"""Pair samplers: batches of two views (xa, xb) drawn from one scene cube.

Modes (method A, section 2.4.1):

* ``"overlap"``: patch pairs. Partner centre c + d with the offset d drawn uniformly among
  the offsets whose p×p overlap ``(p - |dr|)(p - |dc|) / p²`` is at least ``min_overlap``,
  d ≠ 0 (d = 0 only when no other offset qualifies, e.g. p = 1).
* ``"neighbour"``: pixel (or patch) pairs. Partner drawn uniformly from the n×n
  neighbourhood of c, c itself excluded.
* ``"same"``: both views are the same window; the augmentations make them differ.

A partner centre that falls outside the image is mirrored (c - d instead of c + d, which keeps
the overlap / neighbourhood) and then clipped, so it always lies inside the scene (only in a
scene narrower than the offset can clipping shrink d, even to 0). All
centres of a batch are drawn at once, windows are gathered by :class:`hsinb.patches.PaddedCube`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from ..errors import SplitError, check_choice
from ..patches import PaddedCube
from .base import rand

__all__ = ["PAIR_MODES", "PairSampler", "overlap_fraction", "window_overlap", "overlap_offsets", "neighbour_offsets"]

PAIR_MODES = ("overlap", "neighbour", "same")


def overlap_fraction(dr, dc, size: int):
    """Share of a ``size``×``size`` window's pixels that the same window shifted by (dr, dc)
    also covers: ``max(0, p − |dr|) · max(0, p − |dc|) / p²``. The one overlap rule of the
    pair samplers; broadcasts over NumPy arrays or tensors (float out)."""
    return (size - abs(dr)).clip(0) * (size - abs(dc)).clip(0) / float(size * size)


def window_overlap(ra, ca, rb, cb, size: int) -> np.ndarray:
    """:func:`overlap_fraction` of the windows centred at (ra, ca) and (rb, cb), broadcast
    over arrays of pixel coordinates; float64."""
    dr = np.asarray(ra, dtype=np.int64) - np.asarray(rb, dtype=np.int64)
    dc = np.asarray(ca, dtype=np.int64) - np.asarray(cb, dtype=np.int64)
    return np.asarray(overlap_fraction(dr, dc, size), dtype=np.float64)


def overlap_offsets(size: int, min_overlap: float = 0.5) -> torch.Tensor:
    """(K, 2) long offsets (dr, dc) ≠ 0 whose p×p windows overlap by ≥ ``min_overlap``
    (:func:`overlap_fraction`). Returns a single (0, 0) row when no non-zero offset qualifies.
    """
    r = torch.arange(-(size - 1), size)
    dr, dc = torch.meshgrid(r, r, indexing="ij")
    frac = overlap_fraction(dr, dc, size)
    ok = (frac >= min_overlap - 1e-12) & ((dr != 0) | (dc != 0))
    offs = torch.stack([dr[ok], dc[ok]], dim=1)
    return offs if len(offs) else torch.zeros(1, 2, dtype=torch.long)


def neighbour_offsets(n: int = 5) -> torch.Tensor:
    """(n² - 1, 2) long offsets of an n×n neighbourhood (n odd), the centre excluded."""
    if n < 3 or n % 2 == 0:
        raise ValueError(f"neighbourhood must be an odd size >= 3, got {n}")
    r = torch.arange(-(n // 2), n // 2 + 1)
    dr, dc = torch.meshgrid(r, r, indexing="ij")
    ok = (dr != 0) | (dc != 0)
    return torch.stack([dr[ok], dc[ok]], dim=1)


def _as_long(a, device) -> torch.Tensor:
    t = a if torch.is_tensor(a) else torch.as_tensor(np.asarray(a))
    return t.to(device=device, dtype=torch.long).reshape(-1)


class PairSampler:
    """Draw batches of view pairs from a scene.

    Args:
        cube: (H, W, B) array or tensor (normalised as wanted before).
        mode: ``"overlap"``, ``"neighbour"`` or ``"same"``.
        size: odd window size p; 1 gives pixels.
        layout: ``"1d"``, ``"2d"`` or ``"3d"`` (default ``"1d"`` for p = 1, else ``"2d"``).
        min_overlap: least overlap fraction for ``"overlap"`` (paper: "50 % at least").
        neighbourhood: odd side n of the ``"neighbour"`` window (paper: 5).
        pixels: optional (rows, cols) of the anchor pixels (e.g. a mask's pixels); default
            every pixel. Partners may lie outside this set (they are only spatial neighbours).
        padding: ``"reflect"`` or ``"zero"`` (see :class:`~hsinb.patches.PaddedCube`).
        device: where the cube and the views live (default: the cube's device, or CPU).
    """

    def __init__(
        self,
        cube: np.ndarray | torch.Tensor,
        mode: str = "overlap",
        size: int = 9,
        layout: str | None = None,
        min_overlap: float = 0.5,
        neighbourhood: int = 5,
        pixels: tuple | None = None,
        padding: str = "reflect",
        device: torch.device | str | None = None,
    ) -> None:
        self.mode = check_choice("pair mode", mode, PAIR_MODES)
        self.padded = PaddedCube(cube, size, padding=padding, device=device)
        self.device = self.padded.device
        self.size = self.padded.size
        self.layout = layout or ("1d" if self.size == 1 else "2d")
        self.height, self.width = self.padded.height, self.padded.width
        self.n_bands = self.padded.n_bands
        self.min_overlap = float(min_overlap)
        self.neighbourhood = int(neighbourhood)
        if mode == "overlap":
            self.offsets = overlap_offsets(self.size, self.min_overlap).to(self.device)
        elif mode == "neighbour":
            self.offsets = neighbour_offsets(self.neighbourhood).to(self.device)
        else:
            self.offsets = torch.zeros(1, 2, dtype=torch.long, device=self.device)
        if pixels is None:
            idx = torch.arange(self.height * self.width, device=self.device)
            self.rows, self.cols = idx // self.width, idx % self.width
        else:
            self.rows = _as_long(pixels[0], self.device)
            self.cols = _as_long(pixels[1], self.device)
        if self.rows.numel() == 0:
            raise SplitError("PairSampler needs at least one anchor pixel")

    def __len__(self) -> int:
        """Number of anchor pixels."""
        return int(self.rows.numel())

    def partners(
        self, rows: torch.Tensor, cols: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Partner centres (rows, cols) for the given anchors, drawn for all at once."""
        n = rows.numel()
        if self.mode == "same":
            return rows.clone(), cols.clone()
        pick = (rand((n,), generator, self.device) * len(self.offsets)).long()
        pick = pick.clamp_(max=len(self.offsets) - 1)
        d = self.offsets[pick]
        return self._inside(rows, d[:, 0], self.height), self._inside(cols, d[:, 1], self.width)

    @staticmethod
    def _inside(c: torch.Tensor, d: torch.Tensor, extent: int) -> torch.Tensor:
        out = c + d
        outside = (out < 0) | (out >= extent)
        out = torch.where(outside, c - d, out)  # mirror the offset
        return out.clamp_(0, extent - 1)

    def sample_centres(
        self, batch_size: int, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Anchors drawn uniformly (with replacement) and their partners: (ra, ca, rb, cb)."""
        pick = (
            (rand((batch_size,), generator, self.device) * len(self))
            .long()
            .clamp_(max=len(self) - 1)
        )
        ra, ca = self.rows[pick], self.cols[pick]
        rb, cb = self.partners(ra, ca, generator)
        return ra, ca, rb, cb

    def views(
        self, ra: torch.Tensor, ca: torch.Tensor, rb: torch.Tensor, cb: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The windows at the anchor and partner centres, in ``self.layout``."""
        xa = self.padded.extract(ra, ca, self.layout)
        if self.mode == "same":
            return xa, xa.clone()
        return xa, self.padded.extract(rb, cb, self.layout)

    def sample(
        self, batch_size: int, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """A batch of pairs (xa, xb), each (N, B) / (N, B, p, p) / (N, 1, B, p, p) float32."""
        return self.views(*self.sample_centres(batch_size, generator))

    def n_batches(self, batch_size: int) -> int:
        """Full batches in one pass over the anchors (at least 1)."""
        return max(1, len(self) // batch_size)

    def epoch(
        self,
        batch_size: int,
        generator: torch.Generator | None = None,
        n_batches: int | None = None,
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Yield ``n_batches`` batches of pairs over a random permutation of the anchors.

        Default ``n_batches``: one pass, last incomplete batch dropped (Barlow Twins needs
        full batches). When more anchors are asked for than exist, further permutations are
        chained; every batch has exactly ``batch_size`` pairs.
        """
        n_batches = self.n_batches(batch_size) if n_batches is None else int(n_batches)
        need = n_batches * batch_size
        gdev = generator.device if generator is not None else self.device
        order = torch.cat(
            [
                torch.randperm(len(self), generator=generator, device=gdev)
                for _ in range(-(-need // len(self)))
            ]
        ).to(self.device)
        for i in range(n_batches):
            pick = order[i * batch_size : (i + 1) * batch_size]
            ra, ca = self.rows[pick], self.cols[pick]
            rb, cb = self.partners(ra, ca, generator)
            yield self.views(ra, ca, rb, cb)
