"""Wall time of every notebook at its defaults (no -p), as a newcomer runs it.

Each notebook runs through papermill in a fresh kernel with the built-in scenes (no data
file); its wall time includes the kernel's start and imports. Notebook 07's default is a
whole grid (every transform set × 5 seeds on the demo scene): it runs here on a few transform
sets and one seed, and its full cost is projected from the time per run (stated as such).
The README's notebook table quotes these times; ``tests/test_readme.py`` holds it to this
file. Usage: python benchmarks/bench_notebook_defaults.py [--only 04_barlow ...]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from _common import BENCH_DIR, REPO, write_bench

from hsinb.report import format_duration as minutes

NOTEBOOKS = sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: notebook 07's measured share of its default grid: 3 transforms -> 7 transform sets, 1 seed
PAIRS_SAMPLE = {"transforms": "flip,noise,band_drop", "seeds": "0"}


def run_notebook(stem: str, parameters: dict, workdir: Path) -> float:
    import papermill

    start = time.perf_counter()
    papermill.execute_notebook(str(REPO / "notebooks" / f"{stem}.ipynb"), str(workdir / f"{stem}.ipynb"),
                               parameters=parameters, kernel_name="python3", cwd=str(REPO / "notebooks"),
                               progress_bar=False)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", default=None, help="notebook stems (default: all); others keep their old time")
    args = ap.parse_args()
    old_path = BENCH_DIR / "notebook_defaults.json"
    times = json.loads(old_path.read_text())["notebooks"] if old_path.is_file() else {}
    os.environ.setdefault("HSINB_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as tmp:
        for stem in args.only or NOTEBOOKS:
            if stem.startswith("07_"):
                with tempfile.TemporaryDirectory() as runs:
                    sample = run_notebook(stem, {**PAIRS_SAMPLE, "runs_dir": runs, "tables_dir": runs}, Path(tmp))
                import papermill

                from hsinb.views import augmentation_pairs

                defaults = papermill.inspect_notebook(str(REPO / "notebooks" / f"{stem}.ipynb"))
                planned = len(augmentation_pairs(defaults["transforms"]["default"].strip("'\"").split(","))) * len(
                    defaults["seeds"]["default"].strip("'\"").split(","))
                measured = len(augmentation_pairs(PAIRS_SAMPLE["transforms"].split(",")))
                seconds = sample / measured * planned
                times[stem] = {"seconds": seconds, "projected": True, "runs": planned, "measured_runs": measured,
                               "measured_seconds": sample}
            else:
                times[stem] = {"seconds": run_notebook(stem, {}, Path(tmp)), "projected": False}
            print(f"{stem}: {minutes(times[stem]['seconds'])}", flush=True)
    rows = "\n".join(
        f"| `{stem}` | {minutes(t['seconds'])} | "
        + (f"projected: {t['measured_runs']} of its {t['runs']} runs took {minutes(t['measured_seconds'])}"
           if t.get("projected") else "measured") + " |"
        for stem, t in sorted(times.items()))
    md = f"""
## Notebooks at their defaults

`papermill notebooks/NAME.ipynb out.ipynb` with no parameters (built-in scenes, no data file),
a fresh kernel each, on {os.cpu_count()} cores.

| notebook | wall time | how |
|---|---|---|
{rows}
"""
    write_bench("notebook_defaults", {"notebooks": times, "cpus": os.cpu_count()}, md)


if __name__ == "__main__":
    main()
