"""Figures of a training run: learning curves, 2-D embeddings, classification maps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..scenes.scene import Scene
from .scene_plots import class_cmap, class_colours

#: readable axis labels of the quantities a training history records (fractions shown in %)
QUANTITIES = {"loss": ("training loss", 1.0), "train_acc": ("training accuracy (%)", 100.0),
              "val_acc": ("validation accuracy (%)", 100.0), "test_acc": ("test accuracy (%)", 100.0),
              "invariance": ("Barlow Twins invariance term", 1.0), "redundancy": ("Barlow Twins redundancy term", 1.0),
              "regression": ("regression loss (MSE)", 1.0), "contrastive": ("contrastive loss", 1.0)}


def learning_curves(histories: Mapping[str, Mapping[str, Sequence[float]]], title: str = "") -> Figure:
    """One panel per quantity (``loss``, ``train_acc``, ...), one line per run name; epochs
    on integer ticks, accuracies in %, a quantity no run recorded is not drawn."""
    from matplotlib.ticker import MaxNLocator

    keys = sorted({k for h in histories.values() for k, v in h.items() if k != "lr" and len(v)})
    fig, axes = plt.subplots(1, max(1, len(keys)), figsize=(4.5 * max(1, len(keys)), 3.4), squeeze=False)
    for ax, key in zip(axes[0], keys):
        label, scale = QUANTITIES.get(key, (key.replace("_", " "), 1.0))
        for name, h in histories.items():
            if key in h and len(h[key]):
                ax.plot(np.arange(1, len(h[key]) + 1), scale * np.asarray(h[key], dtype=float), label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8, title="run", title_fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def pca_2d(features: np.ndarray) -> np.ndarray:
    """(N, D) → (N, 2) projection on the first two principal axes (centred, SVD)."""
    x = np.asarray(features, dtype=np.float64)
    x = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    return x @ vt[:2].T


def embedding_plot(features: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
                   title: str = "", method: str = "pca", seed: int = 0) -> Figure:
    """Scatter of a 2-D projection of features (N, D) coloured by 0-based class ``labels``.

    ``method``: ``"pca"`` (exact, fast) or ``"tsne"`` (scikit-learn, for a few thousand points).
    """
    if method == "tsne":
        from sklearn.manifold import TSNE

        xy = TSNE(2, init="pca", random_state=seed, perplexity=min(30, max(5, len(features) // 10))).fit_transform(features)
    else:
        xy = pca_2d(features)
    colours = class_colours(len(class_names))[1:]
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.scatter(xy[:, 0], xy[:, 1], c=colours[np.asarray(labels)], s=4, alpha=0.7, linewidths=0)
    handles = [Patch(color=colours[i], label=n) for i, n in enumerate(class_names)]
    ax.legend(handles=handles, fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_title(f"{title} ({method.upper()})")
    what = "principal axis" if method != "tsne" else "t-SNE axis"
    ax.set_xlabel(f"{what} 1")
    ax.set_ylabel(f"{what} 2")
    fig.tight_layout()
    return fig


def classification_maps(scene: Scene, maps: Mapping[str, np.ndarray], only_labelled: bool = True,
                        scores: Mapping[str, float] | None = None) -> Figure:
    """Reference label map next to each predicted (H, W) map (1..C), with a class legend; a
    map's ``scores`` (e.g. OA in %) goes in its title. With ``only_labelled`` predictions are
    shown on labelled pixels only, the rest black; else every pixel (a full-scene map)."""
    cmap, norm = class_cmap(scene.n_classes)
    panels = {"reference": scene.labels, **maps}
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels) + 1.8, 3.9), squeeze=False)
    for ax, (name, m) in zip(axes[0], panels.items()):
        shown = np.where(scene.labels > 0, m, 0) if only_labelled and name != "reference" else m
        ax.imshow(shown, cmap=cmap, norm=norm, interpolation="nearest")
        score = (scores or {}).get(name)
        ax.set_title(name if score is None else f"{name}\nOA {score:.1f} %", fontsize=9)
        ax.axis("off")
    colours = class_colours(scene.n_classes)
    handles = [Patch(color=colours[i + 1], label=n) for i, n in enumerate(scene.class_names)]
    handles.append(Patch(color=colours[0], label="unlabelled / not shown"))
    fig.legend(handles=handles, fontsize=7, loc="center right", title="class", title_fontsize=8)
    fig.suptitle(f"{scene.display_name}: classification maps")
    fig.tight_layout(rect=(0, 0, 1 - 1.8 / (3.6 * len(panels) + 1.8), 1))
    return fig


def budget_curve_figure(table, title: str = "") -> Figure:
    """Method A's budget curve (:func:`hsinb.analysis.budget_curve.curve_table`): against
    pre-training steps, the linear probe's OA per K (dashed: the supervised CNN; dotted: the
    best spectral baseline of the same records), the two Barlow Twins loss terms, and the
    effective rank of the frozen features."""
    fig, axes = plt.subplots(1, 4, figsize=(17, 3.6))
    drawn: set = set()
    for i, (cell, g) in enumerate(table.groupby(["scene", "model", "split", "K"], sort=True)):
        colour = f"C{i}"
        label = f"{cell[0]} {cell[1]} {cell[2]} K={cell[3]}"
        axes[0].plot(g["steps"], g["BT + Lin OA mean"], "o-", color=colour, label=f"BT + Lin, {label}")
        if "supervised OA" in g:
            axes[0].axhline(g["supervised OA"].iloc[-1], color=colour, ls="--", lw=1)
        if "baseline OA" in g:
            axes[0].axhline(g["baseline OA"].iloc[-1], color=colour, ls=":", lw=1)
        if cell[:3] not in drawn:  # the loss terms and the rank depend on the encoders, not on K
            drawn.add(cell[:3])
            for ax, col in zip(axes[1:], ("invariance", "redundancy", "effective rank")):
                ax.plot(g["steps"], g[col], "o-", color=colour, label=" ".join(map(str, cell[:3])))
    axes[0].set_ylabel("test OA (%)")
    axes[0].legend(fontsize=7, title="dashed: supervised CNN, dotted: best baseline", title_fontsize=7)
    for ax, name in zip(axes[1:], ("invariance term Σ(1 − C_ii)²", "redundancy term Σ C_ij² (i ≠ j)",
                                   "effective rank of the features")):
        ax.set_ylabel(name)
    for ax in axes:
        ax.set_xlabel("pre-training steps")
        ax.set_xscale("log")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
