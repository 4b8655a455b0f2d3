"""The results the README and ``results/README.md`` show, generated from the files under
``results/`` (never typed).

* :func:`summary_table`: one row per ``[[summary]]`` entry of the declared experiments
  (:mod:`hsinb.runner.catalog`): what was run, a headline cell of its table beside the
  paper's, the first paragraph of its verdict file, a link to the full table. ``hsinb
  report --readme README.md`` rewrites README's block between ``<!-- results:start -->`` and
  ``<!-- results:end -->`` with it.
* :func:`results_readme`: ``results/README.md``, the summary and then every method table, the
  stand-ins' calibration and the benchmark summaries.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .records import REPO_ROOT, atomic_write_text
from .runner.progress import format_duration

START, END = "<!-- results:start -->", "<!-- results:end -->"


def notebook_times(results: Path | None = None) -> dict[str, str]:
    """Notebook stem -> its measured wall time at its defaults, as the README quotes it
    (``results/bench/notebook_defaults.json``, from ``benchmarks/bench_notebook_defaults.py``;
    a projected time is prefixed with '~')."""
    path = (results or REPO_ROOT / "results") / "bench" / "notebook_defaults.json"
    times = json.loads(path.read_text())["notebooks"] if path.is_file() else {}
    return {stem: ("~" if t.get("projected") else "") + format_duration(t["seconds"]) for stem, t in times.items()}


def calibration_table(results: Path) -> str:
    """Markdown table of ``results/calibration/*-sim.json``."""
    rows = []
    for path in sorted((results / "calibration").glob("*-sim.json")):
        m = json.loads(path.read_text())["metrics"]
        ladder = ", ".join(f"{d:.3g}: {a:.1f}" for d, a in zip(m["ladder"], m["ladder_mean_OA"]))
        miss = m["check_OA_mean"] - m["target_OA"]
        verdict = "near target" if abs(miss) <= 3 else f"off by {miss:+.1f}"
        how = "interpolated" if m["found"] == "interpolated" else "nearest rung, target not bracketed"
        rows.append(f"| {m['scene']} | {m['target_OA']:.1f} | {m['difficulty']:.3g}, {how} | "
                    f"{m['check_OA_mean']:.1f} ± {m['check_OA_std']:.1f} ({verdict}) | {ladder} |")
    if not rows:
        return "_No calibration recorded yet (`hsinb calibrate <scene>-sim`)._\n"
    head = ("| stand-in | target OA % | chosen difficulty | check OA % (mean ± std over check split seeds) | ladder (difficulty: mean OA % over its split seeds) |\n"
            "|---|---|---|---|---|\n")
    return head + "\n".join(rows) + "\n"


def bench_sections(results: Path) -> str:
    """The Markdown summaries of ``results/bench/*.md`` one after the other."""
    parts = [re.sub(r"^#+ ", "### ", p.read_text().strip(), flags=re.M)
             for p in sorted((results / "bench").glob("*.md"))]
    return "\n\n".join(parts) + "\n" if parts else "_No benchmark recorded yet (`make bench`)._\n"


def table_sections(results: Path) -> str:
    """The method result tables ``results/tables/*.md`` one after the other."""
    parts = [re.sub(r"^#+ ", "### ", p.read_text().strip(), flags=re.M)
             for p in sorted((results / "tables").glob("*.md"))]
    return "\n\n".join(parts) + "\n" if parts else "_No result table yet (run a grid, then `hsinb aggregate`)._\n"


def _first_paragraph(path: Path) -> str:
    """The first paragraph of a Markdown file that is neither a heading nor a table."""
    para: list[str] = []
    for line in path.read_text().splitlines():
        if line.startswith(("#", "|")) or not line.strip():
            if para:
                break
            continue
        para.append(line.strip())
    return " ".join(para)


def _summary_row(entry: dict, results: Path, link_base: str) -> str:
    import pandas as pd

    table = results / f"{entry['table']}.csv"
    link = f"[{Path(entry['table']).name}]({link_base}{entry['table']}.md)"
    ours = paper = "not run yet"
    if table.is_file():
        frame = pd.read_csv(table, dtype=str)
        keep = pd.Series(True, index=frame.index)
        for k, v in entry.get("row", {}).items():
            keep &= frame[k].astype(str) == str(v)
        rows = frame[keep]
        if len(rows) != 1:
            ours = paper = f"({len(rows)} rows match {entry.get('row')})"
        else:
            row = rows.iloc[0]
            ours = f"{row[entry['metric']]} (n = {row['n']})" if "n" in row else str(row[entry["metric"]])
            paper_col = f"{entry['metric']} (paper)"
            paper = str(row[paper_col]) if paper_col in row and row[paper_col] == row[paper_col] else "—"
    verdict = "—"
    if entry.get("verdict"):
        vfile = results / f"{entry['verdict']}.md"
        verdict = _first_paragraph(vfile) if vfile.is_file() else "not run yet"
    if entry.get("note"):
        verdict = f"{verdict} {entry['note']}".strip(" —")
    return f"| {entry['label']} | {entry['headline']} | {ours} | {paper} | {verdict} | {link} |"


def summary_table(results: Path | None = None, *, link_base: str = "results/") -> str:
    """Markdown: one row per ``[[summary]]`` entry of the declared experiments."""
    from .runner.catalog import list_names, load_experiment

    results = results or REPO_ROOT / "results"
    rows = [_summary_row(entry, results, link_base) for name in list_names()
            for entry in load_experiment(name).summary]
    head = ("| experiment | headline (mean ± std over seeds) | ours | paper | verdict (computed from the records) | table |\n"
            "|---|---|---|---|---|---|\n")
    return head + "\n".join(rows) + "\n"


def results_block(results: Path | None = None) -> str:
    """README's generated block: the summary table."""
    return (f"{START}\n_Generated by `hsinb report --readme README.md` from `results/`; do not edit by hand. "
            "Every table, the stand-ins' calibration and the benchmarks: [`results/README.md`](results/README.md)._\n\n"
            f"{summary_table(results)}{END}")


def results_readme(results: Path | None = None) -> str:
    """``results/README.md``: the summary, every method table, the calibration, the benchmarks."""
    results = results or REPO_ROOT / "results"
    return ("# Results\n\n_Generated by `hsinb report` from the files in this folder; do not edit by hand._\n\n"
            f"## Summary\n\n{summary_table(results, link_base='')}\n"
            f"## Method tables (`tables/`)\n\n{table_sections(results)}\n"
            "## Stand-in calibration (supervised 2-D CNN, K = 10, 100 epochs; `calibration/`)\n\n"
            f"{calibration_table(results)}\n## Benchmarks (`bench/`)\n\n{bench_sections(results)}")


def update_readme(readme: Path, results: Path | None = None) -> None:
    """Replace the results block of ``readme`` (which must contain the two markers), and
    write ``results/README.md``."""
    text = readme.read_text()
    if START not in text or END not in text:
        raise ValueError(f"{readme} has no {START} ... {END} block")
    new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: results_block(results), text, flags=re.S)
    atomic_write_text(readme, new)
    res = results or REPO_ROOT / "results"
    atomic_write_text(res / "README.md", results_readme(res))
