"""Every batch task (and so its notebook twin) runs on your own .mat file given as the
scene, finds its variables, and records the file's sha256."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.io

import hsinb
from hsinb.errors import InvalidParameterError


@pytest.fixture(scope="module")
def own_file(tmp_path_factory):
    demo = hsinb.load_scene("demo")
    folder = tmp_path_factory.mktemp("own")
    crop = slice(0, 40)
    scipy.io.savemat(folder / "my_cube.mat", {"img": demo.cube[crop, crop], "gt": demo.labels[crop, crop].astype(np.uint8)})
    scipy.io.savemat(folder / "my_mixture.mat", {"img": demo.cube[crop, crop], "fractions": demo.abundances[crop, crop, :4]})
    return folder / "my_cube.mat"


def _record(path):
    return json.loads(path.read_text())


def test_method_a_on_your_file(own_file, tmp_path):
    from hsinb.experiments.method_a import method_a_task

    method_a_task(scene=str(own_file), K=3, quick=True, baselines="", protocols="supervised",
                  record_path=str(tmp_path / "a.json"))
    rec = _record(tmp_path / "a.json")
    assert rec["params"]["scene"] == str(own_file)
    assert rec["extra"]["scene_file"]["labels_var"] == "gt" and len(rec["extra"]["scene_file"]["sha256"]) == 64


def test_method_b_with_your_file_as_target(own_file, tmp_path):
    from hsinb.experiments.method_b import method_b_task

    method_b_task(target=str(own_file), method="scratch", quick=True, record_path=str(tmp_path / "b.json"))
    assert _record(tmp_path / "b.json")["extra"]["scene_file"]["cube_var"] == "img"


def test_method_c_needs_the_abundances_named(own_file, tmp_path):
    from hsinb.errors import ShapeMismatchError
    from hsinb.experiments.method_c import method_c_task

    with pytest.raises((ShapeMismatchError, InvalidParameterError), match="abundances_var|3-D arrays"):
        method_c_task(scene=str(own_file.with_name("my_mixture.mat")), quick=True)
    method_c_task(scene=str(own_file.with_name("my_mixture.mat")), cube_var="img", abundances_var="fractions", quick=True, patch=5,
                  record_path=str(tmp_path / "c.json"))
    assert _record(tmp_path / "c.json")["extra"]["scene_file"]["abundances_var"] == "fractions"


def test_a_file_without_labels_stops_a_labelled_method_with_what_to_do(tmp_path):
    from hsinb.experiments.method_a import method_a_task

    path = tmp_path / "nolabels.mat"
    scipy.io.savemat(path, {"img": np.random.default_rng(0).random((12, 12, 5)).astype(np.float32)})
    with pytest.raises(InvalidParameterError, match="no labelled pixels.*labels_var"):
        method_a_task(scene=str(path), quick=True)
