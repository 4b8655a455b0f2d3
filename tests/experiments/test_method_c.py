"""Method C's samples (tiles, windows), its no-leak split and an end-to-end run."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from support import tiny_abundance_scene

from hsinb.errors import PatchSizeError, SplitError, UnknownNameError
from hsinb.experiments.method_c import MethodCConfig, run_method_c
from hsinb.patches import tile_samples, window_samples
from hsinb.splits import tile_split


def test_tiles_are_the_cube_blocks_with_their_mean_abundances():
    s = tiny_abundance_scene()
    x, y = tile_samples(s.cube, s.abundances, 4)
    assert x.shape == (6 * 5, 1, 30, 4, 4) and y.shape == (30, 3)
    k = 1 * 5 + 2  # tile row 1, col 2
    assert torch.equal(x[k, 0], torch.as_tensor(s.cube[4:8, 8:12]).permute(2, 0, 1))
    assert torch.allclose(y[k], torch.as_tensor(s.abundances[4:8, 8:12].mean((0, 1))))


def test_windows_avoid_forbidden_pixels_and_carry_their_means():
    s = tiny_abundance_scene()
    forbidden = np.zeros((24, 20), bool)
    forbidden[8:12, 8:12] = True
    x, y = window_samples(s.cube, s.abundances, 4, forbidden, stride=1)
    assert x.shape[0] == (21 * 17) - 7 * 7  # windows touching the 4x4 block are gone
    cube = torch.as_tensor(s.cube).permute(2, 0, 1)
    ok = 0
    for r in range(21):  # test-only loop: find each kept window back in the cube
        for c in range(17):
            if forbidden[r:r + 4, c:c + 4].any():
                continue
            ok += int(torch.equal(x[ok, 0], cube[:, r:r + 4, c:c + 4]))
    assert ok == x.shape[0]
    assert torch.allclose(y[0], torch.as_tensor(s.abundances[0:4, 0:4].mean((0, 1))))


def test_tile_split_is_seeded_and_refuses_nonsense():
    a, b = tile_split(30, 0.3, 1), tile_split(30, 0.3, 1)
    assert np.array_equal(a, b) and a.sum() == 9 and not np.array_equal(a, tile_split(30, 0.3, 2))
    with pytest.raises(SplitError):
        tile_split(1, 0.5, 0)
    with pytest.raises(UnknownNameError, match="hamida"):
        MethodCConfig(backbone="hamilton")
    with pytest.raises(PatchSizeError):
        tile_samples(np.zeros((4, 4, 3)), np.zeros((4, 4, 2)), 5)


@pytest.mark.parametrize("train_on", ["tiles", "windows"])
def test_run_never_trains_on_test_pixels_and_reports_metrics(train_on):
    s = tiny_abundance_scene()
    cfg = MethodCConfig(backbone="atik", patch=4, transforms="spectral", epochs=3, batch_size=16, train_on=train_on,
                        window_stride=2)
    out = run_method_c(s, cfg, seed=0, device="cpu", progress=False)
    assert set(out["metrics"]) == {"R2", "MAE", "RMSE", "MAE_sum"}
    assert np.isfinite(list(out["metrics"].values())).all()
    err = np.abs(out["targets"] - out["predictions"])
    assert out["metrics"]["MAE_sum"] == pytest.approx(err.shape[1] * err.mean(), rel=1e-5)  # E x MAE
    assert out["n_test"] == 9 and out["predictions"].shape == (9, 3)
    assert np.allclose(out["predictions"].sum(1), 1, atol=1e-5)
    if train_on == "tiles":
        assert out["n_train"] == 21
    else:
        assert out["n_train"] > 21  # more samples than the tiles, none overlapping a test tile


def test_samson_task_records_regression_metrics(tmp_path, data_dir):
    from hsinb.experiments.method_c import method_c_task
    from hsinb.records import read_record

    rec = method_c_task(scene="samson", backbone="atik", transforms="spectral", patch=10, epochs=1,
                        data_dir=str(data_dir), record_path=str(tmp_path / "c.json"))
    saved = read_record(tmp_path / "c.json")
    assert saved["metrics"] == rec["metrics"] and set(rec["metrics"]) == {"R2", "MAE", "RMSE", "MAE_sum"}
    assert saved["extra"]["n_test"] == 24 and saved["extra"]["n_train"] == 57  # 9 x 9 tiles of Samson


def test_synthetic_c_layouts_spread_tile_means_only_when_smooth():
    from hsinb.experiments.method_c import load_regression_scene

    spread = {}
    for layout in ("iid", "smooth"):
        scene = load_regression_scene("synthetic-c", 0, None, layout)
        _, y = tile_samples(scene.cube, scene.abundances, 10)
        spread[layout] = float(y.std(0).mean())
    assert spread["iid"] < 0.05 and spread["smooth"] > 0.15
    with pytest.raises(ValueError, match="synthetic-c only"):
        load_regression_scene("samson", 0, None, "iid")


class _Huge(torch.nn.Module):
    """A regressor whose gradients are about 1e4: one unclipped SGD step moves it far."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(5, 3))

    def forward(self, x):
        feats = x.flatten(1)[:, :5] * 1e4
        return feats @ self.w, feats


@pytest.mark.parametrize("clip", [None, 0.5])
def test_gradient_clip_bounds_the_first_sgd_step(clip):
    from hsinb.training.contrastive_regression import fit_contrastive_regression

    model = _Huge()
    x, y = torch.rand(8, 1, 5, 2, 2), torch.rand(8, 3)
    fit_contrastive_regression(model, x, y, epochs=1, batch_size=8, lr=1.0, momentum=0.0, weight_decay=0.0,
                               grad_clip=clip)
    step = float(model.w.detach().norm())
    if clip is None:
        assert step > 100
    else:
        assert step == pytest.approx(clip, rel=1e-4)
