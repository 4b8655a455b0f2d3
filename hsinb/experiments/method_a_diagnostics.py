"""What a method-A record keeps besides its metrics: the pre-training behind its numbers
(cache key, steps, pairs, wall time, loss terms, effective rank of the features) and the
mixed-pixel diagnostics (accuracy by window label agreement and purity, and what the frozen
features keep of the centre spectrum). :func:`hsinb.experiments.method_a.run` writes them."""

from __future__ import annotations

from typing import Any

import torch

from .fewshot import FewShotData

__all__ = ["RANK_PIXELS", "feature_rank", "pretrain_summary", "mixed_pixel_summary"]


#: pixels whose frozen features measure an encoder's effective rank
RANK_PIXELS = 2048


def feature_rank(encoder: torch.nn.Module, data: FewShotData, seed: int, n_pixels: int = RANK_PIXELS) -> float:
    """Effective rank (:func:`hsinb.metrics.effective_rank`) of the frozen features of
    ``n_pixels`` seeded random pixels of the scene (labelled or not): near 1 when
    pre-training collapsed, up to the feature dimension."""
    import numpy as np

    from ..metrics import effective_rank
    from ..training.classify import encode

    h, w = data.scene.shape[:2]
    idx = np.random.default_rng(seed).choice(h * w, size=min(n_pixels, h * w), replace=False)
    rows, cols = np.divmod(idx, w)
    return effective_rank(encode(encoder, data.cube.extract(rows, cols, data.layout).contiguous()).cpu())


def pretrain_summary(pretrain: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a record keeps of the pre-training behind its numbers: the encoder's cache key,
    whether it came from the cache, steps, pairs seen, wall time (s), the last epoch's loss
    and its two terms, the effective rank of the features, and the per-epoch history of the
    loss and its terms (encoders cached before the terms were recorded lack them: None)."""
    if not pretrain:
        return None
    hist = pretrain.get("history") or {}

    def last(k: str):
        return hist[k][-1] if hist.get(k) else None

    return {"key": pretrain.get("key"), "from_cache": pretrain.get("from_cache"), "steps": hist.get("steps"),
            "pairs": hist.get("pairs"), "wall_s": hist.get("wall_s"), "loss": last("loss"),
            "invariance": last("invariance"), "redundancy": last("redundancy"),
            "effective_rank": pretrain.get("effective_rank"),
            "history": {k: hist[k] for k in ("loss", "invariance", "redundancy") if k in hist}}


def mixed_pixel_summary(result: dict[str, Any], *, size: int, seed: int) -> dict[str, Any]:
    """What a record keeps to tell whether a protocol labels the pixel or its neighbourhood
    (:mod:`hsinb.analysis.mixed_pixels`): per protocol and baseline, test pixels correct in
    bins of the share of their ``size``×``size`` window that has their label
    (``"agreement"``) and, on scenes with abundances, of their largest abundance
    (``"purity"``); and for the pre-trained (``linear``) and supervised encoders, the R² with
    which the frozen features predict the centre pixel's spectrum, the window's mean
    spectrum, and the centre's departure from that mean (what is the pixel's own)."""
    import numpy as np

    from ..analysis.mixed_pixels import (
        PURITY_EDGES,
        binned_accuracy,
        neighbourhood_agreement,
        purity,
        spectrum_retention,
        window_mean_spectra,
    )
    from ..training.classify import encode

    data: FewShotData = result["data"]
    scene, split = data.scene, data.split
    truth = split.label_vector(scene.labels) - 1
    agree = neighbourhood_agreement(split.label_vector(scene.labels).reshape(scene.shape[:2]), size).reshape(-1)
    pure = purity(scene.abundances).reshape(-1) if scene.abundances is not None else None
    bins: dict[str, Any] = {}
    for name, m in result["metrics"].items():
        if "pixels" not in m or name == "linear_select":  # a copy of one of the two probes
            continue
        correct = np.asarray(m["predictions"]) == truth[m["pixels"]]
        bins[name] = {"agreement": binned_accuracy(correct, agree[m["pixels"]])}
        if pure is not None:
            bins[name]["purity"] = binned_accuracy(correct, pure[m["pixels"]], PURITY_EDGES)
    h, w = scene.shape[:2]
    idx = np.random.default_rng(seed).choice(h * w, size=min(RANK_PIXELS, h * w), replace=False)
    rows, cols = np.divmod(idx, w)
    centre = scene.cube.reshape(h * w, -1)[idx]
    window = window_mean_spectra(scene.cube, size).reshape(h * w, -1)[idx]
    targets = {"centre": centre, "window mean": window, "centre minus window mean": centre - window}
    x = data.cube.extract(rows, cols, data.layout).contiguous()
    retention = {name: spectrum_retention(encode(model.encoder, x).cpu().numpy(), targets, seed=seed)
                 for name, model in result["models"].items() if name in ("linear", "supervised")}
    return {"window": size, "bins": bins, "spectrum_r2": retention}
