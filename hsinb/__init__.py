"""hsinb: self-supervised learning for hyperspectral images, a notebook-first study.

Data flows left to right through the package; a module imports only from its left, and
the leaves ``errors``, ``runtime``, ``metrics`` and ``records`` serve every layer::

    scenes -> splits, patches -> views -> models -> objectives -> training -> experiments -> grid
                                        analysis (records -> verdicts);  plots (draw only)

Where things live:

* ``scenes``: a scene as arrays (registry, readers, verified downloads, library, simulator).
* ``splits``, ``patches``: which pixels or tiles train and test; windows and tiles.
* ``views``: pair samplers and augmentations (paper A's and paper C's).
* ``models``: networks (1D/2D ResNets, the 3-D backbones, heads), the linear mixing model.
* ``objectives``: losses as pure functions (Barlow Twins, multi-positive InfoNCE).
* ``training``: recipes that fit a model (supervised, probe, finetune, pre-training, regression).
* ``experiments``: one paper's experiment per module (parameters, ``run()``, batch task).
* ``analysis``: records -> verdicts (paper claims, paired tests, statistics figures show).
* ``grid``, ``records``: many runs anywhere, atomic records, mean ± std tables.
* ``plots``: figures and explorers; ``cli``: the ``hsinb`` command.
"""

from .runtime import pick_device, seed_everything
from .scenes import Scene, list_scenes, load_scene, load_scene_file

__version__ = "0.1.0"

__all__ = ["Scene", "list_scenes", "load_scene", "load_scene_file", "pick_device", "seed_everything"]
