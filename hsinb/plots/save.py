"""Figures of a run written to disk, for papers and the README (PNG, written atomically)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..records import atomic_path

__all__ = ["save_figures"]

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def save_figures(figures: dict, folder: str | os.PathLike, dpi: int = 120) -> list[Path]:
    """Write each matplotlib figure of ``figures`` (name → Figure) to ``<folder>/<name>.png``.

    Each file appears whole or not at all (a temporary file beside it is renamed), so an
    interrupted run never leaves a half-written PNG. Names are plain file stems (letters,
    digits, ``_ . -``); anything else is a ``ValueError`` naming it. Returns the paths."""
    bad = [name for name in figures if not _NAME.match(str(name))]
    if bad:
        raise ValueError(f"figure names must be plain file stems (letters, digits, _ . -), got {bad}")
    folder = Path(folder)
    paths = []
    for name, fig in figures.items():
        path = folder / f"{name}.png"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight")
        paths.append(path)
    return paths
