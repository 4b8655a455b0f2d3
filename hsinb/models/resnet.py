"""Small residual CNN encoders of method A: a 2D CNN for p×p patches and a 1D CNN for spectra.

The paper only says "a custom 2D CNN with 2 residual blocks" for 9×9 patches and "a similar
1D CNN architecture with 2 residual blocks"; widths, kernels and strides below are ours.
Each encoder maps a batch to (N, feature_dim) features and exposes ``feature_dim`` and the
input ``layout`` it expects.
"""

from __future__ import annotations

import torch
from torch import nn

from ..errors import ShapeMismatchError

__all__ = ["ResidualBlock", "ResNet2d", "ResNet1d"]


class ResidualBlock(nn.Module):
    """conv-BN-ReLU-conv-BN plus a shortcut, then ReLU (basic ResNet block).

    Args:
        in_ch, out_ch: channels in and out; a 1×1 conv + BN shortcut is used when they differ.
        dims: 1 (Conv1d, input (N, C, L)) or 2 (Conv2d, input (N, C, H, W)).
        kernel: odd kernel size; "same" padding keeps the length / spatial size.
    """

    def __init__(self, in_ch: int, out_ch: int, dims: int = 2, kernel: int = 3) -> None:
        super().__init__()
        conv = nn.Conv2d if dims == 2 else nn.Conv1d
        norm = nn.BatchNorm2d if dims == 2 else nn.BatchNorm1d
        pad = kernel // 2
        self.body = nn.Sequential(
            conv(in_ch, out_ch, kernel, padding=pad, bias=False),
            norm(out_ch),
            nn.ReLU(inplace=True),
            conv(out_ch, out_ch, kernel, padding=pad, bias=False),
            norm(out_ch),
        )
        self.shortcut = (
            nn.Identity()
            if in_ch == out_ch
            else nn.Sequential(conv(in_ch, out_ch, 1, bias=False), norm(out_ch))
        )
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.body(x) + self.shortcut(x))


class ResNet2d(nn.Module):
    """2D residual CNN for band-first patches.

    stem (k×k conv B → width, BN, ReLU) → block(width → width) → block(width → feature_dim)
    → global average pooling over p×p → (N, feature_dim).

    Args:
        n_bands: B, input channels.
        width: channels after the stem. Default 64.
        feature_dim: output feature size. Default 128.
        stem_kernel: 1 (a per-pixel band reduction, default) or 3.

    Input (N, B, p, p) or (N, 1, B, p, p) (the singleton axis is dropped); any p.
    """

    layout = "2d"

    def __init__(
        self, n_bands: int, width: int = 64, feature_dim: int = 128, stem_kernel: int = 1
    ) -> None:
        super().__init__()
        self.n_bands, self.width, self.feature_dim = n_bands, width, feature_dim
        self.stem = nn.Sequential(
            nn.Conv2d(n_bands, width, stem_kernel, padding=stem_kernel // 2, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
        )
        self.blocks = nn.Sequential(
            ResidualBlock(width, width, dims=2), ResidualBlock(width, feature_dim, dims=2)
        )
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 5 and x.shape[1] == 1:
            x = x.squeeze(1)
        if x.ndim != 4 or x.shape[1] != self.n_bands:
            raise ShapeMismatchError(
                f"ResNet2d({self.n_bands} bands) expects (N, {self.n_bands}, p, p), got {tuple(x.shape)}"
            )
        return self.pool(self.blocks(self.stem(x))).flatten(1)


class ResNet1d(nn.Module):
    """1D residual CNN for single spectra.

    stem (conv k=7, stride 2, 1 → width, BN, ReLU) → block(width → width, k=3)
    → block(width → feature_dim, k=3) → global average pooling over bands → (N, feature_dim).

    Args:
        n_bands: B, spectrum length (only checked; any length ≥ 1 works).
        width: channels after the stem. Default 64.
        feature_dim: output feature size. Default 128.
        stem_kernel: stem kernel size (odd). Default 7.
        stem_stride: stem stride along bands. Default 2 (halves the length, e.g. 103 → 52).

    Input (N, B) or (N, 1, B).
    """

    layout = "1d"

    def __init__(
        self,
        n_bands: int,
        width: int = 64,
        feature_dim: int = 128,
        stem_kernel: int = 7,
        stem_stride: int = 2,
    ) -> None:
        super().__init__()
        self.n_bands, self.width, self.feature_dim = n_bands, width, feature_dim
        self.stem = nn.Sequential(
            nn.Conv1d(
                1, width, stem_kernel, stride=stem_stride, padding=stem_kernel // 2, bias=False
            ),
            nn.BatchNorm1d(width),
            nn.ReLU(inplace=True),
        )
        self.blocks = nn.Sequential(
            ResidualBlock(width, width, dims=1), ResidualBlock(width, feature_dim, dims=1)
        )
        self.pool = nn.AdaptiveAvgPool1d(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 2:
            x = x.unsqueeze(1)
        if x.ndim != 3 or x.shape[1] != 1 or x.shape[2] != self.n_bands:
            raise ShapeMismatchError(
                f"ResNet1d({self.n_bands} bands) expects (N, {self.n_bands}), got {tuple(x.shape)}"
            )
        return self.pool(self.blocks(self.stem(x))).flatten(1)
