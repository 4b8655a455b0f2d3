"""Patch extraction against an explicit per-pixel reference."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from hsinb.errors import PatchSizeError, ShapeMismatchError, UnknownNameError
from hsinb.patches import PaddedCube, all_pixel_coordinates, extract_patches


def reference_patch(cube: np.ndarray, r: int, c: int, size: int, padding: str) -> np.ndarray:
    """One window, the slow obvious way (numpy pad of the whole cube)."""
    k = size // 2
    mode = "reflect" if padding == "reflect" else "constant"
    padded = np.pad(cube, ((k, k), (k, k), (0, 0)), mode=mode)
    return padded[r : r + size, c : c + size, :].transpose(2, 0, 1)


@pytest.mark.parametrize("padding", ["reflect", "zero"])
@pytest.mark.parametrize("size", [1, 3, 9])
def test_windows_match_reference(padding, size):
    rng = np.random.default_rng(0)
    cube = rng.random((12, 10, 5)).astype(np.float32)
    rows, cols = all_pixel_coordinates(12, 10)
    got = extract_patches(cube, rows, cols, size, "2d", padding).numpy()
    assert got.shape == (120, 5, size, size)
    for i in [0, 9, 10, 55, 119]:  # corners, edges and the middle
        np.testing.assert_array_equal(got[i], reference_patch(cube, rows[i], cols[i], size, padding))


def test_layouts_agree():
    cube = torch.rand(8, 9, 6)
    pc = PaddedCube(cube, 5)
    rows, cols = torch.tensor([0, 4, 7]), torch.tensor([8, 4, 0])
    p2 = pc.extract(rows, cols, "2d")
    p3 = pc.extract(rows, cols, "3d")
    p1 = pc.extract(rows, cols, "1d")
    assert p3.shape == (3, 1, 6, 5, 5) and p1.shape == (3, 6)
    torch.testing.assert_close(p3[:, 0], p2)
    torch.testing.assert_close(p2[:, :, 2, 2], p1)
    torch.testing.assert_close(p1, cube[rows, cols])


def test_iter_batches_covers_all_in_order():
    cube = torch.rand(6, 7, 3)
    pc = PaddedCube(cube, 3)
    rows, cols = all_pixel_coordinates(6, 7)
    batches = list(pc.iter_batches(rows, cols, "1d", batch_size=10))
    assert [b.shape[0] for b in batches] == [10, 10, 10, 10, 2]
    torch.testing.assert_close(torch.cat(batches), cube.reshape(-1, 3))


def test_memory_is_cube_not_all_patches():
    cube = np.zeros((100, 80, 20), np.float32)
    pc = PaddedCube(cube, 9)
    assert pc.nbytes <= 1.25 * cube.nbytes


@pytest.mark.parametrize("size", [0, 4, -3, 2.5, 81])
def test_invalid_patch_size(size):
    with pytest.raises(PatchSizeError):
        PaddedCube(np.zeros((40, 40, 3), np.float32), size)


def test_bad_centres_and_layout():
    pc = PaddedCube(np.zeros((5, 5, 2), np.float32), 3)
    with pytest.raises(ShapeMismatchError, match="inside"):
        pc.extract([5], [0])
    with pytest.raises(UnknownNameError, match="layout"):
        pc.extract([1], [1], "4d")


@pytest.mark.parametrize("layout", ["1d", "2d", "3d"])
@pytest.mark.parametrize("batch_size", [16, 24, 100])  # a tail batch, an exact multiple, one batch
def test_reused_buffer_gives_same_windows(layout, batch_size):
    cube = torch.rand(9, 8, 4)
    pc = PaddedCube(cube, 3)
    rows, cols = all_pixel_coordinates(9, 8)
    fresh = [b.clone() for b in pc.iter_batches(rows, cols, layout, batch_size=batch_size)]
    reused = [b.clone() for b in pc.iter_batches(rows, cols, layout, batch_size, reuse_buffer=True)]
    assert len(fresh) == len(reused) == -(-72 // batch_size)
    for a, b in zip(fresh, reused):
        torch.testing.assert_close(a, b)
