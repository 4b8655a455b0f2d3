"""Command line: ``hsinb scenes | fetch | grid | aggregate | check-c | calibrate | report``.

Examples::

    hsinb scenes
    hsinb fetch paviaU                      # download + verify into the cache
    hsinb grid notebooks/03_supervised_baseline.ipynb results/runs/a1-sup \\
        -p scene paviaU-sim -p K 5 6 7 8 9 10 -p seed 0 1 2 3 4 --workers 2
    hsinb aggregate results/runs/a1-sup/records --by K --metrics supervised_OA svm_OA \\
        --out results/tables/a1_supervised
"""

from __future__ import annotations

import argparse
import ast
import shlex
import sys


def _value(text: str):
    """Parse a command-line value: Python literal when it is one, else the string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _command(argv: list[str]) -> str:
    return "hsinb " + " ".join(shlex.quote(x) for x in argv)


def cmd_scenes(args: argparse.Namespace) -> int:
    """Print the registry's real scenes (sensor, shape, classes) and the simulated ones."""
    from .scenes import SCENES, SIMULATED_SCENES

    for name, spec in SCENES.items():
        h, w, b = spec.shape
        print(f"{name:22s} real       {spec.sensor:10s} {h}x{w}x{b}  {len(spec.class_names)} classes")
    for name in SIMULATED_SCENES:
        print(f"{name:22s} simulated")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    """Find or download a scene's files and verify them."""
    from .scenes import fetch_file, get_spec, verify_file

    for rel in get_spec(args.scene).files:
        path = fetch_file(rel, args.data_dir)
        print(f"{rel}: {path} ({verify_file(path, rel)})")
    return 0


def cmd_grid(args: argparse.Namespace) -> int:
    """Run a notebook or a task over every combination of the parameters."""
    from .grid import run_grid

    grid = {p[0]: [_value(v) for v in p[1:]] for p in args.param}
    shard = tuple(int(x) for x in args.shard.split("/")) if args.shard else None
    report = run_grid(args.target, grid, args.out_dir, workers=args.workers, shard=shard, kernel_name=args.kernel)
    print(report)
    return 0 if report.ok else 1


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Calibrate (or re-check) the difficulty of ``-sim`` stand-ins."""
    from .experiments.calibration import calibrate, recheck, save_calibration

    for name in args.scenes:
        if args.recheck:
            result = recheck(name, args.recheck)
        else:
            result = calibrate(name, args.target, start=args.start, factor=args.factor,
                               seeds=tuple(range(100, 100 + args.seeds)), epochs=args.epochs,
                               test_pixels=args.test_pixels)
        print(f"wrote {save_calibration(result)}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Regenerate the README's results block."""
    from pathlib import Path

    from .report import update_readme

    update_readme(Path(args.readme))
    print(f"updated the results block of {args.readme}")
    return 0


def cmd_aggregate(args: argparse.Namespace) -> int:
    """Mean ± std tables of run records, beside the papers' values and baselines' rows."""
    import pandas as pd

    from .grid import (
        aggregate,
        append_baselines,
        collect,
        constant_parameters,
        format_table,
        write_table,
    )

    runs = collect(args.records)
    by = list(args.by)
    if "scene" in runs.columns and "scene" not in by:
        by.insert(0, "scene")  # every table names its scene, so a -sim one says so
    agg = aggregate(runs, by, args.metrics, args.scale)
    paper = pd.read_csv(args.paper) if args.paper else None
    table = format_table(agg, by, args.metrics, paper, args.digits)
    if args.baselines:
        table = append_baselines(table, collect(args.baselines), by, args.metrics, digits=args.digits,
                                 scale=args.scale)
    note = args.note
    if "scene" in table and table["scene"].astype(str).str.endswith("-sim").any():
        note = ("Scenes named *-sim are SIMULATED stand-ins (real label map, simulated "
                "spectra): their numbers are not numbers for the real scenes. " + note)
    fixed = constant_parameters(runs, exclude=[*by, "seed"])
    if fixed:
        which = "Same in every run above the classical rows" if args.baselines else "Same in every run"
        note = (note + f"\n\n{which}: " + ", ".join(f"{k}={v}" for k, v in fixed.items()) + ".").strip()
    csv_path, md_path = write_table(table, args.out, _command(args.argv), note, title=args.title)
    print(f"wrote {csv_path} and {md_path}")
    return 0


def cmd_check_c(args: argparse.Namespace) -> int:
    """Paper C's claims, our reproduction criterion and the classical baselines, on records."""
    import pandas as pd

    from .analysis.method_c_checks import claims_report
    from .grid import collect
    from .records import atomic_write_text

    baselines = collect(args.baselines) if args.baselines else None
    md = claims_report(collect(args.records), pd.read_csv(args.paper), args.title, _command(args.argv),
                       baselines=baselines)
    print(f"wrote {atomic_write_text(f'{args.out}.md', md)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``hsinb`` argument parser: one subcommand per ``cmd_*`` function."""
    ap = argparse.ArgumentParser(prog="hsinb", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("scenes", help="list the known scenes").set_defaults(func=cmd_scenes)
    f = sub.add_parser("fetch", help="find or download (and verify) a scene's files")
    f.add_argument("scene")
    f.add_argument("--data-dir")
    f.set_defaults(func=cmd_fetch)
    g = sub.add_parser("grid", help="run a notebook (papermill) or a task function over a parameter grid")
    g.add_argument("target", help="a notebook .ipynb, or a task 'module:function' "
                   "(e.g. hsinb.experiments.method_a:method_a_task, the batch twin of 04_barlow)")
    g.add_argument("out_dir")
    g.add_argument("-p", "--param", nargs="+", action="append", default=[], metavar=("NAME", "VALUE"),
                   help="a parameter and its value(s); repeat for each parameter")
    g.add_argument("--workers", type=int, default=None, help="runs at once (default: half the cores)")
    g.add_argument("--shard", help="i/n: run every n-th combination starting at i")
    g.add_argument("--kernel")
    g.set_defaults(func=cmd_grid)
    c = sub.add_parser("calibrate", help="calibrate the difficulty of *-sim stand-ins (see "
                       "hsinb.experiments.calibration)")
    c.add_argument("scenes", nargs="+", help="e.g. paviaU-sim houston2013-sim")
    c.add_argument("--target", type=float, help="target OA in %% (default: the registered target)")
    c.add_argument("--epochs", type=int, default=100)
    c.add_argument("--test-pixels", type=int, default=4000)
    c.add_argument("--start", type=float, default=1.0, help="first difficulty of the ladder")
    c.add_argument("--factor", type=float, default=2.0, help="ladder step (multiply / divide)")
    c.add_argument("--seeds", type=int, default=2, help="split seeds per rung (100, 101, ...)")
    c.add_argument("--recheck", type=int, metavar="N",
                   help="only re-measure the recorded difficulty with N check split seeds")
    c.set_defaults(func=cmd_calibrate)
    r = sub.add_parser("report", help="regenerate the README's results block from results/")
    r.add_argument("--readme", default="README.md")
    r.set_defaults(func=cmd_report)
    k = sub.add_parser("check-c", help="paper C's claims on method-C records: the ordering of transform sets "
                       "and every cell at or above the paper")
    k.add_argument("records")
    k.add_argument("--paper", required=True, help="e.g. results/paper/C_tables3-4_samson.csv")
    k.add_argument("--out", required=True, help="output stem: writes <out>.md")
    k.add_argument("--title", default="")
    k.add_argument("--baselines", help="records of the classical baselines on the same test tiles "
                   "(hsinb.experiments.regression_baselines): adds the paired comparison with the best one")
    k.set_defaults(func=cmd_check_c)
    a = sub.add_parser("aggregate", help="mean ± std tables from run records")
    a.add_argument("records")
    a.add_argument("--by", nargs="+", required=True)
    a.add_argument("--metrics", nargs="+", required=True)
    a.add_argument("--scale", type=float, default=1.0)
    a.add_argument("--digits", type=int, default=1)
    a.add_argument("--paper", help="CSV of published values with the --by columns and metric columns")
    a.add_argument("--out", required=True, help="output stem: writes <out>.csv and <out>.md")
    a.add_argument("--baselines", help="records of classical baselines (one run per value of their 'baseline' "
                   "parameter and seed): their rows are added below the table")
    a.add_argument("--note", default="")
    a.add_argument("--title", default="", help="a heading for the Markdown table")
    a.set_defaults(func=cmd_aggregate)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand. The package's own errors end the command with one line naming the
    problem (exit status 1); ``--debug`` shows their traceback instead."""
    from .errors import HsinbError

    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    args.argv = argv
    try:
        return args.func(args)
    except HsinbError as err:
        if args.debug:
            raise
        raise SystemExit(f"hsinb {args.cmd}: {err}") from err


if __name__ == "__main__":
    raise SystemExit(main())
