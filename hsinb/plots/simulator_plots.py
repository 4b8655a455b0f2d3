"""Figures of the simulator: a stand-in beside its real label map, paper C's scene."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..scenes.scene import Scene
from .scene_plots import abundance_maps, class_spectra, false_colour, label_map


def standin_overview(sim: Scene, real_labels=None) -> Figure:
    """Three panels: the REAL label map (``real_labels``, default the stand-in's own, which is
    the real one by construction), the stand-in's false colour, and its class spectra."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), gridspec_kw={"width_ratios": [1, 1, 1.6]})
    label_map(sim, labels=sim.labels if real_labels is None else real_labels, ax=axes[0], legend=False)
    axes[0].set_title(f"real label map of {sim.name.removesuffix('-sim')}")
    false_colour(sim, ax=axes[1])
    axes[1].set_title(f"{sim.display_name}: false colour (simulated)")
    class_spectra(sim, ax=axes[2])
    axes[2].set_title(f"{sim.display_name}: class spectra (simulated)")
    fig.tight_layout()
    return fig


def paper_c_overview(scene: Scene) -> Figure:
    """Paper C's synthetic scene: false colour and its endmember abundance maps."""
    return abundance_maps(scene)
