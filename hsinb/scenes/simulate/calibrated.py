"""The calibrated difficulty of each stand-in, as written by
``hsinb.experiments.calibration.save_calibration`` (never edited by hand)."""

from __future__ import annotations

import json
from pathlib import Path

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


def calibrated_difficulty(scene: str) -> float | None:
    """The calibrated difficulty of ``scene`` (``"paviaU-sim"``), or None if not calibrated."""
    if not CALIBRATION_FILE.exists():
        return None
    entry = json.loads(CALIBRATION_FILE.read_text()).get(scene)
    return None if entry is None else float(entry["difficulty"])
