"""Shared test fixtures. Tests that need the shared data folder FAIL (never skip) when it
is missing, so that CI cannot pass without looking at the real files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
if os.environ.get("PYTEST_XDIST_WORKER"):
    # `pytest -n 2` (make test): one torch thread per worker, and in the notebooks' kernels
    # (they inherit the environment); two threads each would oversubscribe the cores
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    threadpool_limits(1)  # BLAS (numpy, scikit-learn) too: with both cores busy it spins
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/support.py, from every test folder

REPO = Path(__file__).resolve().parent.parent
# plain `pytest` from a checkout with ../shared beside it finds the data without a download
os.environ.setdefault("HSINB_DATA", str(REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared data folder: ``HSINB_DATA`` (first entry) or ``<repo>/../shared/data``."""
    env = os.environ.get("HSINB_DATA", "").split(os.pathsep)[0]
    path = Path(env) if env else REPO.parent / "shared" / "data"
    if not (path / "MANIFEST.tsv").is_file():
        pytest.fail(
            f"shared data folder not found at {path} (no MANIFEST.tsv). Set HSINB_DATA to the "
            "folder holding the scenes' label maps and small cubes (../shared/data in CI)."
        )
    return path
