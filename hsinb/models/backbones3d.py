"""The five 3-D backbones of paper C, for patches (N, 1, B, S, S) → features (N, D).

Each follows its original design where published; where a layer depends on the input size
(the original patch sizes are 3, 5 or 11, paper C uses 10 × 10 patches) the choice is
written in the class docstring. Sources of the layer specifications: the original papers
and the public reference implementations (DeepHyperX for Luo / Hamida / Li, the authors'
repositories for Atik and Varahagiri, and the code of paper C's authors for their earlier
framework). Every backbone exposes ``feature_dim``; features are the flattened input of
the original's last fully connected layer (what paper C contrasts).
"""

from __future__ import annotations

import torch
from torch import nn

from ..errors import PatchSizeError, ShapeMismatchError

__all__ = ["LuoHSICNN", "HamidaCNN3d", "LiCNN3d", "AtikDualStream", "VarahagiriConvSST"]


def _init_convs(module: nn.Module, init) -> None:
    """``init`` on the weights of every convolution of ``module``, zero biases."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Conv3d)):
            init(m.weight)
            nn.init.zeros_(m.bias)


class _Backbone(nn.Module):
    """Common checks and the dry run that sets ``feature_dim``."""

    min_patch = 1

    def _finish(self, n_bands: int, patch: int) -> None:
        self.n_bands, self.patch = n_bands, patch
        self.eval()  # the size probe must not touch BatchNorm statistics
        with torch.no_grad():
            self.feature_dim = int(self.features(torch.zeros(1, 1, n_bands, patch, patch)).shape[1])
        self.train()

    def _check(self, n_bands: int, patch: int, min_bands: int) -> None:
        if patch < self.min_patch:
            raise PatchSizeError(f"{type(self).__name__} needs patches of at least {self.min_patch} x "
                                 f"{self.min_patch}, got {patch}")
        if n_bands < min_bands:
            raise ShapeMismatchError(f"{type(self).__name__} needs at least {min_bands} bands, got {n_bands}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 5 or x.shape[1] != 1 or tuple(x.shape[2:]) != (self.n_bands, self.patch, self.patch):
            raise ShapeMismatchError(f"{type(self).__name__} expects (N, 1, {self.n_bands}, {self.patch}, "
                                     f"{self.patch}) patches, got {tuple(x.shape)}")
        return self.features(x)

    def features(self, x: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError


class LuoHSICNN(_Backbone):
    """HSI-CNN (Luo et al., ICALIP 2018): one 3-D convolution, its maps rearranged into a 2-D
    image, one 2-D convolution.

    3-D conv: ``planes3d`` kernels of 24 bands × 3 × 3, spectral stride 9, no padding, ReLU →
    (c, D', S−2, S−2). 2-D image: rows = (spectral depth, spatial position), columns = the
    c maps (an explicit transpose; the reference code reshapes memory). 2-D conv:
    ``planes2d`` kernels 3 × 3, ReLU; flattened. Widths: the authors' framework code uses 8
    and 8 (the original, 90 and 64 followed by a 1024-unit layer, was built for 3 × 3 patches
    and is far too large at 10 × 10).
    """

    min_patch = 3

    def __init__(self, n_bands: int, patch: int = 10, planes3d: int = 8, planes2d: int = 8):
        super().__init__()
        self._check(n_bands, patch, 24)
        if ((n_bands - 24) // 9 + 1) * (patch - 2) ** 2 < 3:
            raise ShapeMismatchError(f"LuoHSICNN's 2-D image has fewer than 3 rows for {n_bands} bands and "
                                     f"{patch} x {patch} patches: use more bands or larger patches")
        self.conv3d = nn.Conv3d(1, planes3d, (24, 3, 3), stride=(9, 1, 1))
        self.conv2d = nn.Conv2d(1, planes2d, 3)
        if planes3d < 3:
            raise ValueError("planes3d must be >= 3 (the 2-D kernel spans 3 maps)")
        _init_convs(self, nn.init.kaiming_uniform_)
        self._finish(n_bands, patch)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.conv3d(x))  # (N, c, D', S-2, S-2)
        n, c = y.shape[:2]
        image = y.flatten(2).transpose(1, 2).reshape(n, 1, -1, c)  # rows: depth x position, cols: maps
        return torch.relu(self.conv2d(image)).flatten(1)


class HamidaCNN3d(_Backbone):
    """Ben Hamida et al. (IEEE TGRS 2018): 3-D convolutions with learned spectral pooling.

    conv 20 @ 3×3×3 (no padding), ReLU; spectral pooling = conv 20 @ 3×1×1 stride 2 (no
    activation); conv 35 @ 3×3×3 (spectral padding 1), ReLU; pooling 35 @ 3×1×1 stride 2;
    conv 35 @ 3×1×1, ReLU; conv 35 @ 2×1×1 stride 2, ReLU; flattened (spatial size S − 4).
    Kaiming-normal weights, as the reference code.
    """

    min_patch = 5

    def __init__(self, n_bands: int, patch: int = 10):
        super().__init__()
        self._check(n_bands, patch, 8)
        self.net = nn.Sequential(
            nn.Conv3d(1, 20, 3), nn.ReLU(),
            nn.Conv3d(20, 20, (3, 1, 1), stride=(2, 1, 1), padding=(1, 0, 0)),
            nn.Conv3d(20, 35, 3, padding=(1, 0, 0)), nn.ReLU(),
            nn.Conv3d(35, 35, (3, 1, 1), stride=(2, 1, 1), padding=(1, 0, 0)),
            nn.Conv3d(35, 35, (3, 1, 1), padding=(1, 0, 0)), nn.ReLU(),
            nn.Conv3d(35, 35, (2, 1, 1), stride=(2, 1, 1), padding=(1, 0, 0)), nn.ReLU(),
        )
        _init_convs(self.net, nn.init.kaiming_normal_)
        self._finish(n_bands, patch)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).flatten(1)


class LiCNN3d(_Backbone):
    """Li et al. (Remote Sensing 2017): two 3-D convolutions.

    conv ``n`` @ 7×3×3 (spectral padding 1), ReLU; conv 2n @ 3×3×3 (spectral padding 1), ReLU;
    flattened (spatial size S − 4). n = 16 as in the reference implementation; Xavier
    weights.
    """

    min_patch = 5

    def __init__(self, n_bands: int, patch: int = 10, n: int = 16):
        super().__init__()
        self._check(n_bands, patch, 7)
        self.net = nn.Sequential(nn.Conv3d(1, n, (7, 3, 3), padding=(1, 0, 0)), nn.ReLU(),
                                 nn.Conv3d(n, 2 * n, 3, padding=(1, 0, 0)), nn.ReLU())
        _init_convs(self.net, nn.init.xavier_uniform_)
        self._finish(n_bands, patch)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).flatten(1)


class AtikDualStream(_Backbone):
    """Atik (Advances in Space Research 2024), dual-stream spectral-spatial 3-D CNN.

    Two parallel streams on the same input: 16 @ 5×4×4 and 16 @ 3×4×4 (no padding), ReLU;
    their maps are concatenated along the spectral-depth axis and flattened (spatial size
    S − 3), as in the authors' code.
    """

    min_patch = 4

    def __init__(self, n_bands: int, patch: int = 10, planes: int = 16):
        super().__init__()
        self._check(n_bands, patch, 5)
        self.stream_a = nn.Conv3d(1, planes, (5, 4, 4))
        self.stream_b = nn.Conv3d(1, planes, (3, 4, 4))
        self._finish(n_bands, patch)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        a, b = torch.relu(self.stream_a(x)), torch.relu(self.stream_b(x))
        return torch.cat([a, b], dim=2).flatten(1)


class _TransformerBlock(nn.Module):
    def __init__(self, dim: int, heads: int, mlp: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp), nn.GELU(), nn.Linear(mlp, dim))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        h = self.norm1(t)
        t = t + self.attn(h, h, h, need_weights=False)[0]
        return t + self.mlp(self.norm2(t))


class VarahagiriConvSST(_Backbone):
    """3D-ConvSST (Varahagiri et al., IEEE CAI 2024): 3-D convolutional embedding, then a
    spectral-spatial transformer with convolution-guided residuals.

    conv 8 @ 9×3×3 (spatial padding 1) + BatchNorm + ReLU; the 8·(B − 8) maps become channels
    of a 2-D "HetConv" (grouped 3×3 with 8 groups + pointwise 1×1, summed, 64 channels) +
    BatchNorm + ReLU; the S² pixels are tokens of dimension 64 with a learned positional
    embedding; 2 pre-norm transformer blocks (8 heads, MLP 256, GELU); after each block the
    block's input and output token maps are stacked as a depth-2 volume and fused by one
    shared 3-D convolution 64 @ 2×3×3 (the convolution-guided residual module); final
    LayerNorm and the mean over tokens give a 64-d feature. The original fixes S = 11 (121
    tokens); here the token count follows the patch size.
    """

    min_patch = 3

    def __init__(self, n_bands: int, patch: int = 10, dim: int = 64, depth: int = 2, heads: int = 8,
                 mlp: int = 256):
        super().__init__()
        self._check(n_bands, patch, 9)
        channels = 8 * (n_bands - 8)
        self.embed3d = nn.Sequential(nn.Conv3d(1, 8, (9, 3, 3), padding=(0, 1, 1)), nn.BatchNorm3d(8), nn.ReLU())
        self.het_group = nn.Conv2d(channels, dim, 3, padding=1, groups=8)
        self.het_point = nn.Conv2d(channels, dim, 1)
        self.het_post = nn.Sequential(nn.BatchNorm2d(dim), nn.ReLU())
        self.pos = nn.Parameter(torch.zeros(1, patch * patch, dim))
        self.blocks = nn.ModuleList([_TransformerBlock(dim, heads, mlp) for _ in range(depth)])
        self.guide = nn.Conv3d(dim, dim, (2, 3, 3), padding=(0, 1, 1))  # shared by all blocks
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self._finish(n_bands, patch)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        n, s = x.shape[0], x.shape[-1]
        y = self.embed3d(x).flatten(1, 2)  # (N, 8(B-8), S, S)
        y = self.het_post(self.het_group(y) + self.het_point(y))  # (N, dim, S, S)
        t = y.flatten(2).transpose(1, 2) + self.pos  # (N, S², dim)
        for block in self.blocks:
            out = block(t)
            vol = torch.stack([t, out], dim=2).transpose(1, 3)  # (N, dim, 2, S²) → spatial below
            vol = vol.reshape(n, -1, 2, s, s)
            t = self.guide(vol).reshape(n, -1, s * s).transpose(1, 2)
        return self.norm(t).mean(1)
