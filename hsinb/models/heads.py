"""Heads put on top of an encoder: the Barlow Twins projector and a linear classifier."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["Projector", "LinearClassifier", "EncoderWithHead", "Regressor", "WithCentreSpectrum"]


class Projector(nn.Sequential):
    """Barlow Twins MLP: (Linear-BN-ReLU) × (n_layers - 1), then Linear (no bias).

    Args:
        in_dim: encoder feature size.
        hidden_dim: width of the hidden layers. Default 512 (BT uses 8192 for ResNet-50's
            2048 features; the paper is silent, we keep 4 × the default 128 features).
        out_dim: embedding size D (the cross-correlation matrix is D×D). Default 512.
        n_layers: number of Linear layers, ≥ 1. Default 3 as in Barlow Twins.

    Input (N, in_dim) → (N, out_dim).
    """

    def __init__(
        self, in_dim: int, hidden_dim: int = 512, out_dim: int = 512, n_layers: int = 3
    ) -> None:
        if n_layers < 1:
            raise ValueError(f"n_layers must be >= 1, got {n_layers}")
        layers: list[nn.Module] = []
        d = in_dim
        for _ in range(n_layers - 1):
            layers += [
                nn.Linear(d, hidden_dim, bias=False),
                nn.BatchNorm1d(hidden_dim),
                nn.ReLU(inplace=True),
            ]
            d = hidden_dim
        layers.append(nn.Linear(d, out_dim, bias=False))
        super().__init__(*layers)
        self.in_dim, self.out_dim = in_dim, out_dim


class LinearClassifier(nn.Linear):
    """A linear layer from features (N, in_dim) to class logits (N, n_classes)."""

    def __init__(self, in_dim: int, n_classes: int) -> None:
        super().__init__(in_dim, n_classes)
        self.n_classes = n_classes


class WithCentreSpectrum(nn.Module):
    """An encoder's features with the centre pixel's own spectrum beside them:
    (N, B, p, p) patches (or (N, B) spectra) → (N, feature_dim + B). A linear probe on these
    can weigh what the encoder learnt of the neighbourhood against the pixel itself, which
    matters on mixed-pixel scenes, where a patch encoder tends to label the neighbourhood."""

    def __init__(self, encoder: nn.Module, n_bands: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.feature_dim = encoder.feature_dim + n_bands

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim not in (2, 4):
            raise ValueError(f"expected (N, B) spectra or (N, B, p, p) patches, got shape {tuple(x.shape)}")
        centre = x[:, :, x.shape[2] // 2, x.shape[3] // 2] if x.ndim == 4 else x
        return torch.cat([self.encoder(x), centre.reshape(x.shape[0], -1).to(torch.float32)], dim=1)


class EncoderWithHead(nn.Module):
    """``head(encoder(x))``: an encoder and a head (classifier or projector) as one model.

    Attributes ``encoder`` and ``head`` stay reachable for freezing, separate learning rates
    or saving the encoder alone.
    """

    def __init__(self, encoder: nn.Module, head: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(x))


class Regressor(nn.Module):
    """A backbone and a linear regression head g for ``n_targets`` values (paper C).

    ``forward`` returns ``(predictions (N, n_targets), features (N, D))``: the features are
    what the contrastive term compares. ``constraint="softmax"`` makes the predictions
    non-negative and sum to one (abundances); ``"none"`` (default) is plain linear regression.
    """

    def __init__(self, backbone: nn.Module, n_targets: int, constraint: str = "none") -> None:
        super().__init__()
        if constraint not in ("none", "softmax"):
            raise ValueError(f"constraint must be 'none' or 'softmax', got {constraint!r}")
        self.backbone, self.constraint = backbone, constraint
        self.head = nn.Linear(backbone.feature_dim, n_targets)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        f = self.backbone(x)
        y = self.head(f)
        return (torch.softmax(y, dim=1) if self.constraint == "softmax" else y), f
