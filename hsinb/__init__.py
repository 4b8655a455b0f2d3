"""hsinb: self-supervised learning for hyperspectral images, a notebook-first study.

Data flows left to right through the package::

    scenes -> splits, patches -> views -> models -> objectives -> protocols -> metrics,
    records, grid;  plots read anything.
"""

from .runtime import pick_device, seed_everything
from .scenes import Scene, list_scenes, load_scene, load_scene_file

__version__ = "0.1.0"

__all__ = ["Scene", "list_scenes", "load_scene", "load_scene_file", "pick_device", "seed_everything"]
