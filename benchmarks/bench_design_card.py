"""Wall time of notebook 04's design-card call at its defaults (issue 17: at most 5 minutes on
a 2-core CPU): ``papermill notebooks/04_barlow.ipynb out.ipynb -p K 7``, from an empty encoder
cache, in a subprocess whose process tree's peak memory is sampled (as bench_grid.py does).

    python benchmarks/bench_design_card.py            # -> results/bench/design_card_cpu.*
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, write_bench
from bench_grid import tree_rss_mb

TARGET_S = 300.0


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="hsinb-design-card-"))
    env = dict(os.environ, HSINB_ENCODER_CACHE=str(work / "encoders"))
    out = work / "04_barlow.ipynb"
    cmd = [sys.executable, "-m", "papermill", str(REPO / "notebooks" / "04_barlow.ipynb"), str(out), "-p", "K", "7",
           "--cwd", str(REPO / "notebooks")]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.5)
    wall = time.perf_counter() - t0
    budget = ""
    if proc.returncode == 0:
        cells = json.loads(out.read_text())["cells"]
        text = "".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))
        budget = next((line for line in text.splitlines() if line.startswith("pre-training budget")), "")
    shutil.rmtree(work, ignore_errors=True)
    result = {"call": "papermill notebooks/04_barlow.ipynb out.ipynb -p K 7", "exit_code": proc.returncode,
              "wall_s": wall, "target_s": TARGET_S, "within_target": wall <= TARGET_S, "peak_tree_rss_mb": peak,
              "budget": budget, "cpu_count": os.cpu_count()}
    md = f"""# Notebook 04's design-card call on this CPU

`papermill notebooks/04_barlow.ipynb out.ipynb -p K 7` (demo scene, defaults, empty encoder cache)

| wall time | target | within | peak RSS of the process tree | cores |
|---|---|---|---|---|
| {wall / 60:.2f} min ({wall:.0f} s) | {TARGET_S / 60:.0f} min | {'yes' if wall <= TARGET_S else 'NO'} | {peak / 1024:.2f} GiB | {os.cpu_count()} |

The run's own line: {budget or '(the notebook failed: exit code ' + str(proc.returncode) + ')'}
"""
    write_bench("design_card_cpu", result, md)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
