"""Run records: provenance, and atomic writes that never leave a partial file."""

from __future__ import annotations

import pytest

from hsinb.records import RunTimer, atomic_write_text, make_record, read_record, write_record


def test_record_has_provenance(tmp_path):
    timer = RunTimer()
    rec = make_record({"K": 5, "seed": 1}, {"OA": 0.5}, split={"identity": "abc"}, device="cpu", timer=timer)
    path = write_record(tmp_path / "r" / "x.json", rec)
    back = read_record(path)
    assert back["seed"] == 1 and back["metrics"]["OA"] == 0.5 and back["split"]["identity"] == "abc"
    assert len(back["git"]["commit"]) == 40 and back["git"]["dirty"] in (True, False)
    assert {"python", "torch", "numpy", "hsinb"} <= set(back["versions"])
    assert back["wall_time_s"] >= 0
    assert [p.name for p in (tmp_path / "r").iterdir()] == ["x.json"]  # no temp file left


def test_atomic_write_never_leaves_partial(tmp_path, monkeypatch):
    target = tmp_path / "t.json"
    target.write_text("old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(target, "new")
    assert target.read_text() == "old" and len(list(tmp_path.iterdir())) == 1
