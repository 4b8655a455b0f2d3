"""Method B's figures label their axes and legends."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from hsinb.plots import embedding_by_scene_and_class, pretrain_loss  # noqa: E402


def test_pretrain_loss_draws_the_floor_and_labels_its_axes():
    fig = pretrain_loss([90.0, 85.0, 80.0, 77.0], floor=76.3, milestones=[2])
    ax = fig.axes[0]
    assert ax.get_xlabel() == "pre-training iteration" and "loss" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("floor" in t for t in labels) and any("learning rate" in t for t in labels)


def test_embedding_figure_has_one_legend_entry_per_scene_in_both_panels():
    rng = np.random.default_rng(0)
    fig = embedding_by_scene_and_class(rng.normal(size=(40, 8)), np.repeat([0, 1], 20), rng.integers(1, 4, 40),
                                       ["a-sim", "b-sim"])
    for ax in fig.axes:
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a-sim", "b-sim"]
        assert ax.get_xlabel() == "principal axis 1"
