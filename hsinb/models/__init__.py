"""Networks, one family per file: paper A's ResNets (:func:`build_encoder`), paper C's 3-D
backbones (:func:`build_backbone_3d`), the heads, and their forward cost (:func:`count_macs`)."""

from __future__ import annotations

from torch import nn

from ..errors import check_choice
from .backbones3d import AtikDualStream, HamidaCNN3d, LiCNN3d, LuoHSICNN, VarahagiriConvSST
from .flops import count_macs
from .heads import EncoderWithHead, LinearClassifier, Projector, Regressor, WithCentreSpectrum
from .resnet import ResidualBlock, ResNet1d, ResNet2d

__all__ = [
    "ENCODERS",
    "build_encoder",
    "ResidualBlock",
    "ResNet1d",
    "ResNet2d",
    "Projector",
    "LinearClassifier",
    "EncoderWithHead",
    "WithCentreSpectrum",
    "Regressor",
    "BACKBONES_3D",
    "build_backbone_3d",
    "LuoHSICNN",
    "HamidaCNN3d",
    "LiCNN3d",
    "AtikDualStream",
    "VarahagiriConvSST",
    "count_macs",
]

#: name -> encoder class; each takes ``n_bands`` first and returns (N, feature_dim).
ENCODERS: dict[str, type[nn.Module]] = {
    "resnet1d": ResNet1d,
    "resnet2d": ResNet2d,
}


def build_encoder(name: str, n_bands: int, **kw) -> nn.Module:
    """An encoder by registry name, e.g. ``build_encoder("resnet2d", 103, width=32)``.

    Raises :class:`~hsinb.errors.UnknownNameError` naming the valid encoders.
    """
    check_choice("encoder", name, ENCODERS)
    return ENCODERS[name](n_bands, **kw)


#: paper C's backbones: name -> class taking (n_bands, patch) and (N, 1, B, S, S) patches.
BACKBONES_3D: dict[str, type[nn.Module]] = {
    "luo": LuoHSICNN,
    "hamida": HamidaCNN3d,
    "li": LiCNN3d,
    "atik": AtikDualStream,
    "varahagiri": VarahagiriConvSST,
}


def build_backbone_3d(name: str, n_bands: int, patch: int, **kw) -> nn.Module:
    """A paper-C backbone by name, e.g. ``build_backbone_3d("hamida", 156, 10)``."""
    check_choice("backbone", name, BACKBONES_3D)
    return BACKBONES_3D[name](n_bands, patch, **kw)
