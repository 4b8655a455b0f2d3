"""Networks, one family per file, and the :func:`build_encoder` registry."""

from __future__ import annotations

from torch import nn

from ..errors import check_choice
from .heads import EncoderWithHead, LinearClassifier, Projector
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
