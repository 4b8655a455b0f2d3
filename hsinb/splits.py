"""Which pixels train, validate and test.

A :class:`Split` holds flat (row-major) pixel indices of an H×W scene for each part; the
parts never overlap and test pixels are never used for training. Samplers are seeded and
a split can be saved next to the run that used it (``.npz``) and identified by a short hash
of its content (``split.identity``) in run records.

Samplers:
    :func:`few_shot_split`   K labelled pixels per class, the rest for test;
    :func:`per_class_split`  counts or fractions per class;
    :func:`official_split`   a scene's fixed training/test maps (PaviaU, Houston DFC2013);
    :func:`block_split`      spatially disjoint blocks with a guard band, so that p×p
                              patches around training pixels never contain test pixels.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import SplitError, check_choice
from .records import atomic_path

log = logging.getLogger(__name__)

PARTS = ("train", "val", "test")


@dataclass
class Split:
    """Disjoint sets of flat pixel indices into an H×W scene.

    Attributes:
        train, val, test: int64 flat indices (``row * W + col``), sorted.
        shape: (H, W) of the scene.
        method: name of the sampler that made it; ``params`` its arguments (seed included).
        labels: optional flat (H·W,) class ids (1..C) of the split's own pixels, for splits
            whose maps carry their own labels (an official training map may label pixels
            that the scene's ground truth leaves unlabelled); None: use the scene's labels.
    """

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    shape: tuple[int, int]
    method: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    labels: np.ndarray | None = None

    def __post_init__(self) -> None:
        for part in PARTS:
            setattr(self, part, np.sort(np.asarray(getattr(self, part), dtype=np.int64)))
        self.shape = tuple(int(s) for s in self.shape)  # type: ignore[assignment]
        if self.labels is not None:
            self.labels = np.asarray(self.labels, dtype=np.int64).reshape(-1)
        self.check_disjoint()

    def check_disjoint(self) -> None:
        """Raise :class:`SplitError` if any pixel is in two parts or outside the scene."""
        n = self.shape[0] * self.shape[1]
        for part in PARTS:
            idx = getattr(self, part)
            if idx.size and (idx.min() < 0 or idx.max() >= n):
                raise SplitError(f"{part} indices fall outside the {self.shape} scene")
            if np.unique(idx).size != idx.size:
                raise SplitError(f"{part} holds the same pixel twice")
        for a, b in (("train", "val"), ("train", "test"), ("val", "test")):
            both = np.intersect1d(getattr(self, a), getattr(self, b))
            if both.size:
                raise SplitError(f"{both.size} pixels are in both {a} and {b}")

    def coords(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cols) of the pixels of ``part``."""
        check_choice("split part", part, PARTS)
        return np.divmod(getattr(self, part), self.shape[1])

    def mask(self, part: str) -> np.ndarray:
        """(H, W) boolean mask of ``part``."""
        m = np.zeros(self.shape[0] * self.shape[1], dtype=bool)
        m[getattr(self, part)] = True
        return m.reshape(self.shape)

    def label_vector(self, scene_labels: np.ndarray) -> np.ndarray:
        """Flat (H·W,) class ids to use with this split: its own, else the scene's."""
        return self.labels if self.labels is not None else np.asarray(scene_labels).reshape(-1)

    def part_map(self, scene_labels: np.ndarray, part: str) -> np.ndarray:
        """(H, W) class ids of ``part``'s pixels, 0 elsewhere (for plotting a split)."""
        out = np.zeros(self.shape[0] * self.shape[1], dtype=np.int64)
        idx = getattr(self, part)
        out[idx] = self.label_vector(scene_labels)[idx]
        return out.reshape(self.shape)

    def targets(self, scene_labels: np.ndarray, part: str) -> np.ndarray:
        """0-based class indices (label - 1) of ``part``'s pixels."""
        y = self.label_vector(scene_labels)[getattr(self, part)] - 1
        if y.size and y.min() < 0:
            raise SplitError(f"{int((y < 0).sum())} {part} pixels have no label")
        return y

    @property
    def identity(self) -> str:
        """12-hex-digit hash of the split's content (shape, the three index sets, own labels)."""
        h = hashlib.sha1(np.asarray(self.shape, dtype=np.int64).tobytes())
        for part in PARTS:
            h.update(part.encode())
            h.update(getattr(self, part).tobytes())
        if self.labels is not None:
            h.update(self.labels.tobytes())
        return h.hexdigest()[:12]

    def describe(self) -> dict[str, Any]:
        """Sizes, method, parameters and identity, for run records."""
        return {
            "identity": self.identity,
            "method": self.method,
            "params": self.params,
            **{f"n_{p}": int(getattr(self, p).size) for p in PARTS},
        }

    def save(self, path: str | os.PathLike) -> Path:
        """Write the split to ``path`` (.npz) atomically."""
        arrays = dict(train=self.train, val=self.val, test=self.test, shape=np.asarray(self.shape),
                      meta=np.asarray(json.dumps({"method": self.method, "params": self.params})))
        if self.labels is not None:
            arrays["labels"] = self.labels
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as f:
                np.savez_compressed(f, **arrays)
        return Path(path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Split:
        """Read a split written by :meth:`save`."""
        with np.load(path) as z:
            meta = json.loads(str(z["meta"]))
            labels = z["labels"] if "labels" in z else None
            return cls(z["train"], z["val"], z["test"], tuple(z["shape"]), meta["method"], meta["params"],
                       labels)


def _class_pixels(labels: np.ndarray) -> dict[int, np.ndarray]:
    """Flat indices of every class id 1..C present in ``labels``."""
    flat = np.asarray(labels).reshape(-1)
    order = np.argsort(flat, kind="stable")
    ids, starts = np.unique(flat[order], return_index=True)
    bounds = [*starts[1:], flat.size]
    return {int(c): order[s:e] for c, s, e in zip(ids, starts, bounds) if c > 0}


def _check_labels(labels: np.ndarray) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 2:
        raise SplitError(f"labels must be an H x W map, got shape {labels.shape}")
    if labels.dtype.kind not in "iu":
        raise SplitError(f"labels must be integers, got {labels.dtype}")
    return labels


def per_class_split(
    labels: np.ndarray,
    train: int | float | dict[int, int],
    seed: int,
    val: int | float = 0,
    on_too_few: str = "error",
    min_test: int = 1,
    method: str = "per_class",
) -> Split:
    """Draw ``train`` (and ``val``) pixels per class; every other labelled pixel is test.

    ``train``/``val`` are counts per class (int), fractions of each class (float in (0, 1))
    or a dict ``{class_id: count}``. A class with too few pixels to leave ``min_test`` for
    testing raises :class:`SplitError` naming it, or with ``on_too_few="cap"`` takes what it
    can and records the cap in ``split.params["capped"]`` (and logs a warning).
    """
    labels = _check_labels(labels)
    check_choice("on_too_few", on_too_few, ("error", "cap"))
    rng = np.random.default_rng(seed)
    pixels = _class_pixels(labels)
    tr, va, te, capped = [], [], [], {}
    for c, idx in sorted(pixels.items()):
        n = idx.size
        n_tr = _amount(train, c, n)
        n_va = _amount(val, c, n)
        if n_tr + n_va > n - min_test:
            if on_too_few == "error":
                raise SplitError(
                    f"class {c} has {n} labelled pixels: too few for {n_tr} training + {n_va} "
                    f"validation pixels with at least {min_test} left for testing. Lower K, or "
                    "pass on_too_few='cap' (notebooks: -p on_too_few cap) to take what there is (the cap is recorded)."
                )
            avail = max(n - min_test, 0)
            n_tr_c = min(n_tr, avail)
            n_va_c = min(n_va, avail - n_tr_c)
            capped[c] = {"asked": [n_tr, n_va], "took": [n_tr_c, n_va_c], "pixels": int(n)}
            log.warning("class %d has only %d pixels: train capped %d -> %d", c, n, n_tr, n_tr_c)
            n_tr, n_va = n_tr_c, n_va_c
        perm = rng.permutation(idx)
        tr.append(perm[:n_tr])
        va.append(perm[n_tr : n_tr + n_va])
        te.append(perm[n_tr + n_va :])
    params = {"train": train if not isinstance(train, dict) else {str(k): v for k, v in train.items()},
              "val": val, "seed": int(seed), "on_too_few": on_too_few}
    if capped:
        params["capped"] = {str(k): v for k, v in capped.items()}
    cat = lambda parts: np.concatenate(parts) if parts else np.zeros(0, np.int64)  # noqa: E731
    return Split(cat(tr), cat(va), cat(te), labels.shape, method, params)


def _amount(spec: int | float | dict[int, int], c: int, n: int) -> int:
    """Pixels to draw from a class of ``n``: a dict entry, a count, or a fraction in (0, 1)."""
    if isinstance(spec, dict):
        return int(spec.get(c, 0))
    if isinstance(spec, float) and not spec.is_integer():
        if not 0 < spec < 1:
            raise SplitError(f"fraction {spec} must lie in (0, 1)")
        return int(round(spec * n))
    if int(spec) < 0:
        raise SplitError(f"count {spec} must be >= 0")
    return int(spec)


def few_shot_split(
    labels: np.ndarray, k: int, seed: int, val_per_class: int = 0, on_too_few: str = "error"
) -> Split:
    """K labelled training pixels per class (paper A: K = 5..10), the rest for test."""
    if int(k) < 1:
        raise SplitError(f"K must be at least 1, got {k}")
    return per_class_split(labels, int(k), seed, val_per_class, on_too_few, method="few_shot")


def random_split(labels: np.ndarray, n_train: int, seed: int) -> Split:
    """``n_train`` labelled pixels drawn uniformly at random over the whole scene (classes
    as they come: a rare class may get none), every other labelled pixel is test (paper B's
    "200 samples are randomly selected" read as 200 in total)."""
    labels = _check_labels(labels)
    flat = np.flatnonzero(labels.reshape(-1) > 0)
    if not 0 < int(n_train) < flat.size:
        raise SplitError(f"n_train must lie in 1..{flat.size - 1} (the scene has {flat.size} labelled pixels), "
                         f"got {n_train}")
    perm = np.random.default_rng(seed).permutation(flat)
    return Split(perm[:n_train], np.zeros(0, np.int64), perm[n_train:], labels.shape, "random",
                 {"train": int(n_train), "seed": int(seed)})


def thin_train(split: Split, labels: np.ndarray, amount: int, *, per: str, seed: int) -> Split:
    """``split`` with its training pixels cut to ``amount`` per class (``per="class"``, a
    class with fewer keeps all of them) or in total (``per="total"``, uniformly); the pixels
    left out are dropped, not moved to test (a spatially disjoint split stays disjoint)."""
    check_choice("per", per, ("class", "total"))
    rng = np.random.default_rng(seed)
    y = split.label_vector(labels)[split.train]
    if per == "total":
        keep = rng.permutation(split.train.size)[: int(amount)]
    else:
        keep = np.concatenate([rng.permutation(np.flatnonzero(y == c))[: int(amount)] for c in np.unique(y)]
                              or [np.zeros(0, np.int64)])
    params = {**split.params, "thinned": {"amount": int(amount), "per": per, "seed": int(seed)}}
    return Split(split.train[keep], split.val, split.test, split.shape, split.method, params, split.labels)


def official_split(labels: np.ndarray, split_maps: dict[str, np.ndarray], train_key: str = "train",
                   test_key: str | None = "test", val_fraction: float = 0.0, seed: int = 0) -> Split:
    """A scene's fixed training map (and test map; when there is none, test = every other
    labelled pixel). ``val_fraction`` of each training class may be held out for validation.

    The split carries the maps' own labels (``split.labels``): PaviaU's fixed training map,
    for one, labels 1147 pixels that the ground truth leaves unlabelled.
    """
    if train_key not in split_maps:
        raise SplitError(f"no split map {train_key!r}; this scene has {sorted(split_maps) or 'none'}")
    train_map = split_maps[train_key]
    train = np.flatnonzero(train_map.reshape(-1) > 0)
    if test_key is not None and test_key in split_maps:
        test = np.flatnonzero(split_maps[test_key].reshape(-1) > 0)
    else:
        test = np.setdiff1d(np.flatnonzero(labels.reshape(-1) > 0), train)
    val = np.zeros(0, np.int64)
    if val_fraction > 0:
        rng = np.random.default_rng(seed)
        tr_labels = train_map.reshape(-1)[train]
        held = [rng.permutation(train[tr_labels == c])[: int(round(val_fraction * (tr_labels == c).sum()))]
                for c in np.unique(tr_labels)]
        val = np.concatenate(held)
        train = np.setdiff1d(train, val)
    own = np.asarray(labels, dtype=np.int64).reshape(-1).copy()
    if test_key is not None and test_key in split_maps:
        own[test] = split_maps[test_key].reshape(-1)[test]
    own[np.concatenate([train, val])] = train_map.reshape(-1)[np.concatenate([train, val])]
    return Split(train, val, test, labels.shape, "official",
                 {"train_key": train_key, "test_key": test_key, "val_fraction": val_fraction, "seed": seed},
                 own)


def block_split(
    mask: np.ndarray,
    block: int,
    test_fraction: float,
    seed: int,
    *,
    guard: int,
    val_fraction: float = 0.0,
) -> Split:
    """Spatially disjoint split: the scene is tiled into ``block``×``block`` tiles, each
    tile goes wholly to train, val or test (seeded), and pixels of train/val tiles that lie
    within ``guard`` pixels (Chebyshev distance) of a test tile are dropped, so that a
    p×p patch around any training pixel (p = 2·guard + 1) never contains a test pixel.

    ``mask``: (H, W) labelled pixels to use (bool or label map; all ones for regression).
    ``guard`` has no default on purpose: pass ``patch // 2`` for patch models (0 only for
    single-pixel models), so that leakage through overlapping windows is a visible choice.
    """
    mask = np.asarray(mask) > 0
    if block < 1:
        raise SplitError(f"block size must be >= 1, got {block}")
    if not 0 < test_fraction < 1:
        raise SplitError(f"test_fraction must lie in (0, 1), got {test_fraction}")
    h, w = mask.shape
    th, tw = -(-h // block), -(-w // block)
    rng = np.random.default_rng(seed)
    tile_ids = rng.permutation(th * tw)
    n_test = max(1, int(round(test_fraction * th * tw)))
    n_val = int(round(val_fraction * th * tw))
    role = np.zeros(th * tw, dtype=np.int8)  # 0 train, 1 val, 2 test
    role[tile_ids[:n_test]] = 2
    role[tile_ids[n_test : n_test + n_val]] = 1
    role_map = np.repeat(np.repeat(role.reshape(th, tw), block, 0), block, 1)[:h, :w]
    test_map = (role_map == 2) & mask
    if guard > 0:
        from scipy.ndimage import binary_dilation

        near_test = binary_dilation(role_map == 2, np.ones((2 * guard + 1,) * 2, bool))
    else:
        near_test = role_map == 2
    train_map = (role_map == 0) & mask & ~near_test
    val_map = (role_map == 1) & mask & ~near_test
    if not train_map.any() or not test_map.any():
        raise SplitError(
            f"block split left {int(train_map.sum())} training and {int(test_map.sum())} test "
            f"pixels; use smaller blocks ({block}) or a smaller guard ({guard})"
        )
    return Split(np.flatnonzero(train_map), np.flatnonzero(val_map), np.flatnonzero(test_map),
                 mask.shape, "blocks",
                 {"block": block, "test_fraction": test_fraction, "seed": seed, "guard": guard,
                  "val_fraction": val_fraction})


def tile_split(n_tiles: int, test_fraction: float, seed: int) -> np.ndarray:
    """(T,) bool: which tiles are test tiles (a seeded random share, at least one)."""
    if not 0 < test_fraction < 1:
        raise SplitError(f"test_fraction must lie in (0, 1), got {test_fraction}")
    n_test = max(1, int(round(test_fraction * n_tiles)))
    if n_test >= n_tiles:
        raise SplitError(f"{n_tiles} tiles leave none for training at test_fraction={test_fraction}")
    test = np.zeros(n_tiles, dtype=bool)
    test[np.random.default_rng(seed).permutation(n_tiles)[:n_test]] = True
    return test
