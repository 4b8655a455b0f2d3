"""Time and peak memory of the scene simulator.

Cases: a PaviaU-sized stand-in (the real 610 x 340 PaviaU label map, 103 ROSIS bands)
and the default ``demo`` scene. Each case runs in a fresh subprocess so that its peak
resident memory (``ru_maxrss``) is its own; the time is the best of ``--repeats`` builds
after imports and data loading. Writes ``results/bench/simulator.json`` and a one-line
``simulator.md`` (atomically).

    python benchmarks/bench_simulator.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "results" / "bench"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


from _common import write_bench  # noqa: E402


def run_case(case: str, repeats: int) -> dict:
    """Build one case ``repeats`` times in this process; return timings and memory."""
    import numpy as np

    if case == "paviaU_standin":
        from hsinb.scenes import get_spec, load_label_maps
        from hsinb.scenes.library import load_usgs_library
        from hsinb.scenes.simulate import make_standin

        labels, _ = load_label_maps("paviaU")
        spec = get_spec("paviaU")
        names, wl = list(spec.class_names), spec.wavelengths()
        lib = load_usgs_library()

        def build():
            return make_standin(
                "paviaU", labels, {}, names, wl, difficulty=1.0, seed=0, library=lib
            )

    elif case == "demo":
        from hsinb.scenes.simulate import make_demo_scene

        def build():
            return make_demo_scene(seed=0)

    else:
        raise SystemExit(f"unknown case {case!r}")
    rss_before = _rss_mb()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        scene = build()
        times.append(time.perf_counter() - t0)
        shape = list(scene.cube.shape)
        del scene
    return {
        "case": case,
        "shape": shape,
        "seconds_best": min(times),
        "seconds_all": times,
        "peak_rss_mb": _rss_mb(),
        "rss_before_build_mb": rss_before,
        "cube_mb": float(np.prod(shape)) * 4 / 2**20,
    }


def run_in_subprocess(case: str, repeats: int) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--case", case, "--repeats", str(repeats)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", help="(internal) run one case and print JSON")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.repeats)))
        return
    import numpy as np

    cases = {c: run_in_subprocess(c, args.repeats) for c in ("paviaU_standin", "demo")}
    record = {
        "benchmark": "simulator",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "cpu_count": os.cpu_count(),
        },
        "cases": cases,
    }
    p, d = cases["paviaU_standin"], cases["demo"]
    md = f"""
## Simulator: generating scenes

| scene | shape | seconds (best of {args.repeats}) | peak RSS (MB) |
|---|---|---|---|
| paviaU-sim stand-in (real PaviaU label map) | {'x'.join(map(str, p['shape']))} | {p['seconds_best']:.2f} | {p['peak_rss_mb']:.0f} |
| demo | {'x'.join(map(str, d['shape']))} | {d['seconds_best']:.2f} | {d['peak_rss_mb']:.0f} |

Targets: a PaviaU-sized stand-in in <= 10 s and <= 2 GB on {os.cpu_count()} cores.
"""
    write_bench("simulator", record, md)


if __name__ == "__main__":
    main()
