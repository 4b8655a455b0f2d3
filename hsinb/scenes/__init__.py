"""Scenes: get a hyperspectral image as arrays, from a file, a download or the simulator."""

from .fetch import cache_dir, fetch_file, search_dirs, verify_file
from .load import load_label_maps, load_scene, load_scene_file
from .registry import (
    SCENES,
    SIMULATED_SCENES,
    STANDIN_SCENES,
    get_spec,
    is_stand_in,
    list_scenes,
    stands_in_for,
)
from .scene import NORMALISATIONS, Scene, normalise_cube

__all__ = [
    "NORMALISATIONS", "SCENES", "SIMULATED_SCENES", "STANDIN_SCENES", "Scene", "cache_dir",
    "fetch_file", "get_spec", "list_scenes", "load_label_maps", "load_scene", "load_scene_file",
    "normalise_cube", "search_dirs", "stands_in_for", "is_stand_in", "verify_file",
]  # fmt: skip
