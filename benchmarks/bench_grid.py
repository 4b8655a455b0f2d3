"""Wall time and peak memory of a whole result grid (issue 4: the A1 grid on 2 CPU cores).

Runs an ``hsinb run NAME ...`` or ``hsinb grid ...`` command (everything after ``--``) in a
subprocess from an empty encoder cache, samples the resident memory of its whole process tree (runner, workers, kernels)
every 0.5 s, and records wall time, the peak of the tree's summed RSS and the number of
runs. The grid's own records land where the grid command says (e.g. ``results/runs/``).

    python benchmarks/bench_grid.py --name a1_grid_cpu -- run A1_paviaU-sim --notebook
    python benchmarks/bench_grid.py --name my_grid -- grid notebooks/04_barlow.ipynb \\
        results/runs/my_grid -p scene salinas_a -p K 5 10 -p seed 0 1 2 3 4
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import write_bench


def tree_rss_mb(root: int) -> float:
    """Summed RSS (MiB) of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = resource.getpagesize()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{d}/statm") as f:
                rss[int(d)] = int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", required=True, help="results/bench/<name>.json|md")
    ap.add_argument("--keep-cache", action="store_true", help="reuse cached encoders (not a fair timing)")
    ap.add_argument("grid", nargs=argparse.REMAINDER, help="-- then `run NAME ...` or `grid TARGET OUT ...`")
    args = ap.parse_args()
    grid_args = args.grid[1:] if args.grid[:1] == ["--"] else args.grid
    if grid_args[:1] == ["run"]:
        from hsinb.runner.catalog import default_results, load_experiment

        folders = sorted({p.out for p in load_experiment(grid_args[1]).plan(default_results())})
    elif grid_args[:1] == ["grid"]:
        folders = [Path(grid_args[2])]
    else:
        sys.exit("after -- give `run NAME ...` or `grid TARGET OUT ...` (an hsinb command)")
    for out_dir in folders:
        if (out_dir / "records").exists() and any((out_dir / "records").glob("*.json")):
            sys.exit(f"{out_dir}/records already holds runs: a timing needs empty grid folders")
    env = dict(os.environ)
    cache = None
    if not args.keep_cache:
        cache = tempfile.mkdtemp(prefix="hsinb-bench-encoders-")
        env["HSINB_ENCODER_CACHE"] = cache
    cmd = [sys.executable, "-m", "hsinb.cli", *grid_args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.5)
    wall = time.perf_counter() - t0
    if cache:
        shutil.rmtree(cache, ignore_errors=True)
    n_runs = sum(len(list((d / "records").glob("*.json"))) for d in folders)
    n_failed = sum(len(list((d / "failed").glob("*.txt"))) for d in folders)
    result = {"grid_command": "hsinb " + " ".join(grid_args), "exit_code": proc.returncode,
              "wall_s": wall, "peak_tree_rss_mb": peak, "runs": n_runs, "failed": n_failed,
              "cpu_count": os.cpu_count()}
    md = f"""# Grid wall time and memory: {args.name}

`hsinb {' '.join(grid_args)}`

| runs recorded | failed | wall time | per run | peak RSS of the process tree | cores |
|---|---|---|---|---|---|
| {n_runs} | {n_failed} | {wall / 60:.1f} min | {wall / max(n_runs, 1):.0f} s | {peak / 1024:.2f} GiB | {os.cpu_count()} |

Encoders pre-trained from scratch (empty cache) unless `--keep-cache`; exit code {proc.returncode}.
"""
    write_bench(args.name, result, md)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
