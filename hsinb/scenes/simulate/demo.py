"""The built-in ``demo`` scene: a small, file-free, deterministic teaching scene.

Band grid: 400-2500 nm with the two deep atmospheric water windows (1340-1460 and
1790-1960 nm) left out, as in the "corrected" AVIRIS scenes (Indian Pines, Salinas, KSC)
that most of the study uses; the SWIR carries the leaf-water, cellulose, clay and
hydrocarbon features that separate the materials, so the demo shows why it matters,
while the 400-1000 nm VNIR alone would make the vegetation classes nearly identical.

Layout: a domain-warped Voronoi partition into fields; each field is one of seven classes
or unlabelled background (label 0). Pixels are rendered with the stand-in renderer
(:func:`.standins.render_labelled_scene`): mixed pixels along field borders, smooth
within-field proportion changes, illumination and spectral-shift fields, noise. The
three vegetation classes (meadow, crop, trees) and the two bare classes (bare soil,
fallow) are close on purpose, so few-label classification is far from perfect.
"""

from __future__ import annotations

import numpy as np

from ..scene import Scene
from ..sensors import rgb_from_wavelengths
from .mixing import smooth_field
from .standin_recipes import parse_recipe
from .standins import Variability, render_labelled_scene

DEMO_CLASSES: dict[str, str] = {
    "Water": "0.9 water_turbid + 0.1 water_clear",
    "Trees": "0.8 tree_broadleaf + 0.1 grass + 0.1 shadow",
    "Meadow": "0.7 grass + 0.15 grass_dry + 0.15 soil",
    "Crop": "0.6 crop_corn + 0.3 soil_dark + 0.1 residue",
    "Bare soil": "0.75 soil + 0.15 soil_dark + 0.1 residue",
    "Fallow": "0.55 soil + 0.3 residue + 0.15 grass_dry",
    "Road": "0.8 asphalt + 0.2 concrete",
}
DEMO_BACKGROUND = "2 grass_dry + 2 soil + 1 shrub + 1 concrete + 1 tree_conifer"
DEMO_DIFFICULTY = 1.2  # stand-in difficulty at demo difficulty 1 (tests/test_simulate.py checks that
# logistic regression with 5 labels per class stays well below 100 % OA)
WATER_WINDOWS_NM = ((1340.0, 1460.0), (1790.0, 1960.0))


def demo_wavelengths(
    n_bands: int = 120, start_nm: float = 400.0, stop_nm: float = 2500.0
) -> np.ndarray:
    """(n_bands,) centres evenly spread over ``start_nm``-``stop_nm`` minus the water windows."""
    edges = [start_nm]
    for lo, hi in WATER_WINDOWS_NM:
        edges += [lo, hi]
    edges.append(stop_nm)
    spans = np.array(edges).reshape(-1, 2)  # kept windows
    lengths = spans[:, 1] - spans[:, 0]
    pos = np.linspace(0.0, lengths.sum(), n_bands)
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    k = np.clip(np.searchsorted(cum, pos, side="right") - 1, 0, len(lengths) - 1)
    return spans[k, 0] + (pos - cum[k])


def voronoi_layout(
    height: int,
    width: int,
    n_regions: int,
    n_classes: int,
    rng: np.random.Generator,
    background_fraction: float = 0.2,
    warp: float = 6.0,
) -> np.ndarray:
    """(H, W) int64 field map: a Voronoi partition of ``n_regions`` seeds (a jittered
    grid, so fields have similar sizes) with
    coordinates warped by smooth noise (``warp`` px) for natural borders; the classes
    1..``n_classes`` get fields in turn (equal numbers, +-1), about ``background_fraction`` of the fields
    are unlabelled (0)."""
    g_r = max(1, int(round(np.sqrt(n_regions * height / width))))
    g_c = max(1, int(np.ceil(n_regions / g_r)))
    cell = np.array([height / g_r, width / g_c])
    grid = np.stack(np.meshgrid(np.arange(g_r), np.arange(g_c), indexing="ij"), -1).reshape(-1, 2)
    grid = rng.permutation(grid)[:n_regions]
    seeds = (grid + rng.uniform(0.15, 0.85, size=grid.shape)) * cell  # jittered grid
    n_bg = int(round(background_fraction * n_regions))
    cls = np.resize(rng.permutation(n_classes) + 1, n_regions - n_bg)  # balanced
    region_class = rng.permutation(np.concatenate([cls, np.zeros(n_bg, dtype=cls.dtype)]))
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    dr = warp * smooth_field((height, width), 6.0, rng)
    dc = warp * smooth_field((height, width), 6.0, rng)
    pr, pc = rows + dr, cols + dc
    d2 = (pr[..., None] - seeds[:, 0]) ** 2 + (pc[..., None] - seeds[:, 1]) ** 2
    return region_class[np.argmin(d2, axis=2)].astype(np.int64)


def make_demo_scene(
    seed: int = 0,
    height: int = 96,
    width: int = 96,
    n_bands: int = 120,
    difficulty: float = 1.0,
    n_regions: int = 28,
) -> Scene:
    """The ``demo`` scene: (height, width, n_bands) float32 reflectance, seven classes in
    warped-Voronoi fields plus unlabelled background, abundances over the materials.
    Deterministic in ``seed``; needs no data file. ``difficulty`` scales noise and
    variability as for the stand-ins (1 = default = stand-in difficulty
    :data:`DEMO_DIFFICULTY`, where logistic regression on spectra with 5 labels per class
    reaches about 80% overall accuracy)."""
    ss = np.random.SeedSequence([int(seed), 0xDE40])
    r_layout, r_render = ss.spawn(2)
    names = list(DEMO_CLASSES)
    labels = voronoi_layout(height, width, n_regions, len(names), np.random.default_rng(r_layout))
    wl = demo_wavelengths(n_bands)
    var = Variability.from_difficulty(DEMO_DIFFICULTY * difficulty, border_sigma=1.0)
    out = render_labelled_scene(
        labels, [parse_recipe(DEMO_CLASSES[n]) for n in names], parse_recipe(DEMO_BACKGROUND),
        wl, var, r_render, library=None,
    )  # fmt: skip
    return Scene(
        name="demo",
        cube=out.cube,
        labels=labels,
        class_names=names,
        wavelengths=wl,
        sensor="simulated (AVIRIS-like, 400-2500 nm)",
        rgb_bands=rgb_from_wavelengths(wl, wl.size),
        abundances=out.abundances,
        endmembers=out.endmembers,
        endmember_names=out.material_names,
        simulated=True,
        source="simulator: hsinb.scenes.simulate.demo (procedural materials, no file)",
        units="reflectance (simulated)",
        meta={
            "generator": "make_demo_scene",
            "seed": int(seed),
            "height": height, "width": width, "n_bands": n_bands,
            "difficulty": float(difficulty), "n_regions": n_regions,
            "variability": {k: v for k, v in var.__dict__.items()},
            "recipes": dict(DEMO_CLASSES),
            "background_recipe": DEMO_BACKGROUND,
            "class_signatures": out.class_signatures,
            **out.meta,
        },
    )  # fmt: skip
