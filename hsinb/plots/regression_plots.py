"""Figures of an abundance-regression run (method C): tile maps and predicted-vs-true scatter."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def tile_abundance_maps(grid: tuple[int, int], tiles: np.ndarray, truth: np.ndarray, pred: np.ndarray,
                        names: Sequence[str], title: str = "") -> Figure:
    """Reference (top) and predicted (bottom) mean abundance per tile, one column per
    endmember; only the given ``tiles`` (row-major tile ids, e.g. the test tiles) are drawn,
    the others stay grey. ``truth``, ``pred``: (len(tiles), E)."""
    th, tw = grid
    e = truth.shape[1]
    fig, axes = plt.subplots(2, e, figsize=(2.6 * e, 5.2), squeeze=False)
    for k in range(e):
        for row, values, what in ((0, truth, "reference"), (1, pred, "predicted")):
            m = np.full(th * tw, np.nan)
            m[tiles] = values[:, k]
            ax = axes[row, k]
            cmap = plt.get_cmap("viridis").copy()
            cmap.set_bad("0.85")
            im = ax.imshow(m.reshape(th, tw), cmap=cmap, vmin=0, vmax=1)
            ax.set_title(f"{names[k] if k < len(names) else k}: {what}", fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.colorbar(im, ax=axes, shrink=0.7, label="mean abundance of the tile")
    fig.suptitle(title)
    return fig


def prediction_scatter(truth: np.ndarray, pred: np.ndarray, names: Sequence[str], title: str = "") -> Figure:
    """Predicted vs reference abundance, one panel per endmember, with the identity line."""
    e = truth.shape[1]
    fig, axes = plt.subplots(1, e, figsize=(3.0 * e, 3.0), squeeze=False)
    for k, ax in enumerate(axes[0]):
        ax.scatter(truth[:, k], pred[:, k], s=10, alpha=0.7)
        ax.plot([0, 1], [0, 1], "k--", lw=0.8)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("reference")
        ax.set_ylabel("predicted")
        ax.set_title(names[k] if k < len(names) else str(k), fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def prediction_scatter_grid(truth: np.ndarray, predictions: dict[str, np.ndarray], names: Sequence[str],
                            scores: dict[str, float] | None = None, title: str = "") -> Figure:
    """Predicted vs reference abundance of the same samples for several models side by side:
    one row per model (``predictions``: name -> (N, E)), one column per endmember, shared
    axes, the identity line; ``scores`` (e.g. R² per model) go into the row labels."""
    e = truth.shape[1]
    fig, axes = plt.subplots(len(predictions), e, figsize=(2.6 * e, 2.6 * len(predictions)), squeeze=False,
                             sharex=True, sharey=True)
    for r, (model, pred) in enumerate(predictions.items()):
        for k, ax in enumerate(axes[r]):
            ax.scatter(truth[:, k], pred[:, k], s=10, alpha=0.7, color=f"C{r}")
            ax.plot([0, 1], [0, 1], "k--", lw=0.8)
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
            if r == 0:
                ax.set_title(names[k] if k < len(names) else str(k), fontsize=9)
            if r == len(predictions) - 1:
                ax.set_xlabel("reference abundance")
        score = f"\nR² {scores[model]:.3f}" if scores and model in scores else ""
        axes[r, 0].set_ylabel(f"{model}{score}\npredicted abundance", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
