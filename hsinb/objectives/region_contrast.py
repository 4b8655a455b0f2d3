"""Paper B, eq. (1): InfoNCE summed over the positives of each query.

Every embedding of a batch is a query q; its positives R(q) are the other pixels of its
group (its p×p region), every other embedding of the batch is a key:

    L_q = Σ_{k₊ ∈ R(q)} −log( exp(q·k₊/τ) / Σ_{i ≠ q} exp(q·k_i/τ) ),    L = (1/M) Σ_q L_q

with q·k the cosine similarity (the embeddings are L2-normalised: paper B writes a dot
product and does not say; MoCo-style InfoNCE, which it cites, normalises). The denominator
runs over every key but the query itself, positives included (InfoNCE's form). A query
alone in its group contributes nothing.
"""

from __future__ import annotations

import torch

from ..errors import ShapeMismatchError
from .contrastive import cosine_similarity_matrix

__all__ = ["region_info_nce"]


def region_info_nce(z: torch.Tensor, groups: torch.Tensor, tau: float = 0.07) -> torch.Tensor:
    """Eq. (1) averaged over the M queries.

    Args:
        z: (M, D) embeddings (normalised inside).
        groups: (M,) group ids (e.g. region index): equal ids are positives of each other.
        tau: temperature (paper B: 0.07).
    """
    if z.ndim != 2 or groups.shape != (z.shape[0],):
        raise ShapeMismatchError(f"need z (M, D) and groups (M,), got {tuple(z.shape)} and {tuple(groups.shape)}")
    if tau <= 0:
        raise ValueError(f"tau must be > 0, got {tau}")
    m = z.shape[0]
    logits = cosine_similarity_matrix(z) / tau
    not_self = ~torch.eye(m, dtype=torch.bool, device=z.device)
    pos = (groups[:, None] == groups[None, :]).to(z.device) & not_self
    log_den = torch.logsumexp(logits.masked_fill(~not_self, float("-inf")), dim=1)
    return ((log_den[:, None] - logits) * pos).sum() / m
