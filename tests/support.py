"""What several test files share: where the shared data lie (for tests that need a path at
import time; conftest.py sets HSINB_DATA to ../shared/data when it is unset), tiny hand-made
scenes, and the titles of a figure. conftest.py puts this folder on the import path."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from hsinb.scenes import Scene

REPO = Path(__file__).resolve().parents[1]  # the repository root
DATA = Path(os.environ.get("HSINB_DATA", REPO.parent / "shared" / "data").split(os.pathsep)[0])
USGS = DATA / "usgs_library" / "USGS_1995_Library.mat"


def titles(fig: Figure) -> str:
    """Every title text of a figure (suptitle and axes titles), joined."""
    sup = fig._suptitle.get_text() if fig._suptitle is not None else ""
    return " | ".join([sup, *(ax.get_title() for ax in fig.axes)])


def tiny_scene(simulated: bool = True, wavelengths: bool = True, abundances: bool = True) -> Scene:
    """6 x 5 pixels x 4 bands, classes 1..3 (class 3 empty), some unlabelled pixels."""
    rng = np.random.default_rng(0)
    cube = rng.normal(100.0, 5.0, size=(6, 5, 4)).astype(np.float32)
    labels = np.zeros((6, 5), dtype=np.int64)
    labels[:3, :3] = 1
    labels[3:, 2:] = 2
    cube[labels == 2] += np.array([50.0, 0.0, -20.0, 10.0], dtype=np.float32)
    ab = None
    if abundances:
        ab = rng.random((6, 5, 2))
        ab /= ab.sum(axis=2, keepdims=True)
    return Scene(
        name="tiny-sim" if simulated else "tiny",
        cube=cube,
        labels=labels,
        class_names=["Grass", "Roof", "Empty"],
        wavelengths=np.array([450.0, 550.0, 650.0, 850.0]) if wavelengths else None,
        rgb_bands=(2, 1, 0),
        abundances=ab,
        endmember_names=["soil", "veg"] if abundances else None,
        simulated=simulated,
        units="reflectance",
    )


def tiny_two_class_scene(normalised: bool = False) -> Scene:
    """12 x 10 pixels x 6 bands; left half class 1, right half class 2, top row unlabelled."""
    rng = np.random.default_rng(0)
    cube = rng.normal(0.3, 0.02, size=(12, 10, 6)).astype(np.float32)
    labels = np.ones((12, 10), dtype=np.int64)
    labels[:, 5:] = 2
    labels[0] = 0
    cube[labels == 2] += np.linspace(0.0, 0.2, 6, dtype=np.float32)
    s = Scene(name="tiny-sim", cube=cube, labels=labels, class_names=["Soil", "Tree"],
              wavelengths=np.linspace(450.0, 900.0, 6), rgb_bands=(4, 2, 0), simulated=True,
              units="reflectance")
    return s.normalised("band_standardise") if normalised else s


def tiny_abundance_scene(h=24, w=20, b=30, e=3, seed=0):
    """Method C's scene in small: i.i.d. Dirichlet abundances, a linear mixture, noise."""
    rng = np.random.default_rng(seed)
    a = rng.dirichlet(np.ones(e), size=(h, w)).astype(np.float32)
    m = rng.random((e, b)).astype(np.float32)
    cube = (a @ m + 0.01 * rng.standard_normal((h, w, b))).astype(np.float32)
    labels = a.argmax(2) + 1
    return Scene(name="tiny-c-sim", cube=cube, labels=labels, class_names=["a", "b", "c"],
                 wavelengths=np.linspace(400, 900, b), abundances=a, simulated=True, units="reflectance")


def tiny_linear_mixture(h=40, w=40, b=30, e=3, seed=0, brightness=1.0):
    """Smooth abundances (tile means spread over the simplex), a linear mixture and noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    logits = np.stack([np.sin(3 * yy + k) + np.cos(4 * xx * (k + 1)) for k in range(e)], axis=-1)
    a = np.exp(2 * logits) / np.exp(2 * logits).sum(-1, keepdims=True)
    m = rng.random((e, b)) + 0.2
    cube = brightness * (a @ m) + 0.005 * rng.standard_normal((h, w, b))
    return Scene(name="tiny-mix-sim", cube=cube.astype(np.float32), labels=a.argmax(2) + 1,
                 class_names=["a", "b", "c"], wavelengths=np.linspace(400, 900, b),
                 abundances=a.astype(np.float32), endmembers=m.T.astype(np.float32), simulated=True,
                 units="reflectance")
