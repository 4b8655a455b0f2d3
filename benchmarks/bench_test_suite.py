"""Wall time of the whole test suite (target: <= 5 minutes on 2 cores).

Runs ``pytest -q -n 2 --dist worksteal`` in a subprocess, as ``make test`` and CI do
(``HSINB_OFFLINE=1``, ``CI=true``), and records the time, the
outcome line and the slowest tests. Usage: python benchmarks/bench_test_suite.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from _common import REPO, write_bench


def main() -> None:
    env = dict(os.environ)
    env.setdefault("HSINB_DATA", str(REPO.parent / "shared" / "data"))
    env.setdefault("MPLBACKEND", "Agg")
    env["CI"] = "true"
    env["HSINB_OFFLINE"] = "1"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "worksteal", "--durations=8"], cwd=REPO,
                          env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    lines = proc.stdout.strip().splitlines()
    outcome = lines[-1] if lines else ""
    slow = [ln for ln in lines if re.match(r"^\d+\.\d+s (call|setup|teardown)", ln)]
    result = {"seconds": seconds, "returncode": proc.returncode, "outcome": outcome,
              "slowest": slow, "cpus": os.cpu_count()}
    md = f"""
## Test suite wall time

`pytest -q -n 2` (make test) on {os.cpu_count()} cores: **{seconds:.0f} s** ({seconds / 60:.1f} min; target <= 5 min).
Outcome: `{outcome}`

Slowest:
""" + "\n".join(f"- `{s}`" for s in slow)
    write_bench("test_suite", result, md)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
