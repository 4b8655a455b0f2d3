"""Multi-positive contrastive losses (InfoNCE family) as pure functions of tensors.

One loss, several ways of saying who is a positive:

* :func:`radius_positive_mask`: paper C, eq. (1): samples whose regression targets lie
  within an ℓ2 ball of radius r (each sample's other view is always inside it);
* :func:`label_positive_mask`: same label / same region id (supervised contrastive
  learning; paper B's p×p regions seen from several scenes);
* :func:`multi_positive_info_nce`: paper C, eq. (2), or the SupCon form, over the 2N
  embeddings of two views.
"""

from __future__ import annotations

import torch

from ..errors import ShapeMismatchError, check_choice

__all__ = ["radius_positive_mask", "label_positive_mask", "multi_positive_info_nce", "contrastive_regression_loss",
           "cosine_similarity_matrix"]

DENOMINATORS = {"negatives": "paper C, eq. (2): only k outside the ball", "all": "SupCon: every k != i"}


def _two_views(n: int, mask_n: torch.Tensor) -> torch.Tensor:
    """(N, N) relation between samples → (2N, 2N) between the embeddings of both views
    (rows/cols 0..N-1 = view A, N..2N-1 = view B), self-pairs removed."""
    big = mask_n.repeat(2, 2)
    big.fill_diagonal_(False)
    return big


def radius_positive_mask(targets: torch.Tensor, radius: float) -> torch.Tensor:
    """(2N, 2N) bool: j is a positive of anchor i when ‖y_i − y_j‖₂ ≤ ``radius``.

    ``targets``: (N, s) regression targets of the N samples (both views share them), so a
    sample's other view is always a positive; the diagonal (i with itself) is False.
    """
    if targets.ndim == 1:
        targets = targets[:, None]
    if targets.ndim != 2:
        raise ShapeMismatchError(f"targets must be (N, s), got {tuple(targets.shape)}")
    if radius < 0:
        raise ValueError(f"radius must be >= 0, got {radius}")
    dist = torch.cdist(targets.double(), targets.double())
    # a sample is always its own positive, whatever rounding cdist leaves on its diagonal
    within = (dist <= radius) | torch.eye(targets.shape[0], dtype=torch.bool, device=targets.device)
    return _two_views(targets.shape[0], within)


def label_positive_mask(labels: torch.Tensor) -> torch.Tensor:
    """(2N, 2N) bool: j is a positive of anchor i when they carry the same label / region id."""
    labels = labels.reshape(-1)
    return _two_views(labels.shape[0], labels[:, None] == labels[None, :])


class _Gram(torch.autograd.Function):
    """G = Z Zᵀ with the backward dZ = (dG + dGᵀ) Z: one (M×D)·(D×M) product each way."""

    @staticmethod
    def forward(ctx, z: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(z)
        return z @ z.T

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        (z,) = ctx.saved_tensors
        return (grad + grad.T) @ z


def cosine_similarity_matrix(z: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """(M, M) cosine similarities of the rows of ``z`` (M, D).

    Computed from the Gram matrix, s_ij = g_ij / (‖z_i‖ ‖z_j‖) with ‖z_i‖ = √g_ii (floored
    at ``eps``, as ``F.normalize``): the only operations on the (M, D) tensor are one matrix
    product forward and one backward. Flattened 3-D features have D ~ 10^5, where
    normalising a copy of ``z`` and its backward cost several times the products.
    """
    g = _Gram.apply(z.float())
    norms = g.diagonal().clamp(min=eps * eps).sqrt()  # floored before the root: finite gradient at z_i = 0
    return g / (norms[:, None] * norms[None, :])


def multi_positive_info_nce(za: torch.Tensor, zb: torch.Tensor | None, positives: torch.Tensor, tau: float = 0.1,
                            denominator: str = "negatives") -> torch.Tensor:
    """Multi-positive InfoNCE over the 2N embeddings of two views.

    With s_ij the cosine similarity of embeddings i and j (of [za; zb]) and B^i the
    positives of anchor i (``positives[i]``, never i itself):

    * ``denominator="negatives"`` (paper C, eq. 2):
      ``L = −(1/N) Σ_i Σ_{j∈B^i} log( exp(s_ij/τ) / Σ_{k∉B^i, k≠i} exp(s_ik/τ) )``;
      an anchor with no negative in the batch contributes nothing (its denominator is
      empty).
    * ``denominator="all"`` (SupCon, Khosla et al. 2020): the denominator runs over every
      k ≠ i and each anchor's terms are averaged over its |B^i| positives, then over anchors.

    Args:
        za, zb: (N, D) embeddings of the two views of N samples; or ``za`` (2N, D) holding
            view A then view B, and ``zb=None`` (no copy: the form to use for large D).
        positives: (2N, 2N) bool mask (see :func:`radius_positive_mask`).
        tau: temperature (> 0).
    """
    check_choice("denominator", denominator, DENOMINATORS)
    if zb is None:
        if za.ndim != 2 or za.shape[0] % 2:
            raise ShapeMismatchError(f"stacked embeddings must be (2N, D), got {tuple(za.shape)}")
        z = za
    else:
        if za.shape != zb.shape or za.ndim != 2:
            raise ShapeMismatchError(f"embeddings must be two (N, D) tensors of equal shape, got "
                                     f"{tuple(za.shape)} and {tuple(zb.shape)}")
        z = torch.cat([za, zb])
    n = z.shape[0] // 2
    if positives.shape != (2 * n, 2 * n):
        raise ShapeMismatchError(f"positives must be ({2 * n}, {2 * n}) for N={n}, got {tuple(positives.shape)}")
    if tau <= 0:
        raise ValueError(f"tau must be > 0, got {tau}")
    logits = cosine_similarity_matrix(z) / tau  # (2N, 2N)
    pos = positives.to(logits.device).bool().clone()
    pos.fill_diagonal_(False)
    not_self = ~torch.eye(2 * n, dtype=torch.bool, device=logits.device)
    if denominator == "negatives":
        neg = not_self & ~pos
        has_neg = neg.any(1)
        log_den = torch.logsumexp(logits.masked_fill(~neg, float("-inf")), dim=1)
        log_den = torch.where(has_neg, log_den, torch.zeros_like(log_den))
        terms = (log_den[:, None] - logits) * (pos & has_neg[:, None])
        return terms.sum() / n
    log_den = torch.logsumexp(logits.masked_fill(~not_self, float("-inf")), dim=1)
    n_pos = pos.sum(1)
    per_anchor = ((log_den[:, None] - logits) * pos).sum(1) / n_pos.clamp(min=1)
    return per_anchor[n_pos > 0].mean() if (n_pos > 0).any() else logits.sum() * 0.0


def contrastive_regression_loss(pred: torch.Tensor, target: torch.Tensor, za: torch.Tensor | None,
                                zb: torch.Tensor | None, alpha: float, radius: float, tau: float,
                                denominator: str = "negatives") -> tuple[torch.Tensor, dict[str, float]]:
    """Paper C, eq. (3)-(4): ``L = MSE + α · L_contrastive``, positives by radius on targets.

    ``pred``, ``target``: (N, s); ``L_R = (1/N) Σ_i ‖y_i − ŷ_i‖²`` (summed over the s
    targets, as in eq. 4). ``za``, ``zb``: the features of the two views, or ``za`` (2N, D)
    stacked and ``zb=None`` (see :func:`multi_positive_info_nce`). Returns the total loss
    and its two parts as floats.
    """
    if pred.shape != target.shape:
        raise ShapeMismatchError(f"predictions {tuple(pred.shape)} and targets {tuple(target.shape)} differ")
    mse = ((pred - target) ** 2).sum(1).mean()
    if alpha == 0:
        return mse, {"mse": float(mse.detach()), "contrastive": 0.0}
    con = multi_positive_info_nce(za, zb, radius_positive_mask(target.detach(), radius), tau, denominator)
    return mse + alpha * con, {"mse": float(mse.detach()), "contrastive": float(con.detach())}
