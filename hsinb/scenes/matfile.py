"""Read variables from MATLAB files, v5 (scipy) and v7.3 (HDF5, h5py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import VariableNotFoundError

_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def is_v73(path: str | Path) -> bool:
    """True if ``path`` is a MATLAB v7.3 file (an HDF5 container with a 512-byte header)."""
    with open(path, "rb") as f:
        head = f.read(520)
    return head[512:520] == _HDF5_MAGIC or head[:8] == _HDF5_MAGIC


def list_variables(path: str | Path) -> list[str]:
    """Names of the variables stored in a .mat file (either version)."""
    path = Path(path)
    if is_v73(path):
        import h5py

        with h5py.File(path, "r") as f:
            return [k for k in f.keys() if not k.startswith("#")]
    from scipy.io import whosmat

    return [name for name, _shape, _cls in whosmat(str(path))]


def describe_variables(path: str | Path) -> list[tuple[str, tuple[int, ...], str]]:
    """(name, shape in MATLAB's axis order, class or dtype) of each variable of a .mat file,
    without reading the arrays."""
    path = Path(path)
    if is_v73(path):
        import h5py

        with h5py.File(path, "r") as f:
            return [(k, tuple(reversed(v.shape)), str(v.dtype)) for k, v in f.items()
                    if not k.startswith("#") and isinstance(v, h5py.Dataset)]
    from scipy.io import whosmat

    return [(name, tuple(shape), cls) for name, shape, cls in whosmat(str(path))]


def read_mat_variables(path: str | Path, names: list[str]) -> dict[str, np.ndarray]:
    """Read the named variables from a .mat file, in MATLAB's axis order.

    v7.3 files store arrays transposed (HDF5 is row-major); they are transposed back, so an
    H×W×B MATLAB cube comes back as (H, W, B) whichever version wrote it. Raises
    :class:`VariableNotFoundError` naming the variables that are there.
    """
    path = Path(path)
    present = list_variables(path)
    missing = [n for n in names if n not in present]
    if missing:
        raise VariableNotFoundError(
            f"{path}: no variable {', '.join(map(repr, missing))}; the file holds "
            f"{', '.join(map(repr, present)) or 'nothing readable'}"
        )
    if is_v73(path):
        import h5py

        out = {}
        with h5py.File(path, "r") as f:
            for n in names:
                arr = np.asarray(f[n][()])
                out[n] = arr.transpose(tuple(range(arr.ndim - 1, -1, -1))) if arr.ndim > 1 else arr
        return out
    from scipy.io import loadmat

    data = loadmat(str(path), variable_names=names)
    return {n: data[n] for n in names}


def read_mat_variable(path: str | Path, name: str) -> np.ndarray:
    """Read one variable (see :func:`read_mat_variables`)."""
    return read_mat_variables(path, [name])[name]
