"""The calibrated difficulty of each stand-in, as written by
``hsinb.protocols.calibration.save_calibration`` (never edited by hand)."""

from __future__ import annotations

import json
from pathlib import Path

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


def calibrated_difficulty(scene: str, default: float = 1.0) -> float:
    """The calibrated difficulty of ``scene`` (``"paviaU-sim"``), or ``default``."""
    if not CALIBRATION_FILE.exists():
        return default
    table = json.loads(CALIBRATION_FILE.read_text())
    return float(table.get(scene, {}).get("difficulty", default))
