"""Helpers shared by the benchmark scripts: peak memory and result files."""

from __future__ import annotations

import json
import platform
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hsinb.records import atomic_write_text, environment, git_commit  # noqa: E402

BENCH_DIR = REPO / "results" / "bench"


def rss_mb() -> float:
    """Current resident set size of this process in MiB (Linux)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux: ru_maxrss is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_bench(name: str, result: dict, summary_md: str) -> None:
    """Write ``results/bench/<name>.json`` and ``.md`` atomically, with provenance."""
    script = Path(sys.argv[0]).resolve().relative_to(REPO)
    result = {**result, "command": " ".join(["python", str(script), *sys.argv[1:]]), "git": git_commit(),
              "machine": platform.processor() or platform.machine(), **environment()}
    atomic_write_text(BENCH_DIR / f"{name}.json", json.dumps(result, indent=2) + "\n")
    atomic_write_text(BENCH_DIR / f"{name}.md", summary_md.strip() + f"\n\nProduced by: `{result['command']}`\n")
    print(summary_md)
