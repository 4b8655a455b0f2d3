"""The training figures label their axes with units, use integer epochs, carry legends
where colour means something, and save as PNG plus a vector copy."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hsinb  # noqa: E402
from hsinb import plots  # noqa: E402


def test_learning_curves_name_quantities_in_percent_on_integer_epochs():
    fig = plots.learning_curves({"a": {"loss": [2.0, 1.5, 1.0], "train_acc": [0.5, 0.7, 0.9], "lr": [1, 1, 1]}})
    loss, acc = fig.axes
    assert loss.get_ylabel() == "training loss" and acc.get_ylabel() == "training accuracy (%)"
    assert acc.get_xlabel() == "epoch" and max(acc.lines[0].get_ydata()) == pytest.approx(90.0)
    assert all(float(t).is_integer() for t in acc.get_xticks())
    assert [t.get_text() for t in acc.get_legend().get_texts()] == ["a"]


def test_classification_maps_have_a_class_legend_and_the_score_in_the_title():
    scene = hsinb.load_scene("demo")
    fig = plots.classification_maps(scene, {"cnn": scene.labels}, only_labelled=False, scores={"cnn": 91.25})
    assert "OA 91.2 %" in fig.axes[1].get_title() or "OA 91.3 %" in fig.axes[1].get_title()
    names = [t.get_text() for t in fig.legends[0].get_texts()]
    assert names[:-1] == list(scene.class_names) and names[-1].startswith("unlabelled")


def test_embedding_plot_labels_its_axes():
    fig = plots.embedding_plot(np.random.default_rng(0).normal(size=(30, 5)), np.arange(30) % 3, ["a", "b", "c"])
    assert fig.axes[0].get_xlabel() == "principal axis 1" and fig.axes[0].get_legend() is not None


def test_save_figures_writes_png_and_a_vector_copy(tmp_path):
    import matplotlib.pyplot as plt

    fig, _ = plt.subplots()
    paths = plots.save_figures({"f": fig}, tmp_path, dpi=50, vector="svg")
    assert [p.name for p in paths] == ["f.png", "f.svg"] and (tmp_path / "f.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match="vector"):
        plots.save_figures({"f": fig}, tmp_path, vector="eps")
