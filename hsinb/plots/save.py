"""Figures of a run written to disk, for papers and the README: PNG at a chosen dpi and a
vector copy (PDF or SVG), each written atomically."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..records import atomic_path

__all__ = ["save_figures"]

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


VECTOR_FORMATS = ("pdf", "svg")


def save_figures(figures: dict, folder: str | os.PathLike, dpi: int = 200,
                 vector: str | None = "pdf") -> list[Path]:
    """Write each matplotlib figure of ``figures`` (name → Figure) to ``<folder>/<name>.png``
    at ``dpi`` and, unless ``vector`` is None, to ``<folder>/<name>.<vector>`` (``"pdf"`` or
    ``"svg"``: lines and text stay sharp at any size, for papers).

    Each file appears whole or not at all (a temporary file beside it is renamed), so an
    interrupted run never leaves a half-written figure. Names are plain file stems (letters,
    digits, ``_ . -``); anything else is a ``ValueError`` naming it. Returns the paths."""
    bad = [name for name in figures if not _NAME.match(str(name))]
    if bad:
        raise ValueError(f"figure names must be plain file stems (letters, digits, _ . -), got {bad}")
    if vector is not None and vector not in VECTOR_FORMATS:
        raise ValueError(f"vector must be one of {VECTOR_FORMATS} or None, got {vector!r}")
    folder = Path(folder)
    paths = []
    for name, fig in figures.items():
        for fmt in ("png", *((vector,) if vector else ())):
            path = folder / f"{name}.{fmt}"
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight")
            paths.append(path)
    return paths
