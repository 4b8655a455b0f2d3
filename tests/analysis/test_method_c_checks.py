"""Paper C's two claims checked on aggregated records."""

from __future__ import annotations

import pandas as pd
import pytest

from hsinb.analysis.method_c_checks import FULL_ORDER, best_backbone, ordering_check, paper_gap
from hsinb.errors import UnknownParameterError
from hsinb.tables import aggregate


def _runs(values: dict[tuple[str, str], list[float]]):
    rows = [{"backbone": b, "transforms": t, "R2": v, "MAE": 1 - v, "seed": i}
            for (b, t), vs in values.items() for i, v in enumerate(vs)]
    return aggregate(pd.DataFrame(rows), ["backbone", "transforms"], ["R2", "MAE"])


def test_ordering_holds_only_when_the_papers_claims_do():
    agg = _runs({("luo", "none"): [0.5, 0.6], ("luo", "spectral"): [0.7, 0.7], ("luo", "spatial"): [0.6, 0.6],
                 ("luo", "spectral+spatial"): [0.8, 0.8],
                 ("li", "none"): [0.5, 0.5], ("li", "spectral"): [0.7, 0.7], ("li", "spatial"): [0.6, 0.6],
                 ("li", "spectral+spatial"): [0.65, 0.65],
                 ("atik", "none"): [0.5], ("atik", "spectral"): [0.4]})
    r2 = ordering_check(agg, "R2").set_index("backbone")
    # luo: spectral > spatial breaks only the tables' pattern, not the paper's claims
    assert r2.loc["luo", "holds"] is True and not r2.loc["luo", "spectral ≤ spatial (tables only)"]
    assert r2.loc["li", "holds"] is False and not r2.loc["li", "spectral+spatial best"]
    assert r2.loc["li", "none < spectral+spatial"]
    assert r2.loc["atik", "holds"] is None and not r2.loc["atik", "none < spectral"]  # incomplete: not judged
    mae = ordering_check(agg, "MAE").set_index("backbone")  # MAE = 1 - R2: same verdicts, lower is better
    assert list(mae["holds"]) == list(r2["holds"])
    # the tables' whole ordering also needs spectral <= spatial: luo breaks it, li too (s+s not best)
    assert r2.loc["luo", FULL_ORDER] is False and r2.loc["li", FULL_ORDER] is False
    assert r2.loc["atik", FULL_ORDER] is None


def test_full_ordering_holds_when_every_step_does():
    agg = _runs({("luo", "none"): [0.5], ("luo", "spectral"): [0.6], ("luo", "spatial"): [0.6],
                 ("luo", "spectral+spatial"): [0.7]})
    assert ordering_check(agg, "R2")[FULL_ORDER].tolist() == [True]
    assert ordering_check(agg, "MAE")[FULL_ORDER].tolist() == [True]


def test_best_backbone_ranks_the_claimed_one():
    agg = _runs({("luo", "none"): [0.5], ("varahagiri", "none"): [0.7], ("li", "none"): [0.6],
                 ("luo", "spectral"): [0.9], ("varahagiri", "spectral"): [0.8], ("li", "spectral"): [0.7],
                 ("luo", "spatial"): [0.9]})
    r2 = best_backbone(agg, "R2").set_index("transforms")
    assert r2.loc["none", "best"] == "varahagiri" and r2.loc["none", "varahagiri best"] is True
    assert r2.loc["spectral", "best"] == "luo" and r2.loc["spectral", "varahagiri rank"] == "2 of 3"
    assert r2.loc["spatial", "varahagiri best"] is None  # not run: not judged
    mae = best_backbone(agg, "MAE").set_index("transforms")  # lower is better: the same winners
    assert mae.loc["spectral", "best"] == "luo" and mae.loc["none", "best value"] == pytest.approx(0.3)


def test_baseline_tie_is_not_an_improvement():
    agg = _runs({("luo", "none"): [0.5], ("luo", "spectral"): [0.5]})
    assert not bool(ordering_check(agg)["none < spectral"].iloc[0])


def test_paper_gap_signs_and_verdicts():
    agg = _runs({("luo", "none"): [0.6, 0.6], ("luo", "spectral"): [0.5, 0.5]})
    paper = pd.DataFrame({"backbone": ["luo", "luo"], "transforms": ["none", "spectral"], "R2": [0.43, 0.55],
                          "MAE": [0.3, 0.6]})
    gap = paper_gap(agg, paper).set_index("transforms")
    assert gap.loc["none", "R2 − paper"] == pytest.approx(0.17)
    assert bool(gap.loc["none", "R2 at least paper"]) and not bool(gap.loc["spectral", "R2 at least paper"])
    assert not bool(gap.loc["none", "MAE at least paper"])  # 0.4 > 0.3
    assert bool(gap.loc["spectral", "MAE at least paper"])  # 0.5 <= 0.6
    assert gap["n"].tolist() == [2, 2]


def test_paper_gap_keeps_cells_we_have_not_run():
    agg = _runs({("luo", "none"): [0.6]})
    paper = pd.DataFrame({"backbone": ["luo", "li"], "transforms": ["none", "none"], "R2": [0.4, 0.5],
                          "MAE": [0.3, 0.3]})
    gap = paper_gap(agg, paper).set_index("backbone")
    assert gap.loc["li", "n"] == 0 and gap.loc["li", "R2 at least paper"] is None
    with pytest.raises(UnknownParameterError, match="none of our"):
        paper_gap(_runs({("hamida", "none"): [0.6]}), paper)


def test_unknown_metric_is_named():
    agg = _runs({("luo", "none"): [0.5]})
    with pytest.raises(UnknownParameterError, match="kappa"):
        ordering_check(agg, "kappa")


def test_check_c_command_writes_both_verdicts(tmp_path):
    import json

    from hsinb.cli import main

    recs = tmp_path / "records"
    recs.mkdir()
    for i, (t, r2) in enumerate([("none", 0.5), ("none", 0.6), ("spectral", 0.7), ("spectral", 0.8)]):
        rec = {"params": {"backbone": "luo", "transforms": t, "seed": i}, "metrics": {"R2": r2, "MAE": 1 - r2}}
        (recs / f"r{i}.json").write_text(json.dumps(rec))
    paper = tmp_path / "paper.csv"
    paper.write_text("transforms,backbone,R2,R2_std,MAE,MAE_std\nnone,luo,0.43,0.03,0.31,0.06\n"
                     "spectral,luo,0.9,0.03,0.29,0.06\n")
    assert main(["check-c", str(recs), "--paper", str(paper), "--out", str(tmp_path / "c")]) == 0
    md = (tmp_path / "c.md").read_text()
    assert "complete rows that hold: 0 of 0" in md  # spatial, spectral+spatial not run: nothing judged
    assert "(2 of 2 paper cells run)" in md
    assert "R2 in 1 of 2 cells" in md and "MAE in 1 of 2" in md  # 0.45 > 0.31, 0.25 <= 0.29
    assert "MAE summed over endmembers" not in md  # these records have no MAE_sum
    assert "of 0 (backbone, metric, set) cells" in md  # none and spectral share no seed: nothing to pair


def test_paper_gap_compares_a_metric_with_another_paper_column():
    rows = [{"backbone": "luo", "transforms": "none", "R2": 0.6, "MAE": 0.1, "MAE_sum": 0.4, "seed": 0}]
    agg = aggregate(pd.DataFrame(rows), ["backbone", "transforms"], ["R2", "MAE", "MAE_sum"])
    paper = pd.DataFrame({"backbone": ["luo"], "transforms": ["none"], "R2": [0.5], "MAE": [0.3]})
    gap = paper_gap(agg, paper, ("MAE", "MAE_sum"), against={"MAE_sum": "MAE"}).iloc[0]
    assert bool(gap["MAE at least paper"]) and not bool(gap["MAE_sum at least paper"])
    assert gap["MAE_sum (paper)"] == pytest.approx(0.3)


def test_check_c_refuses_mixed_settings_and_reports_mae_sum(tmp_path):
    import json

    from hsinb.cli import main

    recs = tmp_path / "records"
    recs.mkdir()
    for i, radius in enumerate([0.05, 0.1]):
        rec = {"params": {"backbone": "luo", "transforms": "none", "seed": i, "radius": radius},
               "metrics": {"R2": 0.5, "MAE": 0.1, "MAE_sum": 0.3}}
        (recs / f"r{i}.json").write_text(json.dumps(rec))
    paper = tmp_path / "paper.csv"
    paper.write_text("transforms,backbone,R2,R2_std,MAE,MAE_std\nnone,luo,0.43,0.03,0.31,0.06\n")
    with pytest.raises(SystemExit, match="radius"):
        main(["check-c", str(recs), "--paper", str(paper), "--out", str(tmp_path / "c")])
    (recs / "r1.json").unlink()
    assert main(["check-c", str(recs), "--paper", str(paper), "--out", str(tmp_path / "c")]) == 0
    assert "MAE summed over endmembers in 1 of 1" in (tmp_path / "c.md").read_text()  # 0.3 <= 0.31


def test_check_c_refuses_mixed_alpha_but_not_the_baselines_zero(tmp_path):
    import json

    from hsinb.cli import main

    recs = tmp_path / "records"
    recs.mkdir()
    cells = [("none", 0.0), ("spectral", 0.01), ("spatial", 0.1)]
    for i, (transforms, alpha) in enumerate(cells):
        rec = {"params": {"backbone": "luo", "transforms": transforms, "seed": 0, "alpha": alpha},
               "metrics": {"R2": 0.5, "MAE": 0.1}}
        (recs / f"r{i}.json").write_text(json.dumps(rec))
    paper = tmp_path / "paper.csv"
    paper.write_text("transforms,backbone,R2,R2_std,MAE,MAE_std\nnone,luo,0.43,0.03,0.31,0.06\n")
    args = ["check-c", str(recs), "--paper", str(paper), "--out", str(tmp_path / "c")]
    with pytest.raises(SystemExit, match="alpha"):
        main(args)
    (recs / "r2.json").unlink()
    assert main(args) == 0


def test_paired_gains_resolve_a_consistent_gain_and_not_a_noisy_one():
    from hsinb.analysis.method_c_checks import paired_gains

    # luo: spectral is +0.1 on every seed; spatial is +0.1 on average but +0.5, -0.3, +0.1
    rows = [{"backbone": "luo", "transforms": t, "seed": s, "R2": v, "MAE": 1 - v}
            for t, vals in [("none", [0.5, 0.6, 0.4]), ("spectral", [0.6, 0.7, 0.5]),
                            ("spatial", [1.0, 0.3, 0.5])] for s, v in enumerate(vals)]
    gains = paired_gains(pd.DataFrame(rows)).set_index(["metric", "transforms"])
    assert gains.loc[("R2", "spectral"), "set − none"] == pytest.approx(0.1)
    assert gains.loc[("R2", "spectral"), "beyond_t95"] and gains.loc[("R2", "spectral"), "better"]
    assert gains.loc[("MAE", "spectral"), "better"]  # MAE fell: better although the difference is negative
    assert gains.loc[("MAE", "spectral"), "set − none"] == pytest.approx(-0.1)
    assert not gains.loc[("R2", "spatial"), "beyond_t95"] and gains.loc[("R2", "spatial"), "n"] == 3
    with pytest.raises(UnknownParameterError, match="kappa"):
        paired_gains(pd.DataFrame(rows), ("kappa",))


def test_paired_gains_threshold_losses_and_duplicates(tmp_path):
    import json

    from hsinb.analysis.method_c_checks import paired_gains
    from hsinb.cli import main

    # differences over 3 seeds: spectral +0.10, +0.12, +0.08 (t = 8.7 > 4.30), spatial +0.10, +0.20,
    # -0.06 (t = 1.1 < 4.30), spectral+spatial -0.10, -0.12, -0.08 (a resolved loss)
    base = [0.5, 0.6, 0.4]
    sets = {"none": base, "spectral": [0.6, 0.72, 0.48], "spatial": [0.6, 0.8, 0.34],
            "spectral+spatial": [0.4, 0.48, 0.32]}
    rows = [{"backbone": b, "transforms": t, "seed": s, "R2": v, "MAE": 1 - v}
            for b in ("luo", "li") for t, vals in sets.items() for s, v in enumerate(vals)]
    gains = paired_gains(pd.DataFrame(rows), ("R2",)).set_index(["backbone", "transforms"])
    assert len(gains) == 6
    assert gains.loc[("li", "spectral"), "beyond_t95"] and not gains.loc[("li", "spatial"), "beyond_t95"]
    loss = gains.loc[("luo", "spectral+spatial")]
    assert loss["beyond_t95"] and not loss["better"]
    recs = tmp_path / "records"
    recs.mkdir()
    for i, r in enumerate(rows):
        rec = {"params": {k: r[k] for k in ("backbone", "transforms", "seed")}, "metrics": {"R2": r["R2"], "MAE": r["MAE"]}}
        (recs / f"r{i}.json").write_text(json.dumps(rec))
    paper = tmp_path / "paper.csv"
    paper.write_text("transforms,backbone,R2,R2_std,MAE,MAE_std\nnone,luo,0.43,0.03,0.31,0.06\n")
    assert main(["check-c", str(recs), "--paper", str(paper), "--out", str(tmp_path / "c")]) == 0
    # per backbone and metric: spectral better, spectral+spatial worse, both resolved
    assert "of 12 (backbone, metric, set) cells, 4 are better than the baseline" in (tmp_path / "c.md").read_text()
    assert "and 4 worse" in (tmp_path / "c.md").read_text()
    (recs / "dup.json").write_text(json.dumps({"params": {"backbone": "luo", "transforms": "none", "seed": 0},
                                               "metrics": {"R2": 0.1, "MAE": 0.9}}))
    with pytest.raises(SystemExit, match="two runs share a transform set and seed"):
        main(["check-c", str(recs), "--paper", str(paper), "--out", str(tmp_path / "c")])


def test_grid_verdict_reads_the_grid_layout_and_names_unknown_scenes(tmp_path):
    import json

    from hsinb.analysis.method_c_checks import grid_verdict

    assert grid_verdict("samson", tmp_path) is None  # no grid has run
    recs = tmp_path / "runs" / "C_samson" / "records"
    recs.mkdir(parents=True)
    assert grid_verdict("samson", tmp_path) is None  # an empty folder is no grid either
    (recs / "broken.json").write_text(json.dumps({"params": {"backbone": "luo"}}))  # no metrics
    assert grid_verdict("samson", tmp_path) is None  # nor are records without metrics
    for i, (t, r2) in enumerate([("none", 0.5), ("spectral", 0.7)]):
        rec = {"params": {"backbone": "luo", "transforms": t, "seed": 0}, "metrics": {"R2": r2, "MAE": 1 - r2}}
        (recs / f"r{i}.json").write_text(json.dumps(rec))
    (tmp_path / "paper").mkdir()
    (tmp_path / "paper" / "C_tables3-4_samson.csv").write_text(
        "transforms,backbone,R2,R2_std,MAE,MAE_std\nnone,luo,0.43,0.03,0.31,0.06\n")
    md = grid_verdict("samson", tmp_path)
    assert md.startswith("### Method C on samson: 2 runs of the grid")
    assert "R2 in 1 of 1 cells" in md  # 0.5 >= 0.43 against the one paper cell
    with pytest.raises(UnknownParameterError, match="paviaU"):
        grid_verdict("paviaU", tmp_path)


def _write_runs(folder, rows):
    import json

    folder.mkdir(parents=True, exist_ok=True)
    for i, (params, metrics, tiles) in enumerate(rows):
        rec = {"params": params, "metrics": metrics, "extra": {"test_tiles": tiles}}
        (folder / f"r{i}.json").write_text(json.dumps(rec))


def test_backbones_are_paired_with_the_best_fair_baseline_on_the_same_tiles(tmp_path):
    from hsinb.analysis.method_c_checks import against_baseline, best_baseline
    from hsinb.tables import collect

    tiles = {s: [s, s + 3] for s in range(4)}
    _write_runs(tmp_path / "c", [({"backbone": "luo", "transforms": "none", "seed": s},
                                  {"R2": 0.80 + 0.01 * s, "MAE": 0.10}, tiles[s]) for s in range(4)])
    _write_runs(tmp_path / "b", [({"baseline": b, "seed": s}, {"R2": v + 0.01 * s + 0.001 * (s % 2), "MAE": 0.05},
                                  tiles[s]) for s in range(4)
                                 for b, v in (("ridge", 0.90), ("pls", 0.85), ("nnls_reference", 0.99))])
    runs, base = collect(tmp_path / "c"), collect(tmp_path / "b")
    assert best_baseline(base, "R2") == "ridge"  # the oracle (reference endmembers) is never chosen
    paired = against_baseline(runs, base, ("R2", "MAE")).set_index("metric")
    assert paired.loc["R2", "backbone − baseline"] == pytest.approx(-0.1 - 0.0005, abs=1e-9)
    assert paired.loc["R2", "beyond_t95"] and not paired.loc["R2", "better"]
    assert paired.loc["MAE", "backbone − baseline"] == pytest.approx(0.05) and not paired.loc["MAE", "better"]
    # a baseline tested on other tiles than the backbone at one seed is refused, by name
    _write_runs(tmp_path / "b2", [({"baseline": "ridge", "seed": s}, {"R2": 0.9, "MAE": 0.05},
                                   tiles[s] if s else [7, 8]) for s in range(4)])
    with pytest.raises(UnknownParameterError, match="other tiles at seed 0"):
        against_baseline(runs, collect(tmp_path / "b2"), ("R2",))


def test_c_table_and_check_carry_the_baselines_rows(tmp_path):
    from hsinb.cli import main

    _write_runs(tmp_path / "c", [({"scene": "samson", "backbone": "luo", "transforms": t, "seed": s},
                                  {"R2": 0.8 + 0.01 * s, "MAE": 0.1, "MAE_sum": 0.3}, [s]) for s in range(3)
                                 for t in ("none", "spectral")])
    _write_runs(tmp_path / "b", [({"scene": "samson", "baseline": "ridge", "seed": s},
                                  {"R2": 0.95, "MAE": 0.04, "MAE_sum": 0.12}, [s]) for s in range(3)])
    paper = tmp_path / "paper.csv"
    paper.write_text("transforms,backbone,R2,MAE\nnone,luo,0.43,0.31\n")
    assert main(["aggregate", str(tmp_path / "c"), "--by", "backbone", "transforms", "--metrics", "R2", "MAE",
                 "--digits", "3", "--paper", str(paper), "--out", str(tmp_path / "t"),
                 "--baselines", str(tmp_path / "b")]) == 0
    md = (tmp_path / "t.md").read_text()
    assert "| samson | classical: ridge | — | 0.950 ± 0.000 |  | 0.040 ± 0.000 |  | 3 |" in md
    assert main(["check-c", str(tmp_path / "c"), "--paper", str(paper), "--out", str(tmp_path / "k"),
                 "--baselines", str(tmp_path / "b")]) == 0
    md = (tmp_path / "k.md").read_text()
    assert "best fair baseline of each metric (R2: ridge, MAE: ridge" in md
    assert "of 4 (backbone, set, metric) cells, 0 are better than the baseline" in md


def test_baselines_of_another_scene_draw_or_an_empty_folder_are_refused(tmp_path):
    from hsinb.analysis.method_c_checks import against_baseline
    from hsinb.cli import main
    from hsinb.tables import append_baselines, collect

    _write_runs(tmp_path / "c", [({"scene": "synthetic-c", "scene_seed": 0, "backbone": "luo", "transforms": "none",
                                   "seed": s}, {"R2": 0.8, "MAE": 0.1}, [s]) for s in range(2)])
    _write_runs(tmp_path / "b", [({"scene": "synthetic-c", "scene_seed": 1, "baseline": "ridge", "seed": s},
                                  {"R2": 0.9, "MAE": 0.05}, [s]) for s in range(2)])  # same tiles, other draw
    with pytest.raises(UnknownParameterError, match="scene_seed"):
        against_baseline(collect(tmp_path / "c"), collect(tmp_path / "b"))
    with pytest.raises(UnknownParameterError, match="mix several values"):
        append_baselines(pd.DataFrame({"x": ["a"]}), pd.concat([collect(tmp_path / "b"), collect(tmp_path / "c")
                                                                .assign(baseline="pls")]), ["x"], ["R2"])
    (tmp_path / "empty").mkdir()
    paper = tmp_path / "paper.csv"
    paper.write_text("transforms,backbone,R2,MAE\nnone,luo,0.43,0.31\n")
    with pytest.raises(SystemExit, match="no baseline records"):
        main(["check-c", str(tmp_path / "c"), "--paper", str(paper), "--out", str(tmp_path / "k"),
              "--baselines", str(tmp_path / "empty")])
