"""Splits: disjointness, counts, seeding, named errors, saving."""

from __future__ import annotations

import numpy as np
import pytest

from hsinb.errors import SplitError
from hsinb.splits import Split, block_split, few_shot_split, official_split, per_class_split


@pytest.fixture
def labels():
    rng = np.random.default_rng(1)
    lab = rng.integers(0, 4, (30, 20))
    lab[0, :3] = 3  # make sure class 3 exists
    return lab


def _disjoint(s: Split):
    sets = [set(s.train), set(s.val), set(s.test)]
    assert not (sets[0] & sets[1]) and not (sets[0] & sets[2]) and not (sets[1] & sets[2])


def test_few_shot_counts_and_disjoint(labels):
    s = few_shot_split(labels, k=5, seed=0, val_per_class=2)
    _disjoint(s)
    y = labels.reshape(-1)
    for c in (1, 2, 3):
        assert (y[s.train] == c).sum() == 5 and (y[s.val] == c).sum() == 2
    # every labelled pixel is used exactly once, no unlabelled pixel is used
    used = np.concatenate([s.train, s.val, s.test])
    assert sorted(used) == sorted(np.flatnonzero(y > 0))
    assert s.targets(labels, "train").min() == 0


def test_seeded(labels):
    a, b = few_shot_split(labels, 5, seed=3), few_shot_split(labels, 5, seed=3)
    c = few_shot_split(labels, 5, seed=4)
    np.testing.assert_array_equal(a.train, b.train)
    assert a.identity == b.identity != c.identity


def test_k_too_large_is_named(labels):
    small = labels.copy()
    small[small == 2] = 1
    small[0, 0] = 2
    small[0, 1] = 2
    with pytest.raises(SplitError, match="class 2 has 2 labelled pixels"):
        few_shot_split(small, 5, seed=0)
    s = few_shot_split(small, 5, seed=0, on_too_few="cap")
    assert s.params["capped"]["2"]["took"] == [1, 0]
    _disjoint(s)


def test_fractions_and_dict(labels):
    s = per_class_split(labels, 0.5, seed=0)
    y = labels.reshape(-1)
    for c in (1, 2, 3):
        assert abs((y[s.train] == c).sum() - round(0.5 * (y == c).sum())) <= 0
    s2 = per_class_split(labels, {1: 3, 2: 1}, seed=0)
    assert (y[s2.train] == 3).sum() == 0 and (y[s2.train] == 1).sum() == 3


def test_official_split(labels):
    train_map = np.zeros_like(labels)
    train_map[:5] = labels[:5]
    test_map = np.zeros_like(labels)
    test_map[10:] = labels[10:]
    s = official_split(labels, {"train": train_map, "test": test_map}, val_fraction=0.2, seed=0)
    _disjoint(s)
    assert s.mask("test").sum() == (test_map > 0).sum()
    # without a test map: every other labelled pixel
    s2 = official_split(labels, {"train": train_map}, test_key=None)
    assert s2.train.size + s2.test.size == (labels > 0).sum()
    # a training map may label pixels the ground truth leaves unlabelled: the split keeps them
    extra = np.zeros_like(labels)
    extra[29, 19] = 2
    labels_hole = labels.copy()
    labels_hole[29, 19] = 0
    s3 = official_split(labels_hole, {"train": extra})
    assert s3.targets(labels_hole, "train").tolist() == [1]
    assert s3.part_map(labels_hole, "train")[29, 19] == 2 and s3.part_map(labels_hole, "train").sum() == 2
    assert s3.test.size == (labels_hole > 0).sum()
    with pytest.raises(SplitError, match="no split map 'fixed'"):
        official_split(labels, {"train": train_map}, train_key="fixed")


def test_block_split_guard_keeps_patches_clear():
    mask = np.ones((40, 40), bool)
    guard = 2
    s = block_split(mask, block=8, test_fraction=0.3, seed=0, guard=guard)
    with pytest.raises(TypeError):
        block_split(mask, block=8, test_fraction=0.3, seed=0)  # guard must be chosen
    _disjoint(s)
    test = s.mask("test")
    for r, c in zip(*s.coords("train")):
        win = test[max(r - guard, 0) : r + guard + 1, max(c - guard, 0) : c + guard + 1]
        assert not win.any()


def test_save_load_roundtrip(tmp_path, labels):
    s = few_shot_split(labels, 4, seed=7)
    p = s.save(tmp_path / "split.npz")
    t = Split.load(p)
    assert t.identity == s.identity and t.params == s.params and t.method == "few_shot"


def test_overlap_is_rejected():
    with pytest.raises(SplitError, match="both train and test"):
        Split(np.array([1, 2]), np.array([], np.int64), np.array([2, 3]), (2, 2))


def test_random_split_draws_n_pixels_over_the_whole_scene():
    from hsinb.splits import random_split

    labels = np.zeros((20, 20), np.int64)
    labels[:10] = 1
    labels[10:, :5] = 2
    s = random_split(labels, 30, seed=0)
    assert s.train.size == 30 and s.test.size == 250 - 30
    assert np.all(labels.reshape(-1)[np.concatenate([s.train, s.test])] > 0)
    with pytest.raises(SplitError, match="n_train"):
        random_split(labels, 250, seed=0)


def test_thin_train_keeps_a_disjoint_split_disjoint():
    from hsinb.splits import block_split, thin_train

    labels = np.tile(np.repeat([1, 2], 10), (20, 1))
    full = block_split(labels, 5, 0.5, seed=0, guard=2)
    thin = thin_train(full, labels, 3, per="class", seed=0)
    y = labels.reshape(-1)[thin.train]
    assert sorted(np.bincount(y)[1:].tolist()) == [3, 3] and set(thin.train) <= set(full.train)
    assert np.array_equal(thin.test, full.test)
    assert thin_train(full, labels, 4, per="total", seed=0).train.size == 4
