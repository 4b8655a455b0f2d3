"""Paper C's training recipe: joint regression and radius-based contrastive learning.

For a batch of patches P (N, 1, B, S, S) with targets y (N, s) and a view function Φ:

    P̃ = Φ(P);   (ŷ, F) = model(P);   (·, F̃) = model(P̃)
    L = (1/N) Σ ‖y_i − ŷ_i‖²  +  α · L_contrastive(F, F̃; positives ‖y_i − y_j‖ ≤ r, τ)

(eq. 2-4, :func:`hsinb.objectives.contrastive_regression_loss`). The baseline of the paper
is the same network with α = 0 and no view. Optimiser: SGD (the paper's choice; learning
rate, momentum and weight decay are ours and recorded).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..errors import ShapeMismatchError
from ..objectives.contrastive import contrastive_regression_loss
from .batching import fit_epochs, model_device

__all__ = ["fit_contrastive_regression", "predict_regression"]


def fit_contrastive_regression(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    view: Callable[[torch.Tensor, torch.Generator | None], torch.Tensor] | None = None,
    alpha: float = 0.0,
    radius: float = 0.05,
    tau: float = 0.5,
    epochs: int = 100,
    batch_size: int = 256,
    lr: float = 0.01,
    momentum: float = 0.9,
    weight_decay: float = 5e-4,
    generator: torch.Generator | None = None,
    progress: bool = False,
    denominator: str = "negatives",
    grad_clip: float | None = 1.0,
) -> dict[str, list[float]]:
    """Train ``model`` (a :class:`hsinb.models.Regressor`) in place; returns the history
    (per epoch: ``loss``, ``mse``, ``contrastive``).

    ``x`` (N, 1, B, S, S) and ``y`` (N, s) may live on the CPU; batches move to the model's
    device. With ``alpha == 0`` or ``view is None`` it is plain regression (the baseline).
    ``grad_clip``: the gradient's global L2 norm is clipped to this value before each SGD
    step (None: no clipping). Ours, not the paper's: without it, SGD at lr 0.01 saturates the
    softmax head of backbones with 10^5 flattened features within a few steps (a linear
    layer's logit moves by about lr x |features|^2 per step) and training stops.
    """
    if y.ndim != 2 or y.shape[0] != x.shape[0]:
        raise ShapeMismatchError(f"need targets (N, s) for {x.shape[0]} patches, got {tuple(y.shape)}")
    contrast = alpha > 0 and view is not None
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)

    def step(xb: torch.Tensor, yb: torch.Tensor) -> dict[str, float]:
        yb = yb.float()
        if contrast:
            xv = view(xb, generator)
            pred, feats = model(torch.cat([xb, xv]))
            n = xb.shape[0]
            loss, parts = contrastive_regression_loss(pred[:n], yb, feats, None, alpha, radius, tau,
                                                      denominator)  # feats stacked: no copy
        else:
            pred, _ = model(xb)
            loss, parts = contrastive_regression_loss(pred, yb, None, None, 0.0, radius, tau)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if grad_clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        opt.step()
        return {"loss": float(loss.detach()) * len(yb), "mse": parts["mse"] * len(yb),
                "contrastive": parts["contrastive"] * len(yb)}

    hist = fit_epochs(model, x, y, step, epochs=epochs, batch_size=batch_size, generator=generator,
                      progress=progress, desc="contrastive regression")
    return {k: hist.get(k, []) for k in ("loss", "mse", "contrastive")}


@torch.no_grad()
def predict_regression(model: nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """(N, s) predictions on the CPU, in evaluation mode, batch by batch."""
    model.eval()
    device = model_device(model)
    out = [model(x[i:i + batch_size].to(device))[0].float().cpu() for i in range(0, x.shape[0], batch_size)]
    return torch.cat(out) if out else torch.empty(0)
