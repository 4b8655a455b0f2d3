"""Class recipes of the simulated stand-ins: what each labelled class is made of.

A recipe is a string ``"w1 material1 + w2 material2 + ..."``; weights are relative
(normalised to sum to one). A material is a procedural preset name (see
:data:`hsinb.scenes.simulate.procedural.PRESETS`) or ``usgs:NAME|fallback``: the first
USGS-library spectrum whose name contains NAME (``_`` = space), or the preset
``fallback`` when no library is available. Classes that the real scenes confuse get
recipes that differ only in proportions or by close material variants (corn vs soy,
lettuce ages, grapes vs vineyard, asphalt vs bitumen, gravel vs bricks).
"""

from __future__ import annotations

import re

RECIPES: dict[str, dict] = {
    "paviaU": {
        "sensor": "ROSIS",
        "background": "3 asphalt + 2 concrete + 2 tile_red + 1 grass + 1 tree_broadleaf + 1 shadow + 1 metal_galvanised + 1 soil",
        "classes": {
            "Asphalt": "0.85 asphalt + 0.1 gravel + 0.05 shadow",
            "Meadows": "0.8 grass + 0.12 soil + 0.08 grass_dry",
            "Gravel": "0.7 gravel + 0.15 soil_bright + 0.15 brick",
            "Trees": "0.85 tree_broadleaf + 0.15 shadow",
            "Painted metal sheets": "0.9 metal_painted + 0.1 metal_galvanised",
            "Bare soil": "0.7 soil + 0.15 grass_dry + 0.15 grass",
            "Bitumen": "0.8 bitumen + 0.2 asphalt",
            "Self-blocking bricks": "0.65 brick + 0.25 gravel + 0.1 asphalt",
            "Shadows": "0.8 shadow + 0.1 asphalt + 0.1 tree_broadleaf",
        },
    },
    "pavia_centre": {
        "sensor": "ROSIS",
        "background": "3 tile_red + 2 asphalt + 2 concrete + 1 shadow + 1 water_turbid + 1 tree_broadleaf + 1 metal_galvanised",
        "classes": {
            "Water": "0.9 water_turbid + 0.1 water_clear",
            "Trees": "0.85 tree_broadleaf + 0.15 shadow",
            "Asphalt": "0.85 asphalt + 0.1 gravel + 0.05 shadow",
            "Self-blocking bricks": "0.65 brick + 0.25 gravel + 0.1 asphalt",
            "Bitumen": "0.8 bitumen + 0.2 asphalt",
            "Tiles": "0.85 tile_red + 0.1 brick + 0.05 shadow",
            "Shadows": "0.8 shadow + 0.1 asphalt + 0.1 water_turbid",
            "Meadows": "0.8 grass + 0.12 soil + 0.08 grass_dry",
            "Bare soil": "0.7 soil + 0.15 grass_dry + 0.15 grass",
        },
    },
    "indian_pines": {
        "sensor": "AVIRIS",
        "background": "3 soil_dark + 2 residue + 2 crop_corn + 2 crop_soy + 1 grass + 1 tree_broadleaf",
        "classes": {
            "Alfalfa": "0.6 alfalfa + 0.3 soil + 0.1 residue",
            "Corn-notill": "0.3 crop_corn + 0.4 residue + 0.3 soil_dark",
            "Corn-mintill": "0.35 crop_corn + 0.25 residue + 0.4 soil_dark",
            "Corn": "0.45 crop_corn + 0.1 residue + 0.45 soil_dark",
            "Grass-pasture": "0.75 grass + 0.15 soil + 0.1 usgs:Cheatgrass|grass_dry",
            "Grass-trees": "0.5 grass + 0.4 tree_broadleaf + 0.1 soil",
            "Grass-pasture-mowed": "0.55 grass + 0.3 usgs:Dry_Long_Grass|grass_dry + 0.15 soil",
            "Hay-windrowed": "0.65 hay + 0.2 grass + 0.15 soil",
            "Oats": "0.5 oats + 0.4 soil_dark + 0.1 residue",
            "Soybean-notill": "0.28 crop_soy + 0.42 residue + 0.3 soil_dark",
            "Soybean-mintill": "0.33 crop_soy + 0.27 residue + 0.4 soil_dark",
            "Soybean-clean": "0.42 crop_soy + 0.05 residue + 0.53 soil_dark",
            "Wheat": "0.8 crop_wheat + 0.2 soil",
            "Woods": "0.8 tree_broadleaf + 0.1 usgs:Maple_Leaves|oak + 0.1 shadow",
            "Buildings-Grass-Trees-Drives": "0.3 concrete + 0.25 grass + 0.25 tree_broadleaf + 0.2 asphalt",
            "Stone-Steel-Towers": "0.45 metal_galvanised + 0.35 gravel + 0.2 grass",
        },
    },
    "salinas": {
        "sensor": "AVIRIS",
        "background": "3 soil + 2 soil_bright + 2 residue + 1 weeds + 1 grape + 1 lettuce",
        "classes": {
            "Brocoli green weeds 1": "0.5 broccoli + 0.2 weeds + 0.3 soil",
            "Brocoli green weeds 2": "0.6 broccoli + 0.25 weeds + 0.15 soil",
            "Fallow": "0.8 soil_bright + 0.2 grass_dry",
            "Fallow rough plow": "0.75 soil + 0.15 soil_dark + 0.1 shadow",
            "Fallow smooth": "0.85 soil_bright + 0.15 soil",
            "Stubble": "0.6 residue + 0.4 soil_bright",
            "Celery": "0.7 celery + 0.3 soil",
            "Grapes untrained": "0.45 grape + 0.2 weeds + 0.35 soil",
            "Soil vineyard develop": "0.85 soil + 0.15 grape",
            "Corn senesced green weeds": "0.4 residue + 0.3 weeds + 0.3 soil",
            "Lettuce romaine 4wk": "0.3 lettuce + 0.7 soil",
            "Lettuce romaine 5wk": "0.45 lettuce + 0.55 soil",
            "Lettuce romaine 6wk": "0.62 lettuce + 0.38 soil",
            "Lettuce romaine 7wk": "0.78 lettuce + 0.22 soil",
            "Vineyard untrained": "0.4 grape + 0.22 weeds + 0.38 soil",
            "Vineyard vertical trellis": "0.5 grape + 0.35 soil + 0.15 shadow",
        },
    },
    "ksc": {
        "sensor": "AVIRIS",
        "background": "3 shrub + 2 water_turbid + 2 marsh_grass + 1 sand + 1 tree_conifer + 1 mud",
        "classes": {
            "Scrub": "0.55 shrub + 0.15 usgs:Sage_Brush|shrub + 0.2 sand + 0.1 grass_dry",
            "Willow swamp": "0.7 willow + 0.2 water_turbid + 0.1 mud",
            "Cabbage palm hammock": "0.7 palm + 0.3 shrub",
            "Cabbage palm/oak hammock": "0.4 palm + 0.4 oak + 0.2 shrub",
            "Slash pine": "0.6 tree_conifer + 0.1 usgs:Pinon_Pine|tree_conifer + 0.2 shrub + 0.1 sand",
            "Oak/broadleaf hammock": "0.65 oak + 0.2 palm + 0.15 shrub",
            "Hardwood swamp": "0.6 tree_broadleaf + 0.25 water_turbid + 0.15 mud",
            "Graminoid marsh": "0.6 marsh_grass + 0.25 mud + 0.15 water_turbid",
            "Spartina marsh": "0.65 spartina + 0.2 mud + 0.15 water_turbid",
            "Cattail marsh": "0.6 cattail + 0.25 water_turbid + 0.15 mud",
            "Salt marsh": "0.45 spartina + 0.2 usgs:Saltbrush|shrub + 0.35 mud",
            "Mud flats": "0.8 mud + 0.2 water_turbid",
            "Water": "0.9 water_clear + 0.1 water_turbid",
        },
    },
    "botswana": {
        "sensor": "Hyperion",
        "background": "3 grass_dry + 2 acacia + 2 mopane + 1 sand + 1 water_turbid + 1 reed",
        "classes": {
            "Water": "0.9 water_turbid + 0.1 water_clear",
            "Hippo grass": "0.6 hippo_grass + 0.4 water_turbid",
            "Floodplain grasses 1": "0.7 grass + 0.2 mud + 0.1 water_turbid",
            "Floodplain grasses 2": "0.6 grass + 0.2 grass_dry + 0.2 mud",
            "Reeds": "0.7 reed + 0.2 water_turbid + 0.1 mud",
            "Riparian": "0.5 tree_broadleaf + 0.3 reed + 0.2 grass",
            "Firescar": "0.6 burnt + 0.3 soil + 0.1 grass_dry",
            "Island interior": "0.5 grass_dry + 0.3 sand + 0.2 shrub",
            "Acacia woodlands": "0.6 acacia + 0.2 grass_dry + 0.2 sand",
            "Acacia shrublands": "0.45 acacia + 0.3 grass_dry + 0.25 sand",
            "Acacia grasslands": "0.25 acacia + 0.5 usgs:Dry_Long_Grass|grass_dry + 0.25 sand",
            "Short mopane": "0.45 mopane + 0.3 grass_dry + 0.25 soil_red",
            "Mixed mopane": "0.5 mopane + 0.25 acacia + 0.25 grass_dry",
            "Exposed soils": "0.7 soil_red + 0.15 usgs:Kaolinite_CM9|soil_bright + 0.15 sand",
        },
    },
    "houston2013": {
        "sensor": "CASI-1500",
        "background": "3 concrete + 2 asphalt + 2 grass + 2 tree_broadleaf + 1 asphalt_old + 1 metal_galvanised + 1 shadow",
        "classes": {
            "Healthy grass": "0.9 grass + 0.1 soil",
            "Stressed grass": "0.75 grass_stressed + 0.15 grass_dry + 0.1 soil",
            "Synthetic grass": "0.95 synthetic_turf + 0.05 rubber_track",
            "Trees": "0.85 tree_broadleaf + 0.15 shadow",
            "Soil": "0.85 soil + 0.15 grass_dry",
            "Water": "0.9 water_turbid + 0.1 water_clear",
            "Residential": "0.35 asphalt_old + 0.25 concrete + 0.2 tree_broadleaf + 0.2 grass",
            "Commercial": "0.5 concrete + 0.25 metal_galvanised + 0.25 asphalt",
            "Road": "0.7 asphalt + 0.3 concrete",
            "Highway": "0.6 concrete + 0.4 asphalt_old",
            "Railway": "0.5 gravel + 0.3 asphalt_old + 0.2 metal_galvanised",
            "Parking lot 1": "0.8 asphalt + 0.1 concrete + 0.1 metal_painted",
            "Parking lot 2": "0.65 asphalt_old + 0.2 concrete + 0.15 metal_painted",
            "Tennis court": "0.8 court_paint + 0.2 concrete",
            "Running track": "0.85 rubber_track + 0.15 synthetic_turf",
        },
    },
}

# Class names not in a table above are matched by keyword, first rule wins.
KEYWORD_RECIPES: list[tuple[str, str]] = [
    (r"water|lake|river|sea", "0.9 water_turbid + 0.1 water_clear"),
    (r"shadow", "0.8 shadow + 0.2 asphalt"),
    (r"bitumen|\btar\b", "0.8 bitumen + 0.2 asphalt"),
    (r"asphalt|road|highway|parking|street|drive", "0.8 asphalt + 0.2 concrete"),
    (r"brick", "0.7 brick + 0.3 gravel"),
    (r"tile|roof", "0.8 tile_red + 0.2 concrete"),
    (r"metal|steel|tower", "0.7 metal_galvanised + 0.3 metal_painted"),
    (r"gravel|rail|stone", "0.7 gravel + 0.3 soil_bright"),
    (
        r"concrete|cement|building|commercial|residential|urban",
        "0.6 concrete + 0.2 asphalt + 0.2 tile_red",
    ),
    (r"synthetic|artificial", "0.95 synthetic_turf + 0.05 rubber_track"),
    (r"track|court", "0.85 rubber_track + 0.15 concrete"),
    (r"mud|flat", "0.8 mud + 0.2 water_turbid"),
    (r"sand|beach|dune", "0.9 sand + 0.1 soil_bright"),
    (r"fire|burn", "0.7 burnt + 0.3 soil"),
    (r"marsh|swamp|wetland|reed", "0.6 marsh_grass + 0.25 mud + 0.15 water_turbid"),
    (r"pine|conifer|spruce|fir", "0.8 tree_conifer + 0.2 shrub"),
    (r"tree|wood|forest|hammock|oak|palm|riparian", "0.85 tree_broadleaf + 0.15 shadow"),
    (r"scrub|shrub|bush", "0.6 shrub + 0.4 sand"),
    (r"corn|maize", "0.4 crop_corn + 0.3 residue + 0.3 soil_dark"),
    (r"soy", "0.4 crop_soy + 0.3 residue + 0.3 soil_dark"),
    (r"wheat|oat|barley|crop", "0.7 crop_wheat + 0.3 soil"),
    (r"stubble|residue|senesc", "0.6 residue + 0.4 soil"),
    (r"hay|dry", "0.7 hay + 0.3 soil"),
    (r"grass|meadow|pasture|lawn", "0.85 grass + 0.15 soil"),
    (r"soil|fallow|plow|bare", "0.85 soil + 0.15 grass_dry"),
]

DEFAULT_BACKGROUND = "2 soil + 2 grass + 1 tree_broadleaf + 1 concrete + 1 asphalt"


def norm_name(name: str) -> str:
    """Lower case, letters and digits only, common misspellings unified:
    ``"Self-Blocking Bricks"`` -> ``"selfblockingbricks"``, ``"Vinyard"`` = ``"Vineyard"``."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    for variant, canonical in _SPELLINGS.items():
        key = key.replace(variant, canonical)
    return key


_SPELLINGS = {"vinyard": "vineyard", "brocoli": "broccoli"}


def parse_recipe(recipe: str) -> dict[str, float]:
    """``"0.7 soil + 0.3 grass"`` -> ``{"soil": 0.7, "grass": 0.3}`` normalised to sum 1
    (a term without a weight counts 1)."""
    out: dict[str, float] = {}
    for term in recipe.split("+"):
        parts = term.strip().split(None, 1)
        if len(parts) == 2 and re.fullmatch(r"[0-9.]+", parts[0]):
            w, mat = float(parts[0]), parts[1].strip()
        else:
            w, mat = 1.0, term.strip()
        out[mat] = out.get(mat, 0.0) + w
    total = sum(out.values())
    if total <= 0:
        raise ValueError(f"recipe {recipe!r} has no positive weight")
    return {k: v / total for k, v in out.items()}


def recipe_for(scene: str, class_name: str) -> tuple[str, str]:
    """(recipe, how it was found) for ``class_name`` of ``scene``: the scene's table, then
    any table, then the keyword rules, then a generic soil/vegetation mixture."""
    key = norm_name(class_name)
    table = RECIPES.get(scene, {}).get("classes", {})
    for name, rec in table.items():
        if norm_name(name) == key:
            return rec, "table"
    for other in RECIPES.values():
        for name, rec in other["classes"].items():
            if norm_name(name) == key:
                return rec, "other table"
    low = class_name.lower()
    for pattern, rec in KEYWORD_RECIPES:
        if re.search(pattern, low):
            return rec, f"keyword {pattern!r}"
    return "0.5 soil + 0.3 grass + 0.2 shrub", "generic"
