"""Procedural reflectance spectra of common land-cover materials, on any wavelength grid.

Every spectrum is a smooth continuum times Gaussian absorption features at the
wavelengths where the real material absorbs (chlorophyll at 450/670 nm, the red edge at
700-750 nm, leaf water at 970/1200/1450/1940 nm, cellulose at 2100/2300 nm, ferric iron
at 500/900 nm, clay OH at 2200 nm, carbonate at 2340 nm, hydrocarbons at 1730/2310 nm).
Shapes and depths are set by eye from published library spectra: plausible, not
measured. All functions take ``wl`` (B,) in nanometres and return (B,) reflectance in
[0, 1] as float64.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...errors import check_choice


# ---------------------------------------------------------------------- building blocks
def gauss(wl: np.ndarray, centre: float, width: float) -> np.ndarray:
    """Gaussian bump of height 1 at ``centre`` with standard deviation ``width`` (nm)."""
    return np.exp(-0.5 * ((np.asarray(wl, dtype=np.float64) - centre) / width) ** 2)


def sigmoid(wl: np.ndarray, centre: float, width: float) -> np.ndarray:
    """Logistic step from 0 to 1 centred on ``centre`` (nm) with scale ``width`` (nm)."""
    z = np.clip((np.asarray(wl, dtype=np.float64) - centre) / width, -60.0, 60.0)
    return 1.0 / (1.0 + np.exp(-z))


def absorption(wl: np.ndarray, features: list[tuple[float, float, float]]) -> np.ndarray:
    """Multiplicative transmission ``prod_k (1 - depth_k * gauss(centre_k, width_k))``."""
    t = np.ones_like(np.asarray(wl, dtype=np.float64))
    for centre, width, depth in features:
        t = t * (1.0 - np.clip(depth, 0.0, 0.99) * gauss(wl, centre, width))
    return t


def _water_optical_depth(wl: np.ndarray) -> np.ndarray:
    """Relative liquid-water absorption used for leaves and moist soils (unitless)."""
    return (
        0.05 * gauss(wl, 970, 20)
        + 0.12 * gauss(wl, 1180, 40)
        + 1.3 * gauss(wl, 1450, 70)
        + 2.5 * gauss(wl, 1940, 90)
        + 0.4 * sigmoid(wl, 1350, 40)
        + 0.6 * sigmoid(wl, 1850, 40)
        + 0.6 * sigmoid(wl, 2450, 60)
    )


# ---------------------------------------------------------------------- materials
def vegetation(
    wl: np.ndarray,
    chlorophyll: float = 1.0,
    water: float = 1.0,
    senescence: float = 0.0,
    nir: float = 0.45,
    red_edge_nm: float = 718.0,
    green: float = 1.0,
) -> np.ndarray:
    """Leaf/canopy reflectance: chlorophyll wells at 450 and 670 nm, a green peak near
    550 nm, a red edge at ``red_edge_nm``, a NIR plateau of height ``nir``, leaf-water
    bands at 970/1200/1450/1940 nm scaled by ``water``; ``senescence`` in [0, 1] turns it
    into dry litter (yellowing, shallow red edge, cellulose-lignin bands at 2100/2300 nm)."""
    s = float(np.clip(senescence, 0.0, 1.0))
    chl = chlorophyll * (1.0 - 0.85 * s)
    base = 0.05 + 0.05 * green * gauss(wl, 555, 38) + 0.12 * s * sigmoid(wl, 560, 30)
    vis = base * (
        1.0 - np.clip(chl, 0, 1.5) * (0.45 * gauss(wl, 450, 40) + 0.6 * gauss(wl, 675, 22))
    )
    edge = sigmoid(wl, red_edge_nm - 15.0 * s, 14.0 + 20.0 * s)
    plateau = (nir * (1.0 - 0.35 * s) + 0.1 * s) * (1.0 - 0.06 * sigmoid(wl, 1100, 200))
    r = vis * (1.0 - edge) + plateau * edge
    r = r * np.exp(-water * (1.0 - 0.8 * s) * _water_optical_depth(wl))
    r = r * absorption(wl, [(2100, 45, 0.18 * s), (2300, 40, 0.12 * s), (1730, 25, 0.04 * s)])
    return np.clip(r, 0.0, 1.0)


def soil(
    wl: np.ndarray,
    brightness: float = 0.3,
    iron: float = 0.5,
    clay: float = 0.3,
    moisture: float = 0.2,
    organic: float = 0.3,
    carbonate: float = 0.0,
) -> np.ndarray:
    """Soil: a convex continuum rising from the blue to ~1.8 um, darkened by ``organic``
    matter and ``moisture``, with ferric iron (steep visible slope, 900 nm band), clay OH
    (1410/2200 nm), carbonate (2340 nm) and water (1450/1940 nm) features."""
    x = np.asarray(wl, dtype=np.float64)
    cont = 0.45 + 0.55 * (1.0 - np.exp(-(x - 350.0) / (450.0 + 300.0 * organic)))
    cont = cont * (1.0 - 0.12 * sigmoid(x, 2250, 150))
    vis_slope = 1.0 - iron * 0.45 * (1.0 - sigmoid(x, 570, 45))
    feats = absorption(
        x,
        [
            (900, 90, 0.18 * iron),
            (1410, 20, 0.15 * clay),
            (2205, 25, 0.25 * clay),
            (2340, 30, 0.3 * carbonate),
        ],
    )
    wet = np.exp(-0.6 * moisture * _water_optical_depth(x))
    level = brightness * (1.0 - 0.35 * organic) * (1.0 - 0.4 * moisture)
    return np.clip(level * cont * vis_slope * feats * wet, 0.0, 1.0)


def water(wl: np.ndarray, turbidity: float = 0.2, chlorophyll: float = 0.0) -> np.ndarray:
    """Open water: a few percent in the blue-green, a sediment hump near 580-700 nm
    growing with ``turbidity``, an algal dip/peak at 670/700 nm with ``chlorophyll``, and
    almost nothing beyond 750 nm."""
    x = np.asarray(wl, dtype=np.float64)
    r = (
        0.02
        + 0.025 * gauss(x, 520, 70)
        + turbidity * (0.05 * gauss(x, 600, 70) + 0.02 * gauss(x, 800, 60))
    )
    r = r + chlorophyll * (0.012 * gauss(x, 705, 15) - 0.008 * gauss(x, 675, 15))
    r = r * (1.0 - 0.85 * sigmoid(x, 720 + 80 * turbidity, 30)) + 0.004
    return np.clip(r, 0.0, 1.0)


def asphalt(wl: np.ndarray, age: float = 0.3, brightness: float = 1.0) -> np.ndarray:
    """Asphalt: dark, slowly rising; ageing loses the binder (brighter, more mineral) and
    hydrocarbon bands at 1730/2310 nm weaken."""
    x = np.asarray(wl, dtype=np.float64)
    lo, hi = 0.05 + 0.06 * age, 0.09 + 0.12 * age
    r = lo + (hi - lo) * sigmoid(x, 1100, 500)
    r = r * (1.0 - 0.25 * age * (1.0 - sigmoid(x, 560, 50)))
    r = r * absorption(
        x, [(1730, 25, 0.08 * (1 - age)), (2310, 35, 0.12 * (1 - age)), (2340, 30, 0.1 * age)]
    )
    return np.clip(brightness * r, 0.0, 1.0)


def concrete(wl: np.ndarray, brightness: float = 1.0, carbonate: float = 1.0) -> np.ndarray:
    """Concrete/cement: bright and flat-ish, hydration bands at 1450/1940 nm and a
    carbonate band at 2340 nm."""
    x = np.asarray(wl, dtype=np.float64)
    r = 0.22 + 0.14 * sigmoid(x, 650, 150) - 0.04 * sigmoid(x, 1900, 300)
    r = r * absorption(x, [(1450, 40, 0.08), (1940, 50, 0.12), (2340, 30, 0.12 * carbonate)])
    return np.clip(brightness * r, 0.0, 1.0)


def brick(wl: np.ndarray, brightness: float = 1.0, iron: float = 1.0) -> np.ndarray:
    """Fired clay (bricks, tiles): dark blue-green, a steep ferric rise at 550-600 nm, a
    ferric band near 870 nm, a flat SWIR."""
    x = np.asarray(wl, dtype=np.float64)
    r = 0.07 + 0.23 * sigmoid(x, 580 + 10 * iron, 22) + 0.06 * sigmoid(x, 1200, 300)
    r = r * absorption(x, [(870, 80, 0.12 * iron), (2200, 30, 0.04)])
    return np.clip(brightness * r, 0.0, 1.0)


def gravel(wl: np.ndarray, brightness: float = 1.0, carbonate: float = 0.6) -> np.ndarray:
    """Gravel/crushed stone: grey, bright, slightly rising, weak iron and carbonate bands."""
    x = np.asarray(wl, dtype=np.float64)
    r = 0.18 + 0.1 * sigmoid(x, 700, 200)
    r = r * absorption(x, [(900, 100, 0.04), (2340, 30, 0.15 * carbonate), (1940, 50, 0.05)])
    return np.clip(brightness * r, 0.0, 1.0)


def painted_metal(
    wl: np.ndarray, colour_nm: float = 620.0, brightness: float = 1.0, nir: float = 0.55
) -> np.ndarray:
    """Painted metal sheet: visible reflectance set by the paint colour (a rise at
    ``colour_nm``), a high NIR (pigments and the metal reflect), binder bands at
    1730/2310 nm."""
    x = np.asarray(wl, dtype=np.float64)
    vis = 0.06 + 0.28 * sigmoid(x, colour_nm, 18)
    r = vis * (1 - sigmoid(x, 760, 30)) + nir * sigmoid(x, 760, 30)
    r = r * absorption(x, [(1730, 25, 0.1), (2310, 35, 0.12)])
    return np.clip(brightness * r, 0.0, 1.0)


def bare_metal(wl: np.ndarray, brightness: float = 0.35) -> np.ndarray:
    """Galvanised/bare metal: grey, flat, slowly rising."""
    x = np.asarray(wl, dtype=np.float64)
    return np.clip(brightness * (0.85 + 0.15 * sigmoid(x, 1200, 500)), 0.0, 1.0)


def plastic(
    wl: np.ndarray, colour_nm: float = 540.0, level: float = 0.12, nir: float = 0.2
) -> np.ndarray:
    """Coloured plastic/rubber (artificial turf, tracks): a colour hump or edge in the
    visible, a gentle NIR rise without a red edge, C-H bands at 1210/1730/2310 nm."""
    x = np.asarray(wl, dtype=np.float64)
    vis = 0.04 + level * gauss(x, colour_nm, 45)
    r = vis * (1 - sigmoid(x, 800, 80)) + nir * sigmoid(x, 800, 80)
    r = r * absorption(x, [(1210, 25, 0.1), (1730, 25, 0.2), (2310, 35, 0.25)])
    return np.clip(r, 0.0, 1.0)


def dark(wl: np.ndarray, level: float = 0.02) -> np.ndarray:
    """Shadow/dark surface: a few percent, lifted in the blue by diffuse sky light."""
    x = np.asarray(wl, dtype=np.float64)
    return np.clip(level * (0.6 + 0.8 * (450.0 / x) ** 4), 0.0, 1.0)


def char(wl: np.ndarray, level: float = 0.05) -> np.ndarray:
    """Burnt ground/ash: dark, nearly flat, slowly rising."""
    x = np.asarray(wl, dtype=np.float64)
    return np.clip(level * (0.8 + 0.6 * sigmoid(x, 1300, 500)), 0.0, 1.0)


MATERIAL_FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    "vegetation": vegetation,
    "soil": soil,
    "water": water,
    "asphalt": asphalt,
    "concrete": concrete,
    "brick": brick,
    "gravel": gravel,
    "painted_metal": painted_metal,
    "bare_metal": bare_metal,
    "plastic": plastic,
    "dark": dark,
    "char": char,
}

# Named presets: (function, parameters). Variants of one function with close parameters
# give close spectra (crops at different stages, grass types, asphalt ages).
PRESETS: dict[str, tuple[str, dict]] = {
    # vegetation
    "grass": ("vegetation", dict(chlorophyll=1.0, nir=0.45, red_edge_nm=716)),
    "grass_stressed": (
        "vegetation",
        dict(chlorophyll=0.7, nir=0.36, water=0.8, senescence=0.2, red_edge_nm=710),
    ),
    "grass_dry": ("vegetation", dict(chlorophyll=0.3, nir=0.3, water=0.3, senescence=0.75)),
    "residue": ("vegetation", dict(chlorophyll=0.1, nir=0.28, water=0.15, senescence=1.0)),
    "hay": ("vegetation", dict(chlorophyll=0.4, nir=0.35, water=0.5, senescence=0.6)),
    "weeds": ("vegetation", dict(chlorophyll=0.9, nir=0.4, red_edge_nm=714, green=1.2)),
    "tree_broadleaf": (
        "vegetation",
        dict(chlorophyll=1.2, nir=0.48, water=1.1, red_edge_nm=722, green=0.8),
    ),
    "tree_conifer": (
        "vegetation",
        dict(chlorophyll=1.3, nir=0.3, water=1.1, red_edge_nm=724, green=0.5),
    ),
    "shrub": (
        "vegetation",
        dict(chlorophyll=0.8, nir=0.33, water=0.8, senescence=0.2, red_edge_nm=714),
    ),
    "oak": ("vegetation", dict(chlorophyll=1.15, nir=0.42, water=1.0, red_edge_nm=721, green=0.75)),
    "palm": ("vegetation", dict(chlorophyll=1.1, nir=0.38, water=1.0, red_edge_nm=719, green=0.85)),
    "willow": (
        "vegetation",
        dict(chlorophyll=1.0, nir=0.42, water=1.15, red_edge_nm=718, green=0.95),
    ),
    "alfalfa": (
        "vegetation",
        dict(chlorophyll=1.3, nir=0.55, water=1.1, red_edge_nm=722, green=1.1),
    ),
    "crop_corn": ("vegetation", dict(chlorophyll=1.1, nir=0.5, water=1.0, red_edge_nm=719)),
    "crop_soy": (
        "vegetation",
        dict(chlorophyll=1.05, nir=0.53, water=1.05, red_edge_nm=720, green=1.05),
    ),
    "crop_wheat": (
        "vegetation",
        dict(chlorophyll=0.9, nir=0.42, water=0.9, senescence=0.15, red_edge_nm=715),
    ),
    "oats": (
        "vegetation",
        dict(chlorophyll=0.8, nir=0.4, water=0.8, senescence=0.3, red_edge_nm=714),
    ),
    "lettuce": (
        "vegetation",
        dict(chlorophyll=0.9, nir=0.5, water=1.2, red_edge_nm=712, green=1.3),
    ),
    "broccoli": (
        "vegetation",
        dict(chlorophyll=1.25, nir=0.44, water=1.1, red_edge_nm=720, green=0.8),
    ),
    "celery": (
        "vegetation",
        dict(chlorophyll=1.0, nir=0.5, water=1.2, red_edge_nm=716, green=1.15),
    ),
    "grape": (
        "vegetation",
        dict(chlorophyll=1.1, nir=0.44, water=1.0, red_edge_nm=719, green=0.95),
    ),
    "marsh_grass": (
        "vegetation",
        dict(chlorophyll=0.8, nir=0.3, water=1.2, senescence=0.15, red_edge_nm=714),
    ),
    "spartina": (
        "vegetation",
        dict(chlorophyll=0.7, nir=0.28, water=1.2, senescence=0.25, red_edge_nm=712),
    ),
    "cattail": (
        "vegetation",
        dict(chlorophyll=0.9, nir=0.33, water=1.2, senescence=0.1, red_edge_nm=716),
    ),
    "reed": (
        "vegetation",
        dict(chlorophyll=0.85, nir=0.36, water=1.0, senescence=0.15, red_edge_nm=715),
    ),
    "hippo_grass": (
        "vegetation",
        dict(chlorophyll=1.1, nir=0.4, water=1.3, red_edge_nm=717, green=1.1),
    ),
    "acacia": (
        "vegetation",
        dict(chlorophyll=0.75, nir=0.32, water=0.7, senescence=0.3, red_edge_nm=713),
    ),
    "mopane": (
        "vegetation",
        dict(chlorophyll=0.8, nir=0.34, water=0.75, senescence=0.25, red_edge_nm=715, green=0.9),
    ),
    # soils and ground
    "soil": ("soil", dict(brightness=0.32, iron=0.5, clay=0.3, moisture=0.2, organic=0.3)),
    "soil_dark": ("soil", dict(brightness=0.28, iron=0.4, clay=0.3, moisture=0.4, organic=0.7)),
    "soil_bright": ("soil", dict(brightness=0.4, iron=0.3, clay=0.4, moisture=0.1, organic=0.1)),
    "soil_red": ("soil", dict(brightness=0.38, iron=1.0, clay=0.3, moisture=0.1, organic=0.1)),
    "mud": ("soil", dict(brightness=0.25, iron=0.3, clay=0.4, moisture=0.9, organic=0.6)),
    "sand": (
        "soil",
        dict(brightness=0.5, iron=0.15, clay=0.05, moisture=0.05, organic=0.0, carbonate=0.2),
    ),
    "burnt": ("char", dict(level=0.05)),
    # water
    "water_clear": ("water", dict(turbidity=0.05)),
    "water_turbid": ("water", dict(turbidity=0.5, chlorophyll=0.5)),
    # urban
    "asphalt": ("asphalt", dict(age=0.3)),
    "asphalt_old": ("asphalt", dict(age=0.8)),
    "bitumen": ("asphalt", dict(age=0.0, brightness=0.75)),
    "concrete": ("concrete", dict()),
    "brick": ("brick", dict(brightness=0.9, iron=0.8)),
    "tile_red": ("brick", dict(brightness=1.1, iron=1.2)),
    "gravel": ("gravel", dict()),
    "metal_painted": ("painted_metal", dict(colour_nm=600, nir=0.6)),
    "metal_galvanised": ("bare_metal", dict(brightness=0.35)),
    "court_paint": ("painted_metal", dict(colour_nm=520, nir=0.35, brightness=0.8)),
    "synthetic_turf": ("plastic", dict(colour_nm=540, level=0.1, nir=0.18)),
    "rubber_track": ("plastic", dict(colour_nm=640, level=0.1, nir=0.15)),
    "shadow": ("dark", dict(level=0.02)),
}


def material_spectrum(
    name: str,
    wl: np.ndarray,
    rng: np.random.Generator | None = None,
    jitter: float = 0.0,
    **overrides,
) -> np.ndarray:
    """(B,) reflectance of preset ``name`` on ``wl`` (nm); with ``rng`` and ``jitter`` > 0
    every numeric parameter is multiplied by ``1 + jitter * N(0, 1)`` (clipped at 0), which
    gives a seeded random variant of the material."""
    check_choice("material", name, PRESETS)
    fn_name, params = PRESETS[name]
    params = {**params, **overrides}
    if rng is not None and jitter > 0:
        params = {
            k: max(0.0, v * (1.0 + jitter * rng.standard_normal()))
            if k != "red_edge_nm" and k != "colour_nm"
            else v + 8.0 * jitter * rng.standard_normal()
            for k, v in params.items()
        }
    return MATERIAL_FUNCTIONS[fn_name](wl, **params)


def procedural_endmembers(
    names: list[str], wl: np.ndarray, seed: int | None = None, jitter: float = 0.0
) -> np.ndarray:
    """(B, E) spectra of the presets ``names`` on ``wl`` (nm); ``seed`` and ``jitter``
    give seeded random variants (see :func:`material_spectrum`)."""
    rng = np.random.default_rng(seed) if seed is not None else None
    return np.stack([material_spectrum(n, wl, rng, jitter) for n in names], axis=1)
