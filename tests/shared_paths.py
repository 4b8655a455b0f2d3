"""Paths into the shared data folder for tests that need them at import time (fixtures
cannot be used there). conftest.py sets HSINB_DATA to ../shared/data when it is unset."""

from __future__ import annotations

import os
from pathlib import Path

DATA = Path(os.environ.get("HSINB_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data").split(os.pathsep)[0])
USGS = DATA / "usgs_library" / "USGS_1995_Library.mat"
