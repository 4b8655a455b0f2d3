"""Scene simulator: procedural spectra, mixing models and the simulated scenes.

- :func:`make_demo_scene`: the built-in, file-free ``demo`` scene;
- :func:`make_paper_c_scene`: paper C's synthetic regression scene (USGS endmembers, PNMM);
- :func:`make_standin`: ``<scene>-sim`` stand-ins on the real label maps.

Every scene made here has ``simulated=True``.
"""

from .demo import demo_wavelengths, make_demo_scene, voronoi_layout
from .mixing import (
    MIXING_MODELS,
    add_noise_snr,
    bilinear_mixing,
    dirichlet_abundances,
    gaussian_modulation,
    linear_mixing,
    measure_snr_db,
    mix,
    pnmm_mixing,
    smooth_abundances,
    smooth_field,
)
from .paper_c import make_paper_c_scene, patch_mean_abundances
from .procedural import PRESETS, material_spectrum, procedural_endmembers
from .standin_recipes import RECIPES, parse_recipe, recipe_for
from .standins import STANDIN_SCENES, Variability, make_standin, render_labelled_scene

__all__ = [
    "MIXING_MODELS",
    "PRESETS",
    "RECIPES",
    "STANDIN_SCENES",
    "Variability",
    "add_noise_snr",
    "bilinear_mixing",
    "demo_wavelengths",
    "dirichlet_abundances",
    "gaussian_modulation",
    "linear_mixing",
    "make_demo_scene",
    "make_paper_c_scene",
    "make_standin",
    "material_spectrum",
    "measure_snr_db",
    "mix",
    "parse_recipe",
    "patch_mean_abundances",
    "pnmm_mixing",
    "procedural_endmembers",
    "recipe_for",
    "render_labelled_scene",
    "smooth_abundances",
    "smooth_field",
    "voronoi_layout",
]
