"""Cost of a result grid measured on its own run records (for grids that span several sessions).

`bench_grid.py` times a grid that runs uninterrupted from an empty folder; a grid that is
stopped and resumed across sessions cannot be timed that way. This script sums the
``wall_time_s`` of every recorded run instead, per cell (e.g. backbone × transform set), and
projects the whole grid as each cell's mean run time × its planned runs, divided by the
workers. That is a lower bound on the wall time (perfect packing, kernel start-up left out).

    python benchmarks/bench_grid_records.py --name c_grid_samson_cpu_records --workers 2 \\
        results/runs/C_samson/records --runs-per-cell 5 \\
        -p backbone luo hamida li atik varahagiri -p transforms none spectral spatial spectral+spatial

Several records folders cost one grid across them (add the parameter that tells them apart,
e.g. ``-p scene samson synthetic-c``).
"""

from __future__ import annotations

import argparse

from _common import write_bench

from hsinb.tables import time_from_records, to_markdown


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("records", nargs="+", help="one or more records folders")
    ap.add_argument("--name", required=True, help="results/bench/<name>.json|md")
    ap.add_argument("--workers", type=int, required=True, help="runs at once in the grid")
    ap.add_argument("--runs-per-cell", type=int, required=True, help="seeds planned per cell")
    ap.add_argument("-p", nargs="+", action="append", required=True, metavar=("NAME", "VALUE"),
                    help="a parameter that makes a cell, and its planned values")
    args = ap.parse_args()
    planned = {name: [_value(v) for v in values] for name, *values in args.p}
    table, summary = time_from_records(args.records, planned, args.runs_per_cell, args.workers)
    shown = table.assign(mean_s=table["mean_s"].round(1), total_s=table["total_s"].round(0))
    hours = summary["core_s"] / 3600
    if summary["projected_wall_s"] is None:
        projection = (f"Not every cell has run yet ({int((table['n'] == 0).sum())} of {len(table)} without a "
                      "run), so there is no projection of the whole grid.")
    else:
        projection = (f"Projected whole grid (each cell's mean run × {args.runs_per_cell}): "
                      f"{summary['projected_core_s'] / 3600:.1f} core-hours, so at least "
                      f"**{summary['projected_wall_s'] / 3600:.1f} h** on {args.workers} workers.")
    where = ", ".join(f"`{r}`" for r in args.records)
    md = (f"## Grid cost from its records: {where}\n\n"
          f"{summary['runs']} of {summary['planned_runs']} planned runs recorded, {hours:.2f} core-hours of "
          f"run wall time ({hours / args.workers:.2f} h on {args.workers} workers at perfect packing). "
          f"{projection} Run wall time is measured inside each run (the kernel start-up of each run "
          "is left out).\n\n" + to_markdown(shown))
    records = args.records if len(args.records) > 1 else args.records[0]
    write_bench(args.name, {"records": records, "planned": planned, "runs_per_cell": args.runs_per_cell,
                            **summary, "cells": table.to_dict(orient="records")}, md)


def _value(text: str):
    """A command-line value as the records hold it: 20 -> int, 0.5 -> float, true -> bool, else str."""
    import json

    try:
        return json.loads(text)
    except ValueError:
        return text


if __name__ == "__main__":
    main()
