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

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

__all__ = ["Scene", "list_scenes", "load_scene", "load_scene_file", "pick_device", "seed_everything"]

# imported on first use (PEP 562), so that ``import hsinb.records`` or the ``hsinb tables``
# command does not pay for importing torch (about 3.5 s)
_LAZY = {"pick_device": ".runtime", "seed_everything": ".runtime", "Scene": ".scenes", "list_scenes": ".scenes",
         "load_scene": ".scenes", "load_scene_file": ".scenes"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'hsinb' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
