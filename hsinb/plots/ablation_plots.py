"""Figures of ablation grids: paper A's augmentation pair matrix (Fig. 2)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def pair_matrix_heatmap(mean, std=None, none: dict | None = None, title: str = "",
                        metric: str = "linear-probe OA (%)") -> Figure:
    """Symmetric heatmap of a :func:`hsinb.analysis.ablation.pair_matrix` (n×n DataFrames).

    Each cell shows mean (and ± std over seeds); empty cells (no run) stay blank. The
    no-augmentation result, when given, is written under the title as the reference.
    """
    values = mean.to_numpy(dtype=float)
    names = list(mean.index)
    n = len(names)
    fig, ax = plt.subplots(figsize=(1.0 + 0.85 * n, 0.6 + 0.75 * n))
    finite = values[np.isfinite(values)]
    vmin, vmax = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    im = ax.imshow(np.ma.masked_invalid(values), cmap="viridis", vmin=vmin, vmax=vmax)
    for i in range(n):
        for j in range(n):
            if not np.isfinite(values[i, j]):
                continue
            text = f"{values[i, j]:.1f}"
            if std is not None and np.isfinite(std.iat[i, j]):
                text += f"\n±{std.iat[i, j]:.1f}"
            dark = values[i, j] < vmin + 0.6 * (vmax - vmin)
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if dark else "black")
    ax.set_xticks(range(n), names, rotation=45, ha="right")
    ax.set_yticks(range(n), names)
    fig.colorbar(im, ax=ax, shrink=0.8, label=metric)
    subtitle = ""
    if none is not None and none.get("n"):
        subtitle = f"\nno augmentation: {none['mean']:.1f}" + (
            f" ± {none['std']:.1f}" if np.isfinite(none.get("std", np.nan)) else "") + f" (n={none['n']})"
    ax.set_title(f"{title}{subtitle}", fontsize="medium")
    fig.tight_layout()
    return fig
