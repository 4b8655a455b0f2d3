"""Paper B's cross-domain CNN and the contextual CNN it was modified from.

One network for several scenes with different band counts (Lee, Eum & Kwon's cross-domain
CNN): a **domain-specific encoder** per scene (its first layer, B_s → width), a **shared
network** of 1×1 convolutions with residual modules, and a **domain-specific classifier**
per scene (1×1, width → C_s). Fully convolutional: a (N, B_s, H, W) patch gives an
(N, C_s, H, W) map; a pixel is classified by the centre of its patch.

Paper B, Table 1 (``multiscale=False, more_res=True``, its backbone): C1 5×5 conv, then n
residual modules of two 1×1 convolutions, then the 1×1 classifier. The contextual CNN of
Lee & Kwon 2017 (``multiscale=True, more_res=False``, nine layers): a multi-scale C1 (1×1;
3×3 then 3×3 max pooling; 5×5 then 5×5 max pooling; 128 filters each, concatenated), C2
1×1, two residual modules, C3 and C4 1×1, C5 the classifier. The two flags are Table 6's
ablation. For the whole Indian Pines image (145×145, 200 bands, 16 classes) these give
16.9·10⁹ and 22.0·10⁹ multiply-adds (:func:`hsinb.models.count_macs`), i.e. 33.9 and 44.0
GFLOPs counted as 2 per multiply-add: the paper prints 33.7 and 43.9.

Ours where the paper is silent: ReLU after every convolution but the classifier, "same"
padding and stride-1 max pooling (the map keeps the patch's size), and a per-pixel layer
normalisation over the channels in each domain-specific encoder (``encoder_norm="layer"``,
before its ReLU; :class:`ChannelNorm`). Without it paper B's recipe (SGD, LR 0.03, 10× on
the new layers) diverges to NaN within ten fine-tuning iterations on band-standardised
200-band patches (measured on indian_pines-sim; also at LR 0.01); with it the loss falls
smoothly. It depends on no batch (a pre-training batch holds one region per scene, whose
mean a BatchNorm would remove), gives the shared network inputs of one scale from every
scene, and is re-initialised with the encoder at transfer. ``encoder_norm="none"`` is the
paper's network as printed.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
from torch import nn

from ..errors import UnknownNameError, check_choice

#: the domain-specific encoders' normalisation (see the module docstring)
ENCODER_NORMS = ("layer", "none")

__all__ = ["ENCODER_NORMS", "ChannelNorm", "ContextualStem", "CrossDomainCNN", "ResidualModule", "SharedNet", "domain_key"]


def domain_key(name: str) -> str:
    """A scene name as a module key (no dots)."""
    return name.replace(".", "_")


class ResidualModule(nn.Module):
    """x → ReLU(x + conv(ReLU(conv(x)))) with two 1×1 convolutions of ``width`` channels."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.a = nn.Conv2d(width, width, 1)
        self.b = nn.Conv2d(width, width, 1)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x + self.b(self.act(self.a(x))))


class ChannelNorm(nn.Module):
    """Layer normalisation over the channels of each pixel, with a learned scale and shift:
    (N, C, H, W) → (N, C, H, W)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


def _norm(kind: str, channels: int) -> nn.Module:
    check_choice("encoder_norm", kind, ENCODER_NORMS)
    return ChannelNorm(channels) if kind == "layer" else nn.Identity()


class ContextualStem(nn.Module):
    """The contextual CNN's multi-scale first layer: 1×1; 3×3 → 3×3 max pool; 5×5 → 5×5 max
    pool; ``width`` filters each, concatenated (3·width channels), optional
    :class:`ChannelNorm` (``norm="layer"``), ReLU."""

    def __init__(self, n_bands: int, width: int = 128, norm: str = "none") -> None:
        super().__init__()
        self.norm = _norm(norm, 3 * width)
        self.one = nn.Conv2d(n_bands, width, 1)
        self.three = nn.Sequential(nn.Conv2d(n_bands, width, 3, padding=1), nn.MaxPool2d(3, 1, 1))
        self.five = nn.Sequential(nn.Conv2d(n_bands, width, 5, padding=2), nn.MaxPool2d(5, 1, 2))
        self.out_channels = 3 * width

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.norm(torch.cat([self.one(x), self.three(x), self.five(x)], 1)))


def _encoder(n_bands: int, width: int, multiscale: bool, norm: str = "layer") -> nn.Module:
    if multiscale:
        return ContextualStem(n_bands, width, norm)
    enc = nn.Sequential(nn.Conv2d(n_bands, width, 5, padding=2),
                        _norm(norm, width), nn.ReLU())
    enc.out_channels = width
    return enc


class SharedNet(nn.Sequential):
    """The layers every scene shares. ``more_res``: n residual modules (paper B); else the
    contextual CNN's C2, two residual modules, C3 and C4. A 1×1 C2 first brings a
    multi-scale stem's 3·width channels to width (and stands as the contextual CNN's C2)."""

    def __init__(self, in_channels: int, width: int = 128, n_modules: int = 5, *, more_res: bool = True,
                 reduce_first: bool = False) -> None:
        layers: list[nn.Module] = []
        if reduce_first or not more_res:
            layers += [nn.Conv2d(in_channels, width, 1), nn.ReLU()]  # C2
        if more_res:
            layers += [ResidualModule(width) for _ in range(n_modules)]
        else:
            layers += [ResidualModule(width), ResidualModule(width),
                       nn.Conv2d(width, width, 1), nn.ReLU(), nn.Conv2d(width, width, 1), nn.ReLU()]  # R, C3, C4
        super().__init__(*layers)


class CrossDomainCNN(nn.Module):
    """Domain-specific encoders and classifiers around one shared network.

    Args:
        bands: scene name → its band count (one encoder each).
        classes: scene name → its number of classes (one classifier each); None or missing
            scenes have no classifier (self-supervised pre-training uses none).
        width: channels of every layer (paper: 128).
        n_modules: residual modules of the shared network (paper B: n = 5).
        multiscale, more_res: Table 6's two modifications (see the module docstring).
        encoder_norm: ``"layer"`` (ours, default) or ``"none"`` (the paper as printed).
    """

    def __init__(self, bands: Mapping[str, int], classes: Mapping[str, int] | None = None, *, width: int = 128,
                 n_modules: int = 5, multiscale: bool = False, more_res: bool = True,
                 encoder_norm: str = "layer") -> None:
        super().__init__()
        self.width, self.n_modules, self.multiscale, self.more_res = width, n_modules, multiscale, more_res
        self.encoder_norm = encoder_norm
        self.encoders = nn.ModuleDict({domain_key(s): _encoder(b, width, multiscale, encoder_norm)
                                       for s, b in bands.items()})
        stem_out = 3 * width if multiscale else width
        self.shared = SharedNet(stem_out, width, n_modules, more_res=more_res, reduce_first=multiscale)
        self.heads = nn.ModuleDict()
        for scene, n in (classes or {}).items():
            self.add_head(scene, n)

    @property
    def domains(self) -> list[str]:
        return list(self.encoders)

    def add_domain(self, scene: str, n_bands: int, n_classes: int | None = None, *, init_std: float | None = None) -> None:
        """A new scene's encoder (and classifier), e.g. the target of a transfer; with
        ``init_std`` their weights are drawn from N(0, init_std²) and biases set to 0 (paper B:
        0.001 for every layer not inherited)."""
        self.encoders[domain_key(scene)] = _encoder(n_bands, self.width, self.multiscale, self.encoder_norm)
        if n_classes is not None:
            self.add_head(scene, n_classes)
        if init_std is not None:
            self.reinit_domain(scene, init_std)

    def add_head(self, scene: str, n_classes: int) -> None:
        self.heads[domain_key(scene)] = nn.Conv2d(self.width, n_classes, 1)

    def reinit_domain(self, scene: str, std: float) -> None:
        """Weights of the scene's encoder and classifier from N(0, std²), biases 0 (a
        normalisation back to scale 1, shift 0)."""
        key = domain_key(scene)
        for part in (self.encoders[key], self.heads[key] if key in self.heads else None):
            for m in (part.modules() if part is not None else ()):
                if isinstance(m, nn.Conv2d):
                    nn.init.normal_(m.weight, 0.0, std)
                    nn.init.zeros_(m.bias)
                elif isinstance(m, nn.LayerNorm):
                    m.reset_parameters()

    def domain_parameters(self, scene: str) -> list[nn.Parameter]:
        """The scene's own parameters (encoder and classifier), e.g. for a larger learning rate."""
        key = domain_key(scene)
        params = list(self.encoders[key].parameters())
        return params + (list(self.heads[key].parameters()) if key in self.heads else [])

    def _check(self, scene: str, part: nn.ModuleDict, what: str) -> str:
        key = domain_key(scene)
        if key not in part:
            raise UnknownNameError(f"the network has no {what} for scene {scene!r}; it has: {', '.join(part)}")
        return key

    def features(self, x: torch.Tensor, scene: str) -> torch.Tensor:
        """(N, B_s, H, W) → (N, width, H, W): the shared network's output map."""
        return self.shared(self.encoders[self._check(scene, self.encoders, "encoder")](x))

    def forward(self, x: torch.Tensor, scene: str) -> torch.Tensor:
        """(N, B_s, H, W) → (N, C_s, H, W) class scores per pixel."""
        return self.heads[self._check(scene, self.heads, "classifier")](self.features(x, scene))

    def centre_logits(self, x: torch.Tensor, scene: str) -> torch.Tensor:
        """(N, B_s, p, p) patches → (N, C_s) scores of each patch's centre pixel."""
        h, w = x.shape[-2:]
        return self.forward(x, scene)[:, :, h // 2, w // 2]
