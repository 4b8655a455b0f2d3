"""Figures of method B: the regions one pre-training iteration draws from each scene."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..scenes.scene import Scene
from . import colour


def region_draws(scenes: Mapping[str, Scene], corners: Mapping[str, np.ndarray], p: int, title: str = "") -> Figure:
    """Each scene in false colour with the p×p regions whose top-left ``corners`` (R, 2) were
    drawn from it (one colour per region: each region is one group of positives)."""
    fig, axes = plt.subplots(1, len(scenes), figsize=(3.2 * len(scenes), 3.6), squeeze=False)
    palette = plt.get_cmap("tab10")
    k = 0
    for ax, (name, scene) in zip(axes[0], scenes.items()):
        bands = colour.default_rgb_bands(scene.n_bands, scene.rgb_bands, scene.wavelengths)
        ax.imshow(colour.false_colour_image(scene.cube, bands), interpolation="nearest")
        for r, c in np.asarray(corners[name]).tolist():
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), p, p, fill=False, lw=2, color=palette(k % 10)))
            k += 1
        ax.set_title(f"{scene.display_name}\n{scene.shape[0]}x{scene.shape[1]}, {scene.n_bands} bands", fontsize=8)
        ax.set_axis_off()
    fig.suptitle(title or f"one pre-training iteration: {p}x{p} regions (each a group of positives)")
    fig.tight_layout()
    return fig
