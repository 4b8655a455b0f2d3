"""``load_scene``: one entry point for registered, simulated and your own scenes."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from ..errors import (
    DataFileNotFoundError,
    InvalidParameterError,
    InvalidValuesError,
    ShapeMismatchError,
    VariableNotFoundError,
)
from .fetch import fetch_file, verify_file
from .matfile import describe_variables, read_mat_variable, read_mat_variables
from .registry import SCENES, SIMULATED_SCENES, STANDIN_SCENES, SceneSpec, get_spec
from .scene import Scene, as_label_map


def load_scene(
    name: str,
    data_dir: str | os.PathLike | None = None,
    download: bool = True,
    normalise: str = "none",
    seed: int = 0,
    difficulty: float | None = None,
    verify: bool = False,
    cube_var: str | None = None,
    labels_var: str | None = None,
    abundances_var: str | None = None,
    **simulator_options,
) -> Scene:
    """Load a scene by name, or your own file by its path.

    Args:
        name: a registered scene (``hsinb.list_scenes()``): a real one (``"paviaU"``,
            ``"samson"``, ``"salinas_a"``, ...), the built-in ``"demo"`` (no file needed),
            ``"synthetic-c"`` (paper C's mixing scene, needs the USGS library) or a
            stand-in ``"<scene>-sim"`` (real label map, simulated spectra).
        data_dir: a folder searched first (then ``HSINB_DATA``, then the cache).
        download: fetch missing files from their public source into the cache.
        normalise: ``"none"``, ``"band_standardise"``, ``"global_minmax"`` or
            ``"pixel_unit_norm"`` (see :meth:`Scene.normalised`).
        seed, difficulty, simulator_options: for simulated scenes only. ``difficulty=None``
            takes a stand-in's calibrated difficulty (``hsinb calibrate``; see
            ``hsinb/scenes/simulate/calibration.json``), 1.0 where none is recorded.
        verify: also check local files against their published checksums.
        cube_var, labels_var, abundances_var: for a file path (``.mat`` or ENVI ``.hdr``),
            the variables holding the cube and the label map when the file does not make
            them unambiguous, and the abundances (see :func:`load_scene_file`).
    """
    if is_scene_path(name):
        scene = load_scene_file(name, cube_var=cube_var, labels_var=labels_var, abundances_var=abundances_var)
        return scene if normalise == "none" else scene.normalised(normalise)
    if cube_var is not None or labels_var is not None or abundances_var is not None:
        raise InvalidParameterError(f"cube_var, labels_var and abundances_var apply to a scene file (.mat or .hdr); {name!r} is a "
                                    "registered scene name")
    if name in SIMULATED_SCENES:
        scene = _simulate(name, data_dir, download, seed, difficulty, **simulator_options)
    else:
        if simulator_options:
            raise TypeError(f"{name!r} is a real scene; options {sorted(simulator_options)} "
                            "apply to simulated scenes only")
        if name not in SCENES:
            get_spec(name)  # raises UnknownSceneError with suggestions
        scene = _load_registered(SCENES[name], data_dir, download, verify)
    return scene if normalise == "none" else scene.normalised(normalise)


SCENE_FILE_SUFFIXES = (".mat", ".hdr")


def is_scene_path(name: str | os.PathLike) -> bool:
    """True when ``name`` is a path to a scene file rather than a registered name: it ends in
    ``.mat`` or ``.hdr``, or names a folder part."""
    text = str(name)
    return text.lower().endswith(SCENE_FILE_SUFFIXES) or os.sep in text or "/" in text


def require_labels(scene: Scene, *, patch: int | None = None) -> Scene:
    """``scene`` if a labelled method can run on it: it has a label map, and (with ``patch``)
    it is at least ``patch`` pixels on each side; else a clear error saying what to do."""
    if scene.labels is None or not (scene.labels > 0).any():
        where = scene.meta.get("file")
        hint = (f" {where} has no label map the loader could find: name it with labels_var "
                "(-p labels_var NAME), or put the labels in the file" if where else "")
        raise InvalidParameterError(f"scene {scene.name!r} has no labelled pixels; this method needs labels.{hint}")
    if patch is not None and min(scene.shape[:2]) < patch:
        raise InvalidParameterError(f"scene {scene.name!r} is {scene.shape[0]} x {scene.shape[1]} pixels, smaller than "
                                    f"the {patch} x {patch} patch: use a smaller patch (-p patch N) or a larger scene")
    return scene


def file_provenance(scene: Scene) -> dict | None:
    """{file, sha256, cube_var, labels_var[, abundances_var]} of a scene loaded from your own file, else None
    (for records)."""
    if "sha256" not in scene.meta:
        return None
    return {k: scene.meta[k] for k in ("file", "sha256", "cube_var", "labels_var", "abundances_var") if k in scene.meta}


def _listing(variables) -> str:
    return "; ".join(f"{n!r} {'x'.join(map(str, s)) or 'scalar'} ({c})" for n, s, c in variables)


def pick_variables(path: str | os.PathLike, cube_var: str | None = None, labels_var: str | None = None, *,
                   exclude: tuple[str | None, ...] = ()) -> tuple[str, str | None]:
    """The cube and label-map variables of a ``.mat`` file: the given names, else the only
    3-D array (the cube, H×W×B) and the only 2-D array of shape H×W (the labels; None when
    there is none); variables in ``exclude`` (e.g. the abundances) are neither. An ambiguous
    file is an error that lists its variables and shapes."""
    variables = [v for v in describe_variables(path) if v[0] not in exclude]
    shapes = {n: s for n, s, _ in variables}
    for kind, given in (("cube_var", cube_var), ("labels_var", labels_var)):
        if given is not None and given not in shapes:
            raise VariableNotFoundError(f"{path} has no variable {given!r} ({kind}); its variables: "
                                        f"{_listing(variables)}")
    if cube_var is None:
        cubes = [n for n, s, _ in variables if len(s) == 3 and min(s) > 1]
        if len(cubes) != 1:
            which = "no 3-D array" if not cubes else f"several 3-D arrays ({', '.join(cubes)})"
            raise InvalidParameterError(f"{path}: cannot tell which variable is the H x W x B cube: it has {which}. "
                                        f"Its variables: {_listing(variables)}. Name it with cube_var "
                                        "(notebooks and tasks: -p cube_var NAME).")
        cube_var = cubes[0]
    if labels_var is None:
        h, w = shapes[cube_var][:2]
        maps = [n for n, s, _ in variables if n != cube_var and tuple(s) == (h, w)]
        if len(maps) > 1:
            raise InvalidParameterError(f"{path}: several {h} x {w} arrays could be the label map ({', '.join(maps)}). "
                                        f"Its variables: {_listing(variables)}. Name it with labels_var "
                                        "(notebooks and tasks: -p labels_var NAME).")
        labels_var = maps[0] if maps else None
    return cube_var, labels_var


def _path(relpath: str, data_dir, download: bool, verify: bool) -> Path:
    path = fetch_file(relpath, data_dir, download_missing=download)
    if verify:
        verify_file(path, relpath)
    return path


def load_label_maps(
    name: str, data_dir: str | os.PathLike | None = None, download: bool = True
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The real label map (H, W) of a registered scene, 1..C, and its official split maps.

    Needs only the label files, not the cube (the stand-ins are built on these).
    """
    spec = get_spec(name)
    splits: dict[str, np.ndarray] = {}
    for key, (relpath, var) in spec.splits.items():
        raw = np.asarray(read_mat_variable(_path(relpath, data_dir, download, False), var)).astype(np.int64)
        if key in spec.split_label_ids:
            raw = np.asarray(spec.split_label_ids[key], dtype=np.int64)[raw]
        splits[key] = _remap(raw, spec)
    if spec.labels_file:
        labels = read_mat_variable(_path(spec.labels_file, data_dir, download, False), spec.labels_var)
        labels = _remap(labels, spec)
    elif spec.labels_sum_of:
        labels = sum(splits[k] for k in spec.labels_sum_of)
        overlap = sum((splits[k] > 0).astype(int) for k in spec.labels_sum_of)
        if overlap.max() > 1:
            raise InvalidValuesError(f"{name}: split maps {spec.labels_sum_of} overlap")
    else:
        raise InvalidValuesError(f"{name} has no label map")
    return np.asarray(labels, dtype=np.int64), splits


def _remap(labels: np.ndarray, spec: SceneSpec) -> np.ndarray:
    """Map the file's label ids to 1..C (0 stays unlabelled)."""
    labels = np.asarray(labels).astype(np.int64)
    if spec.label_ids is None:
        return labels
    lut = np.zeros(max(spec.label_ids) + 1, dtype=np.int64)
    lut[list(spec.label_ids)] = np.arange(1, len(spec.label_ids) + 1)
    unknown = np.setdiff1d(np.unique(labels), [0, *spec.label_ids])
    if unknown.size:
        raise InvalidValuesError(f"{spec.name}: unexpected label ids {unknown.tolist()}")
    return lut[labels]


def _load_registered(spec: SceneSpec, data_dir, download: bool, verify: bool) -> Scene:
    try:
        cube_path = _path(spec.cube_file, data_dir, download, verify)
    except DataFileNotFoundError as err:
        if spec.name in STANDIN_SCENES:
            raise DataFileNotFoundError(
                f"{err}\nWithout the cube, use its simulated stand-in: load_scene('{spec.name}-sim') "
                f"(scene='{spec.name}-sim' in the notebooks); it keeps the real label map and "
                "splits, but its numbers are not numbers for the real scene."
            ) from err
        raise
    meta: dict = {"wavelength_note": spec.wavelength_note, "gsd_m": spec.gsd_m}
    if spec.label_ids:
        meta["original_label_ids"] = list(spec.label_ids)
    abundances = endmembers = None
    endmember_names = None
    split_maps: dict[str, np.ndarray] = {}
    if spec.kind == "samson":
        ref_path = _path(spec.extra_files[0], data_dir, download, verify)
        cube, abundances, endmembers = _read_samson(spec, cube_path, ref_path)
        labels = abundances.argmax(axis=2) + 1
        endmember_names = list(spec.class_names)
        sources = [cube_path, ref_path]
    elif spec.kind == "anomaly":
        data = read_mat_variables(cube_path, [spec.cube_var, "map"])
        cube = data[spec.cube_var]
        labels = np.zeros(cube.shape[:2], dtype=np.int64)
        meta["anomaly_mask"] = data["map"].astype(bool)
        sources = [cube_path]
    else:
        cube = read_mat_variable(cube_path, spec.cube_var)
        labels, split_maps = load_label_maps(spec.name, data_dir, download)
        sources = [cube_path, *(fetch_file(f, data_dir, download) for f in spec.label_files)]
    if tuple(cube.shape) != spec.shape:
        raise ShapeMismatchError(
            f"{spec.name}: {cube_path} holds a cube of shape {cube.shape}, expected {spec.shape}; "
            "is it the right (corrected) version of the file?"
        )
    return Scene(
        name=spec.name,
        cube=np.asarray(cube, dtype=np.float32),
        labels=labels,
        class_names=list(spec.class_names),
        wavelengths=spec.wavelengths(),
        sensor=spec.sensor,
        rgb_bands=spec.default_rgb(),
        abundances=abundances,
        endmembers=endmembers,
        endmember_names=endmember_names,
        split_maps=split_maps,
        simulated=False,
        source="; ".join(str(p) for p in dict.fromkeys(sources)),
        units=spec.units,
        meta=meta,
    )


def _read_samson(spec: SceneSpec, cube_path: Path, ref_path: Path):
    """Samson: V is bands x pixels with pixels in column-major (MATLAB) order of a 95x95
    image; A (3 x pixels) uses the same order (checked in the tests against V)."""
    h, w, b = spec.shape
    v = read_mat_variable(cube_path, spec.cube_var)
    ref = read_mat_variables(ref_path, ["A", "M"])
    if v.shape != (b, h * w):
        raise ShapeMismatchError(f"samson: V is {v.shape}, expected {(b, h * w)}")
    cube = v.T.reshape((h, w, b), order="F")
    abundances = ref["A"].T.reshape((h, w, -1), order="F").astype(np.float32)
    return cube, abundances, ref["M"].astype(np.float32)


def load_scene_file(
    path: str | os.PathLike,
    cube_var: str | None = None,
    labels_var: str | None = None,
    labels_path: str | os.PathLike | None = None,
    class_names: list[str] | None = None,
    wavelengths: np.ndarray | None = None,
    name: str | None = None,
    sensor: str = "unknown",
    units: str = "unknown",
    abundances_var: str | None = None,
) -> Scene:
    """Bring your own scene: a ``.mat`` file (v5 or v7.3) or an ENVI header/image.

    ``abundances_var`` (``.mat`` only): an H×W×E array of fractional abundances, for
    regression (method C); the labels then default to each pixel's dominant endmember.

    For ``.mat``: ``cube_var`` names the H×W×B cube, ``labels_var`` the H×W label map (in the
    same file, or in ``labels_path``); left out, they are found when the file makes them
    unambiguous (:func:`pick_variables`), and a file without a label map gives an unlabelled
    scene. For ENVI (``.hdr``): the image next to the header is
    read with ``spectral``; wavelengths and band names come from the header when present;
    labels from ``labels_path`` (a .mat with ``labels_var``) or none. Labels are used as
    stored (0 = unlabelled); class names default to ``"class 1"``, ``"class 2"``, ...
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileNotFoundError(f"scene file not found: {path.resolve()} (check the path; "
                                    "relative paths start at the current folder)")
    if path.suffix.lower() == ".hdr":
        cube, wl = _read_envi(path)
        wavelengths = wavelengths if wavelengths is not None else wl
    else:
        if labels_path is None:
            cube_var, labels_var = pick_variables(path, cube_var, labels_var, exclude=(abundances_var,))
        elif cube_var is None:
            cube_var, _ = pick_variables(path, None, None, exclude=(abundances_var,))
        cube = read_mat_variable(path, cube_var)
    abundances = None
    if abundances_var is not None:
        abundances = np.asarray(read_mat_variable(path, abundances_var), dtype=np.float32)
        if abundances.ndim != 3 or abundances.shape[:2] != np.shape(cube)[:2]:
            raise ShapeMismatchError(f"{path}: abundances {abundances_var!r} are {abundances.shape}, need "
                                     f"{np.shape(cube)[0]} x {np.shape(cube)[1]} x E (one fraction per endmember)")
    if np.asarray(cube).ndim != 3:
        raise ShapeMismatchError(f"{path}: the cube {cube_var or ''} is {np.shape(cube)}, need H x W x B (3-D)")
    if labels_var is not None:
        labels = read_mat_variable(Path(labels_path) if labels_path else path, labels_var)
        if np.shape(labels) != cube.shape[:2]:
            raise ShapeMismatchError(f"{path}: the label map {labels_var!r} is {np.shape(labels)} but the cube is "
                                     f"{cube.shape[0]} x {cube.shape[1]} pixels: name the right one with labels_var")
    elif abundances is not None:
        labels = abundances.argmax(axis=2) + 1
    else:
        labels = np.zeros(cube.shape[:2], dtype=np.int64)
    labels = as_label_map(labels, f"{path} labels")
    n_classes = int(labels.max(initial=0))
    names = list(class_names) if class_names else [f"class {i}" for i in range(1, n_classes + 1)]
    return Scene(
        name=name or path.stem,
        cube=np.asarray(cube, dtype=np.float32),
        labels=labels,
        class_names=names,
        wavelengths=wavelengths,
        sensor=sensor,
        source=str(path),
        units=units,
        abundances=abundances,
        endmember_names=[f"endmember {i}" for i in range(1, abundances.shape[2] + 1)] if abundances is not None else None,
        meta={"file": str(path.resolve()), "sha256": _sha256(path), "cube_var": cube_var, "labels_var": labels_var,
              **({"abundances_var": abundances_var} if abundances_var else {})},
    )


def _sha256(path: Path) -> str:
    from .fetch import sha256_of

    return sha256_of(path)


def _read_envi(header: Path) -> tuple[np.ndarray, np.ndarray | None]:
    import spectral.io.envi as envi

    img = envi.open(str(header))
    cube = np.asarray(img.load(), dtype=np.float32)
    wl = img.metadata.get("wavelength")
    if wl is None:
        return cube, None
    wl = np.asarray([float(x) for x in wl])
    units = str(img.metadata.get("wavelength units", "nm")).lower()
    if units.startswith(("micro", "um", "µm")) or wl.max() < 30:
        wl = wl * 1000.0
    return cube, wl


def _simulate(name: str, data_dir, download: bool, seed: int, difficulty: float | None, **options) -> Scene:
    from . import simulate
    from .simulate.calibrated import calibrated_difficulty

    if name == "demo":
        return simulate.make_demo_scene(seed=seed, difficulty=1.0 if difficulty is None else difficulty, **options)
    if name == "synthetic-c":
        library = fetch_file("usgs_library/USGS_1995_Library.mat", data_dir, download)
        return simulate.make_paper_c_scene(seed=seed, library_path=library, **options)
    if difficulty is None:
        difficulty = calibrated_difficulty(name)
        if difficulty is None:
            warnings.warn(f"{name} has no calibrated difficulty yet (run `hsinb calibrate {name}`); "
                          "using 1.0", stacklevel=3)
            difficulty = 1.0
    real = name[: -len("-sim")]
    spec = get_spec(real)
    labels, splits = load_label_maps(real, data_dir, download)
    from .library import load_usgs_library

    try:
        library = load_usgs_library(data_dir=data_dir, download=download)
    except DataFileNotFoundError as err:
        warnings.warn(f"{err}\n{name} is built from procedural materials only", stacklevel=3)
        library = None
    return simulate.make_standin(
        real,
        labels,
        splits,
        list(spec.class_names),
        spec.wavelengths(),
        difficulty=difficulty,
        seed=seed,
        library=library,
        **options,
    )
