"""Losses as pure functions of tensors."""

from .barlow_twins import barlow_twins_loss, cross_correlation

__all__ = ["barlow_twins_loss", "cross_correlation"]
