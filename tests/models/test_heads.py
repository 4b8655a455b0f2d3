"""Heads and wrappers put on an encoder."""

from __future__ import annotations

import pytest


def test_with_centre_spectrum_puts_the_pixel_beside_the_features():
    import torch

    from hsinb.models import WithCentreSpectrum, build_encoder

    enc = build_encoder("resnet2d", 6, width=4, feature_dim=5).eval()
    both = WithCentreSpectrum(enc, 6).eval()
    x = torch.randn(3, 6, 5, 5)
    out = both(x)
    assert out.shape == (3, 11) and both.feature_dim == 11
    torch.testing.assert_close(out[:, 5:], x[:, :, 2, 2])
    torch.testing.assert_close(out[:, :5], enc(x))
    with pytest.raises(ValueError, match="patches"):
        both(torch.randn(2, 1, 6, 5, 5))
