"""Windows around pixels, extracted in batches.

A scene is padded once (reflect or zero padding of ``size // 2`` pixels) and kept as a
band-first tensor; a batch of p×p windows is then a single advanced-indexing gather of
shape (N, B, p, p). Nothing is materialised for the whole scene: memory is the padded
cube plus one batch (all 9×9 patches of PaviaU at once would take ~7 GB).

Tiles (:func:`tile_samples`) cut a scene into non-overlapping S×S blocks labelled with their
mean abundances, and :func:`window_samples` gathers every S×S window that avoids some pixels
(paper C's samples).

Layouts:
    ``"1d"``: (N, B) the centre spectrum;
    ``"2d"``: (N, B, p, p) band-first patches for 2-D CNNs;
    ``"3d"``: (N, 1, B, p, p) single-channel volumes for 3-D CNNs.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
import torch.nn.functional as F

from .errors import PatchSizeError, ShapeMismatchError, check_choice

LAYOUTS = ("1d", "2d", "3d")
PADDINGS = ("reflect", "zero")


def check_patch_size(size: int, height: int | None = None, width: int | None = None) -> int:
    """Return ``size`` if it is a valid odd, positive window size for an H×W scene."""
    if not isinstance(size, (int, np.integer)) or isinstance(size, bool):
        raise PatchSizeError(f"patch size must be an integer, got {size!r}")
    size = int(size)
    if size < 1 or size % 2 == 0:
        raise PatchSizeError(
            f"patch size must be a positive odd integer (the window is centred on a pixel), got {size}"
        )
    if height is not None and width is not None and size // 2 >= min(height, width):
        raise PatchSizeError(
            f"patch size {size} is too large for a {height} x {width} scene "
            f"(reflect padding needs size // 2 < {min(height, width)})"
        )
    return size


class PaddedCube:
    """A scene cube padded once, from which batches of windows are gathered.

    Args:
        cube: (H, W, B) array or tensor.
        size: odd window size p (1 for pixels).
        padding: ``"reflect"`` (mirror without repeating the edge pixel) or ``"zero"``.
        device: where the padded cube lives (default: the tensor's device, or CPU).

    The padded cube is stored pixel-major, (H + p - 1, W + p - 1, B), float32, so that a
    batch of windows is a single gather; 2-D windows come back as (N, B, p, p) views in
    channels-last memory format, which convolutions take without a copy.
    """

    def __init__(
        self,
        cube: np.ndarray | torch.Tensor,
        size: int,
        padding: str = "reflect",
        device: torch.device | str | None = None,
    ) -> None:
        check_choice("padding", padding, PADDINGS)
        if cube.ndim != 3:
            raise ShapeMismatchError(f"cube must be H x W x B, got shape {tuple(cube.shape)}")
        h, w, b = (int(s) for s in cube.shape)
        self.size = check_patch_size(size, h, w)
        self.radius = self.size // 2
        self.height, self.width, self.n_bands = h, w, b
        self.padding = padding
        r = self.radius
        if isinstance(cube, np.ndarray) or cube.device.type == "cpu":
            # pad on the host in one allocation, pixel-major (H', W', B)
            arr = np.asarray(cube, dtype=np.float32)
            if r > 0:
                arr = np.pad(arr, ((r, r), (r, r), (0, 0)), mode="reflect" if padding == "reflect" else "constant")
            t = torch.from_numpy(np.ascontiguousarray(arr))
            if device is not None:
                t = t.to(device)
        else:
            t = cube.to(device or cube.device, torch.float32).permute(2, 0, 1).unsqueeze(0)
            if r > 0:
                t = F.pad(t, (r, r, r, r), mode="reflect" if padding == "reflect" else "constant")
            t = t.squeeze(0).permute(1, 2, 0).contiguous()
        self.device = t.device
        self.padded = t  # (H + 2r, W + 2r, B)
        self._pixels = t.view(-1, self.n_bands)  # (pixels, B) rows for index_select
        offs = torch.arange(-r, r + 1, device=self.device)
        # pixel-id offsets of a window's p*p pixels from its centre, row-major: (1, p*p)
        self._offsets = (offs.view(-1, 1) * t.shape[1] + offs.view(1, -1)).reshape(1, -1)

    @property
    def nbytes(self) -> int:
        """Bytes held by the padded cube."""
        return self.padded.element_size() * self.padded.nelement()

    def extract(
        self,
        rows: torch.Tensor | np.ndarray,
        cols: torch.Tensor | np.ndarray,
        layout: str = "2d",
        out: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Windows centred on (rows[i], cols[i]) in original image coordinates.

        Returns (N, B) for ``"1d"``, (N, B, p, p) for ``"2d"``, (N, 1, B, p, p) for ``"3d"``.
        ``out``: an optional float32 buffer of at least N·B·p·p elements, reused across calls
        to avoid allocating (and page-faulting) a fresh batch each time; the result is then a
        view of it, overwritten by the next call with the same buffer.
        """
        check_choice("layout", layout, LAYOUTS)
        return self._gather(self._centre_ids(rows, cols), layout, out)

    def _centre_ids(self, rows, cols) -> torch.Tensor:
        """Validated (N,) pixel ids of the centres in the padded cube."""
        rows = torch.as_tensor(rows, dtype=torch.long, device=self.device).reshape(-1)
        cols = torch.as_tensor(cols, dtype=torch.long, device=self.device).reshape(-1)
        if rows.shape != cols.shape:
            raise ShapeMismatchError(f"{rows.numel()} rows but {cols.numel()} cols")
        if rows.numel() and (
            int(rows.min()) < 0
            or int(rows.max()) >= self.height
            or int(cols.min()) < 0
            or int(cols.max()) >= self.width
        ):
            raise ShapeMismatchError(
                f"centre pixels must lie inside the {self.height} x {self.width} scene"
            )
        r = self.radius
        return (rows + r) * self.padded.shape[1] + (cols + r)

    def _gather(self, centres: torch.Tensor, layout: str, out: torch.Tensor | None) -> torch.Tensor:
        """Windows of validated centre ids: one index_select of rows of B values."""
        if layout == "1d":
            return self._pixels.index_select(0, centres)  # (N, B), one gather
        flat = (centres.view(-1, 1) + self._offsets).reshape(-1)  # (N * p * p,) pixel ids
        n, p, b = centres.numel(), self.size, self.n_bands
        if out is not None and out.numel() >= n * p * p * b:
            win = out.reshape(-1)[: n * p * p * b].view(n * p * p, b)
            torch.index_select(self._pixels, 0, flat, out=win)
        else:
            win = self._pixels.index_select(0, flat)  # one row copy per window pixel
        return self._as_windows(win, n, layout)

    def _as_windows(self, rows: torch.Tensor, n: int, layout: str) -> torch.Tensor:
        """(N·p·p, B) gathered pixel rows as (N, B, p, p) windows, or (N, 1, B, p, p) for 3-D:
        views in channels-last memory, no copy."""
        win = rows.view(n, self.size, self.size, self.n_bands).permute(0, 3, 1, 2)
        return win.unsqueeze(1) if layout == "3d" else win

    def iter_batches(
        self,
        rows: torch.Tensor | np.ndarray,
        cols: torch.Tensor | np.ndarray,
        layout: str = "2d",
        batch_size: int = 256,  # fastest in benchmarks/bench_patches.py (the batch stays in cache)
        reuse_buffer: bool = False,
    ) -> Iterator[torch.Tensor]:
        """Yield the windows of the given centres, ``batch_size`` at a time, in order.

        With ``reuse_buffer`` every batch is written into the same buffer (faster; each
        batch is valid only until the next one is produced).
        """
        check_choice("layout", layout, LAYOUTS)
        centres = self._centre_ids(rows, cols)  # validated once, not per batch
        n_full = centres.numel() // batch_size * batch_size
        if reuse_buffer and layout != "1d" and n_full:
            # full batches: the index buffer and the output views are built once, so a batch
            # costs one add and one index_select (per-op overhead is ~15 % of a 256 batch)
            k = self.size**2
            ids = torch.empty(batch_size, k, dtype=torch.long, device=self.device)
            rows_out = torch.empty(batch_size * k, self.n_bands, device=self.device)
            win = self._as_windows(rows_out, batch_size, layout)
            flat = ids.view(-1)
            for start in range(0, n_full, batch_size):
                torch.add(centres[start : start + batch_size].view(-1, 1), self._offsets, out=ids)
                torch.index_select(self._pixels, 0, flat, out=rows_out)
                yield win
            centres = centres[n_full:]
            buf = rows_out.view(-1)
        else:
            buf = None
            if reuse_buffer:
                buf = torch.empty(batch_size * self.size**2 * self.n_bands, device=self.device)
        for start in range(0, centres.numel(), batch_size):
            yield self._gather(centres[start : start + batch_size], layout, buf)


def extract_patches(
    cube: np.ndarray | torch.Tensor,
    rows: torch.Tensor | np.ndarray,
    cols: torch.Tensor | np.ndarray,
    size: int,
    layout: str = "2d",
    padding: str = "reflect",
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """One-shot convenience: windows of size ``size`` around the given centres.

    For many batches from one scene build a :class:`PaddedCube` once instead.
    """
    return PaddedCube(cube, size, padding, device).extract(rows, cols, layout)


def all_pixel_coordinates(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of every pixel of an H×W scene in row-major order."""
    rows, cols = np.divmod(np.arange(height * width, dtype=np.int64), width)
    return rows, cols


# ----------------------------------------------------------------------------- tiles (method C)
def tile_grid(shape: tuple[int, int], size: int) -> tuple[int, int]:
    """Number of whole S×S tiles along rows and columns (the remainder is cropped)."""
    h, w = shape
    if size < 1 or size > min(h, w):
        raise PatchSizeError(f"tile size {size} must lie in [1, {min(h, w)}] for a {h} x {w} scene")
    return h // size, w // size


def tile_samples(cube: np.ndarray, abundances: np.ndarray, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """All non-overlapping tiles: patches (T, 1, B, S, S) and mean abundances (T, E), tiles in
    row-major order (a reshape of the cropped cube, no copy per tile)."""
    if cube.shape[:2] != abundances.shape[:2]:
        raise ShapeMismatchError(f"cube {cube.shape[:2]} and abundances {abundances.shape[:2]} differ in size")
    th, tw = tile_grid(cube.shape[:2], size)
    b, e = cube.shape[2], abundances.shape[2]
    c = torch.as_tensor(np.ascontiguousarray(cube[: th * size, : tw * size]), dtype=torch.float32)
    a = torch.as_tensor(np.ascontiguousarray(abundances[: th * size, : tw * size]), dtype=torch.float32)
    x = c.reshape(th, size, tw, size, b).permute(0, 2, 4, 1, 3).reshape(th * tw, 1, b, size, size)
    y = a.reshape(th, size, tw, size, e).mean(dim=(1, 3)).reshape(th * tw, e)
    return x.contiguous(), y


def window_samples(cube: np.ndarray, abundances: np.ndarray, size: int, forbidden: np.ndarray,
                   stride: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Every S×S window (top-left on a ``stride`` grid) containing no ``forbidden`` pixel:
    patches (N, 1, B, S, S) and their mean abundances (N, E). Vectorised with ``unfold``."""
    h, w, b = cube.shape
    if forbidden.shape != (h, w):
        raise ShapeMismatchError(f"forbidden mask {forbidden.shape} does not match the scene {(h, w)}")
    f = torch.as_tensor(forbidden, dtype=torch.float32)[None, None]
    touched = torch.nn.functional.avg_pool2d(f, size, stride=stride)[0, 0] > 0  # (h', w')
    keep = (~touched).flatten().nonzero().flatten()
    c = torch.as_tensor(cube, dtype=torch.float32).permute(2, 0, 1)  # (B, H, W)
    a = torch.as_tensor(abundances, dtype=torch.float32).permute(2, 0, 1)
    cols = touched.shape[1]
    rows_i, cols_i = keep // cols * stride, keep % cols * stride
    dr = torch.arange(size)
    rr = (rows_i[:, None] + dr)[:, :, None]  # (N, S, 1)
    cc = (cols_i[:, None] + dr)[:, None, :]  # (N, 1, S)
    x = c[:, rr, cc].permute(1, 0, 2, 3).unsqueeze(1)  # (N, 1, B, S, S)
    y = a[:, rr, cc].mean(dim=(2, 3)).T  # (N, E)
    return x.contiguous(), y.contiguous()
