"""LARS optimiser and the warm-up + cosine learning-rate schedule of Barlow Twins.

LARS (You et al., 2017) as in the official Barlow Twins code: for a parameter w with gradient
g, ``u = g + wd·w``, then ``u ← u · η‖w‖/‖u‖`` (when both norms are > 0), then momentum
``m ← μ·m + u`` and ``w ← w − lr·m``. Parameters with ``ndim == 1`` (biases, BatchNorm
weights and biases) are excluded from both weight decay and the trust ratio: they get plain
SGD-momentum updates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch
from torch import nn
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LambdaLR

__all__ = ["LARS", "lars_param_groups", "warmup_cosine_factor", "warmup_cosine_schedule"]


class LARS(Optimizer):
    """Layer-wise adaptive rate scaling with momentum.

    Args:
        params: parameters or param groups (a group may set ``lars_exclude`` to force the
            exclusion on or off; by default a parameter is excluded iff ``ndim == 1``).
        lr: learning rate. Default 0.2 (Barlow Twins' base lr for batch 256).
        momentum: μ. Default 0.9.
        weight_decay: applied to non-excluded parameters only. Default 1.5e-6 (Barlow Twins).
        eta: trust coefficient η. Default 0.001.
    """

    def __init__(
        self,
        params: Iterable,
        lr: float = 0.2,
        momentum: float = 0.9,
        weight_decay: float = 1.5e-6,
        eta: float = 0.001,
    ) -> None:
        if lr < 0 or momentum < 0 or weight_decay < 0 or eta <= 0:
            raise ValueError(
                f"invalid LARS settings lr={lr} momentum={momentum} wd={weight_decay} eta={eta}"
            )
        defaults = dict(
            lr=lr, momentum=momentum, weight_decay=weight_decay, eta=eta, lars_exclude=None
        )
        super().__init__(params, defaults)

    @staticmethod
    def excluded(p: torch.Tensor, group: dict) -> bool:
        """True when ``p`` gets a plain SGD-momentum update (no weight decay, no trust ratio)."""
        flag = group.get("lars_exclude")
        return bool(flag) if flag is not None else p.ndim == 1

    @torch.no_grad()
    def step(self, closure=None):  # noqa: D102 - standard Optimizer API
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                u = p.grad
                if not self.excluded(p, group):
                    u = u.add(p, alpha=group["weight_decay"])
                    w_norm = torch.linalg.vector_norm(p)
                    u_norm = torch.linalg.vector_norm(u)
                    one = torch.ones_like(w_norm)
                    q = torch.where(
                        w_norm > 0,
                        torch.where(u_norm > 0, group["eta"] * w_norm / u_norm, one),
                        one,
                    )
                    u = u.mul(q)
                state = self.state[p]
                if "mu" not in state:
                    state["mu"] = torch.zeros_like(p)
                mu = state["mu"]
                mu.mul_(group["momentum"]).add_(u)
                p.add_(mu, alpha=-group["lr"])
        return loss


def lars_param_groups(
    model: nn.Module | Iterable[nn.Module], lr: float, bias_lr_scale: float = 0.024
) -> list[dict]:
    """Two param groups: weights (ndim > 1, lr ``lr``) and biases / norm parameters
    (ndim == 1, lr ``bias_lr_scale × lr``, excluded from LARS adaptation and decay).

    Default ``bias_lr_scale`` 0.024 = 0.0048 / 0.2, Barlow Twins' ratio of the two lrs.
    """
    modules = [model] if isinstance(model, nn.Module) else list(model)
    params = [p for m in modules for p in m.parameters() if p.requires_grad]
    weights = [p for p in params if p.ndim != 1]
    others = [p for p in params if p.ndim == 1]
    groups = [{"params": weights, "lr": lr}]
    if others:
        groups.append({"params": others, "lr": lr * bias_lr_scale, "lars_exclude": True})
    return groups


def warmup_cosine_factor(
    step: int, total_steps: int, warmup_steps: int, final_scale: float = 0.001
) -> float:
    """Multiplier of the base lr at ``step`` (0-based).

    Linear warm-up ``(step + 1) / warmup_steps`` for ``step < warmup_steps`` (reaches 1 at
    the last warm-up step), then a half cosine from 1 at ``warmup_steps`` down to
    ``final_scale`` at ``total_steps`` (held there afterwards). Barlow Twins: 10 warm-up
    epochs, final 0.001.
    """
    if warmup_steps > 0 and step < warmup_steps:
        return (step + 1) / warmup_steps
    span = max(1, total_steps - warmup_steps)
    t = min(1.0, (step - warmup_steps) / span)
    return final_scale + (1.0 - final_scale) * 0.5 * (1.0 + math.cos(math.pi * t))


def warmup_cosine_schedule(
    optimizer: Optimizer, total_steps: int, warmup_steps: int, final_scale: float = 0.001
) -> LambdaLR:
    """A ``LambdaLR`` multiplying every group's lr by :func:`warmup_cosine_factor`; call
    ``.step()`` after each optimiser step."""

    def factor(step: int) -> float:
        return warmup_cosine_factor(step, total_steps, warmup_steps, final_scale)

    return LambdaLR(optimizer, factor)
