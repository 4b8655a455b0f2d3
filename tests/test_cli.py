"""The hsinb command line: tables from records, one-line errors."""

from __future__ import annotations

from hsinb.records import make_record, write_record


def test_cli_aggregate_names_simulated_scenes(tmp_path):
    from hsinb.cli import main

    for seed in (0, 1):
        for scene in ("paviaU-sim", "samson"):
            rec = make_record({"scene": scene, "K": 5, "seed": seed}, {"linear_OA": 70.0 + seed})
            write_record(tmp_path / "rec" / f"{scene}-{seed}.json", rec)
    paper = tmp_path / "paper.csv"
    paper.write_text("K,linear_OA\n5,80.6\n")
    assert main(["aggregate", str(tmp_path / "rec"), "--by", "K", "--metrics", "linear_OA",
                 "--paper", str(paper), "--out", str(tmp_path / "t")]) == 0
    md = (tmp_path / "t.md").read_text()
    assert "| scene | K | linear_OA | linear_OA (paper) | n |" in md
    assert "| paviaU-sim | 5 | 70.5 ± 0.7 | 80.6 | 2 |" in md
    assert "SIMULATED stand-ins" in md and "Produced by: `hsinb aggregate" in md


def test_cli_scenes_says_what_this_machine_can_load(tmp_path, monkeypatch, capsys):
    from hsinb.cli import main

    monkeypatch.setenv("HSINB_DATA", str(tmp_path))  # an empty data folder
    monkeypatch.setenv("HSINB_CACHE", str(tmp_path / "cache"))
    assert main(["scenes"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:-1]}
    assert lines["demo"].endswith("built in") and lines["samson"].endswith("download (hsinb fetch)")
