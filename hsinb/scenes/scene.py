"""The :class:`Scene` container: one hyperspectral image with everything known about it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..errors import InvalidValuesError, ShapeMismatchError, check_choice

NORMALISATIONS = ("none", "band_standardise", "global_minmax", "pixel_unit_norm")


@dataclass
class Scene:
    """A hyperspectral scene.

    Attributes:
        name: registry name (``"paviaU"``, ``"demo"``, ``"paviaU-sim"``, ...). Simulated
            scenes always carry ``-sim`` or are the built-in ``demo``/``synthetic-*`` scenes.
        cube: (H, W, B) float32 reflectance, radiance or counts, as stored (see ``units``).
        labels: (H, W) int64 class map, 0 = unlabelled, classes 1..C (contiguous).
        class_names: C names, ``class_names[i]`` is the name of label ``i + 1``.
        wavelengths: (B,) band centres in nanometres, or ``None`` where not public.
        sensor: sensor name ("ROSIS", "AVIRIS", "Hyperion", "CASI-1500", "SAMSON", ...).
        rgb_bands: three band indices (0-based) for a false-colour composite.
        abundances: optional (H, W, E) fractional abundances (rows sum to one).
        endmembers: optional (B, E) endmember spectra.
        endmember_names: E names of the endmembers.
        split_maps: official split maps, e.g. ``{"train": (H, W), "test": (H, W)}``, with the
            same label ids as ``labels``.
        simulated: True for every scene made by :mod:`hsinb.scenes.simulate`.
        source: where the data came from (file paths, or ``"simulator: ..."``).
        units: what the cube values are ("reflectance", "radiance counts", ...).
        meta: anything else (original label ids, normalisation applied, generator options).
    """

    name: str
    cube: np.ndarray
    labels: np.ndarray
    class_names: list[str]
    wavelengths: np.ndarray | None = None
    sensor: str = "unknown"
    rgb_bands: tuple[int, int, int] | None = None
    abundances: np.ndarray | None = None
    endmembers: np.ndarray | None = None
    endmember_names: list[str] | None = None
    split_maps: dict[str, np.ndarray] = field(default_factory=dict)
    simulated: bool = False
    source: str = ""
    units: str = "unknown"
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.validate()

    # ------------------------------------------------------------------ shape facts
    @property
    def shape(self) -> tuple[int, int, int]:
        """(H, W, B)."""
        return tuple(self.cube.shape)  # type: ignore[return-value]

    @property
    def n_bands(self) -> int:
        return int(self.cube.shape[2])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def display_name(self) -> str:
        """Name for figure titles and tables; simulated scenes say so."""
        if self.simulated and "sim" not in self.name and self.name != "demo":
            return f"{self.name} (simulated)"
        if self.name == "demo":
            return "demo (simulated)"
        return self.name

    def class_counts(self) -> dict[int, int]:
        """Labelled pixels per class id (1..C), including classes with zero pixels."""
        counts = np.bincount(self.labels.ravel(), minlength=self.n_classes + 1)
        return {c: int(counts[c]) for c in range(1, self.n_classes + 1)}

    # ------------------------------------------------------------------ checks
    def validate(self) -> None:
        """Raise a named error if the arrays do not fit together or hold bad values."""
        cube = self.cube
        if cube.ndim != 3:
            raise ShapeMismatchError(
                f"scene {self.name!r}: cube must be H x W x B, got shape {cube.shape}"
            )
        if cube.dtype != np.float32:
            self.cube = cube = cube.astype(np.float32)
        finite = np.isfinite(cube)
        if not finite.all():
            bad = np.argwhere(~finite.all(axis=2))
            r, c = bad[0]
            raise InvalidValuesError(
                f"scene {self.name!r}: cube has {int((~finite).sum())} NaN/Inf values in "
                f"{len(bad)} pixels (first at row {r}, col {c}); clean or mask the file first"
            )
        labels = self.labels
        if labels.shape != cube.shape[:2]:
            raise ShapeMismatchError(
                f"scene {self.name!r}: label map is {labels.shape} but cube is "
                f"{cube.shape[:2]} (H x W); check that they belong to the same scene"
            )
        self.labels = as_label_map(labels, f"scene {self.name!r} labels")
        top = int(self.labels.max(initial=0))
        if top > len(self.class_names):
            raise InvalidValuesError(
                f"scene {self.name!r}: label id {top} but only {len(self.class_names)} "
                "class names"
            )
        for key, m in self.split_maps.items():
            if m.shape != labels.shape:
                raise ShapeMismatchError(
                    f"scene {self.name!r}: split map {key!r} is {m.shape}, labels are {labels.shape}"
                )
            self.split_maps[key] = as_label_map(m, f"scene {self.name!r} split map {key!r}")
        if self.wavelengths is not None:
            self.wavelengths = np.asarray(self.wavelengths, dtype=np.float64)
            if self.wavelengths.shape != (cube.shape[2],):
                raise ShapeMismatchError(
                    f"scene {self.name!r}: {self.wavelengths.size} wavelengths for "
                    f"{cube.shape[2]} bands"
                )
        if self.abundances is not None and self.abundances.shape[:2] != labels.shape:
            raise ShapeMismatchError(
                f"scene {self.name!r}: abundances are {self.abundances.shape}, expected "
                f"{labels.shape} x E"
            )
        if self.endmembers is not None and self.endmembers.shape[0] != cube.shape[2]:
            raise ShapeMismatchError(
                f"scene {self.name!r}: endmembers are {self.endmembers.shape}, expected "
                f"{cube.shape[2]} bands x E"
            )
        if self.rgb_bands is not None:
            self.rgb_bands = tuple(int(b) for b in self.rgb_bands)  # type: ignore[assignment]
            if max(self.rgb_bands) >= cube.shape[2]:
                raise ShapeMismatchError(
                    f"scene {self.name!r}: rgb band {max(self.rgb_bands)} >= {cube.shape[2]} bands"
                )

    # ------------------------------------------------------------------ transforms
    def normalised(self, method: str = "band_standardise") -> Scene:
        """A copy of the scene with the cube normalised.

        ``method``:
          - ``"none"``: unchanged;
          - ``"band_standardise"``: per band, zero mean and unit variance over all pixels;
          - ``"global_minmax"``: one min and max over the whole cube, mapped to [0, 1];
          - ``"pixel_unit_norm"``: every spectrum scaled to unit l2 norm.
        The statistics are over all pixels of the scene (no labels are used), which is
        what unsupervised pre-training sees as well.
        """
        cube = normalise_cube(self.cube, method)
        meta = dict(self.meta, normalisation=method)
        return replace(self, cube=cube, meta=meta, split_maps=dict(self.split_maps))

    def crop(self, rows: slice, cols: slice, name: str | None = None) -> Scene:
        """A spatial crop (views of the same memory for cube and maps where possible)."""
        ab = None if self.abundances is None else self.abundances[rows, cols]
        return replace(
            self,
            name=name or f"{self.name}[crop]",
            cube=self.cube[rows, cols],
            labels=self.labels[rows, cols],
            abundances=ab,
            split_maps={k: v[rows, cols] for k, v in self.split_maps.items()},
            meta=dict(self.meta, crop=(rows.start, rows.stop, cols.start, cols.stop)),
        )

    def summary(self) -> str:
        """One paragraph describing the scene (for notebooks and logs)."""
        h, w, b = self.shape
        wl = (
            f"{self.wavelengths[0]:.0f}-{self.wavelengths[-1]:.0f} nm"
            if self.wavelengths is not None
            else "wavelengths unknown"
        )
        n_lab = int((self.labels > 0).sum())
        kind = "SIMULATED" if self.simulated else "real"
        return (
            f"{self.display_name}: {kind} {self.sensor} scene, {h} x {w} pixels x {b} bands "
            f"({wl}), {self.n_classes} classes, {n_lab} labelled pixels, units: {self.units}"
        )


def as_label_map(labels: np.ndarray, what: str) -> np.ndarray:
    """``labels`` as an int64 map; raises :class:`InvalidValuesError` for non-integer or
    negative values (``what`` names the array in the message)."""
    labels = np.asarray(labels)
    if labels.dtype.kind == "f":
        if not np.isfinite(labels).all() or not np.array_equal(labels, np.round(labels)):
            raise InvalidValuesError(
                f"{what}: labels must be integers (0 = unlabelled), got non-integer floats"
            )
    elif labels.dtype.kind not in "iub":
        raise InvalidValuesError(f"{what}: labels must be integers, got dtype {labels.dtype}")
    if labels.size and labels.min() < 0:
        raise InvalidValuesError(f"{what}: negative label {int(labels.min())}; use 0 for unlabelled")
    return labels.astype(np.int64, copy=False)


def normalise_cube(cube: np.ndarray, method: str) -> np.ndarray:
    """Normalise an (H, W, B) or (N, B) array; see :meth:`Scene.normalised` for methods."""
    check_choice("normalisation", method, NORMALISATIONS)
    x = np.asarray(cube, dtype=np.float32)
    if method == "none":
        return x.copy()
    if method == "band_standardise":
        flat = x.reshape(-1, x.shape[-1]).astype(np.float64)
        mean = flat.mean(axis=0)
        std = flat.std(axis=0)
        std[std == 0] = 1.0
        return ((x - mean) / std).astype(np.float32)
    if method == "global_minmax":
        lo, hi = float(x.min()), float(x.max())
        return ((x - lo) / (hi - lo if hi > lo else 1.0)).astype(np.float32)
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    norm[norm == 0] = 1.0
    return (x / norm).astype(np.float32)
