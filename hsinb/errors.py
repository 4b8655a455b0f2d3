"""Named errors raised by hsinb.

Every error says what is wrong and what to do about it. They all derive from
:class:`HsinbError` so that callers can catch the family in one place, and each also
derives from the closest built-in exception (``FileNotFoundError``, ``ValueError``, ...)
so that generic handlers keep working.
"""

from __future__ import annotations


class HsinbError(Exception):
    """Base class of every error hsinb raises on purpose."""


class _MessageKeyError(KeyError):
    """A KeyError that prints its message as is (KeyError would quote it)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownSceneError(HsinbError, _MessageKeyError):
    """A scene name that is not in the registry."""


class DataFileNotFoundError(HsinbError, FileNotFoundError):
    """A data file that is in none of the places hsinb looked and could not be downloaded."""


class ChecksumMismatchError(HsinbError, ValueError):
    """A file whose content does not match its published checksum."""


class VariableNotFoundError(HsinbError, _MessageKeyError):
    """A variable name that is not in a .mat file."""


class ShapeMismatchError(HsinbError, ValueError):
    """Arrays whose shapes do not fit together (cube vs labels, bands vs wavelengths, ...)."""


class InvalidValuesError(HsinbError, ValueError):
    """NaN or Inf in a cube, non-integer or negative labels, and similar content errors."""


class SplitError(HsinbError, ValueError):
    """A split request that cannot be met (e.g. K larger than a class allows)."""


class PatchSizeError(HsinbError, ValueError):
    """An invalid patch size (even, non-positive, or larger than the scene)."""


class UnknownParameterError(HsinbError, _MessageKeyError):
    """A parameter name that the notebook or function does not accept."""


class InvalidParameterError(HsinbError, ValueError):
    """A parameter value that cannot apply (a setting for another scene, a bad shard, ...)."""


class UnknownNameError(HsinbError, _MessageKeyError):
    """An unknown name picked from a fixed menu (transform, model, normalisation, ...)."""


def check_choice(kind: str, value: str, choices) -> str:
    """Return ``value`` if it is one of ``choices``, else raise :class:`UnknownNameError`."""
    choices = list(choices)
    if value not in choices:
        raise UnknownNameError(
            f"unknown {kind} {value!r}; choose one of: {', '.join(map(str, choices))}"
        )
    return value
