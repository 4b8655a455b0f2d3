"""Figures of method B: the regions one pre-training iteration draws from each scene."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def pretrain_loss(losses: Sequence[float], floor: float, milestones: Sequence[int] = (), title: str = "") -> Figure:
    """Eq. (1) per pre-training iteration, with its floor (a solved pretext task) and the
    iterations where the learning rate drops."""
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.plot(np.arange(1, len(losses) + 1), losses, lw=1.2, label="eq. (1), one batch")
    ax.axhline(floor, color="k", ls="--", lw=1, label=f"floor (p²−1)·ln(p²−1) = {floor:.1f}")
    for i, m in enumerate(milestones):
        ax.axvline(m, color="grey", ls=":", lw=1, label="learning rate ÷ 10" if i == 0 else None)
    ax.set_xlabel("pre-training iteration")
    ax.set_ylabel("loss per query (nats)")
    ax.legend(fontsize=8)
    ax.set_title(title or "self-supervised pre-training")
    fig.tight_layout()
    return fig


def embedding_by_scene_and_class(z: np.ndarray, scene_ids: np.ndarray, class_ids: np.ndarray,
                                 scene_names: Sequence[str], title: str = "") -> Figure:
    """The first two principal axes of an (N, D) embedding, twice: coloured by scene, and
    coloured by class (1..C of each scene, one marker per scene)."""
    from .training_plots import pca_2d

    xy = pca_2d(z)
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.4))
    scenes = plt.get_cmap("tab10")
    classes = plt.get_cmap("tab20")
    markers = "os^vDP*X"
    for i, name in enumerate(scene_names):
        on = scene_ids == i
        a.scatter(xy[on, 0], xy[on, 1], s=5, color=scenes(i % 10), label=name, alpha=0.7, linewidths=0)
        b.scatter(xy[on, 0], xy[on, 1], s=7, c=[classes((c - 1) % 20) for c in class_ids[on]],
                  marker=markers[i % len(markers)], alpha=0.7, linewidths=0, label=name)
    a.legend(fontsize=7, markerscale=3, title="scene", title_fontsize=8)
    b.legend(fontsize=7, markerscale=2, title="marker: scene", title_fontsize=8)
    a.set_title("coloured by scene")
    b.set_title("coloured by class (each scene's own classes)")
    for ax in (a, b):
        ax.set_xlabel("principal axis 1")
        ax.set_ylabel("principal axis 2")
    fig.suptitle(title or "the shared network's embedding of labelled source pixels (PCA)")
    fig.tight_layout()
    return fig
