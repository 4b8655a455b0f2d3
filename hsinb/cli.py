"""Command line: ``hsinb list | run | tables | scenes | fetch | grid | aggregate | check-c |
calibrate | report``.

Examples::

    hsinb list                              # the declared experiments, runs recorded / missing
    hsinb run A_real --only scene=samson    # what is missing of one, on a local pool
    hsinb run C_samson --executor tcp://10.0.0.5:8786   # on a running Dask scheduler
    hsinb tables A_real                     # its tables from the records
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
from pathlib import Path


def _value(text: str):
    """Parse a command-line value: Python literal when it is one, else the string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _command(argv: list[str]) -> str:
    return "hsinb " + " ".join(shlex.quote(x) for x in argv)


def cmd_scenes(args: argparse.Namespace) -> int:
    """Print every known scene and whether it can be loaded on this machine: its files found
    (in the folders ``HSINB_DATA`` and the cache name), downloadable, or built in."""
    from .scenes import SCENES, SIMULATED_SCENES
    from .scenes.fetch import find_file, search_dirs, source_url
    from .scenes.registry import stands_in_for

    def status(files: list[str]) -> str:
        missing = [f for f in files if find_file(f) is None]
        if not missing:
            return "here"
        if all(source_url(f) for f in missing):
            return "download (hsinb fetch)"
        return "missing: " + ", ".join(missing)

    library = "usgs_library/USGS_1995_Library.mat"
    print("searched for files: " + ", ".join(str(d) for d in search_dirs()))
    for name, spec in SCENES.items():
        h, w, b = spec.shape
        files = [spec.cube_file] + ([spec.labels_file] if spec.labels_file else [])
        print(f"{name:22s} real       {spec.sensor:10s} {h}x{w}x{b:<4d} {len(spec.class_names):2d} classes  "
              f"{status(files)}")
    for name in SIMULATED_SCENES:
        if name == "demo":
            where = "built in"
        elif name == "synthetic-c":
            where = status([library])
        else:
            spec = SCENES[stands_in_for(name)]
            maps = [spec.splits[k][0] for k in spec.labels_sum_of] or [spec.labels_file or spec.cube_file]
            where = status([*maps, library])
        print(f"{name:22s} simulated  {'':10s} {'':15s}  {where}")
    print("your own file: any path to a .mat (v5 or v7.3) or ENVI .hdr as the scene (cube_var, labels_var "
          "when the file is ambiguous)")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    """Find or download a scene's files and verify them."""
    from .scenes import fetch_file, get_spec, verify_file

    for rel in get_spec(args.scene).files:
        path = fetch_file(rel, args.data_dir)
        print(f"{rel}: {path} ({verify_file(path, rel)})")
    return 0


def _runner_options(args: argparse.Namespace) -> dict:
    return dict(executor=args.executor, workers=args.workers, threads_per_run=args.threads_per_run,
                attempts=args.attempts)


def cmd_grid(args: argparse.Namespace) -> int:
    """Run a notebook or a task over every combination of the parameters."""
    from .runner import run_grid

    grid = {p[0]: [_value(v) for v in p[1:]] for p in args.param}
    shard = tuple(int(x) for x in args.shard.split("/")) if args.shard else None
    report = run_grid(args.target, grid, args.out_dir, shard=shard, kernel_name=args.kernel, **_runner_options(args))
    print(report)
    return 0 if report.ok else 1


def cmd_list(args: argparse.Namespace) -> int:
    """The declared experiments, with how many of their runs are recorded."""
    from .runner.catalog import default_results, list_names, load_experiment

    results = Path(args.results) if args.results else default_results()
    print(f"{'experiment':28s} {'recorded':>9s} {'missing':>8s} {'failed':>7s}  what")
    for name in list_names():
        exp = load_experiment(name)
        s = exp.status(results)
        print(f"{name:28s} {s['recorded']:>4d}/{s['planned']:<4d} {s['missing']:>8d} {s['failed']:>7d}  "
              f"{exp.description}")
    print(f"(records under {results}; `hsinb run NAME` runs what is missing, `hsinb tables NAME` builds tables)")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Run what is missing of declared experiments (resumable)."""
    from .runner import run_experiment

    only = dict(_pair(x) for x in args.only)
    ok = True
    for name in args.names:
        report = run_experiment(name, results=args.results, notebook=args.notebook, only=only or None,
                                kernel_name=args.kernel, command=_command(args.argv), **_runner_options(args))
        print(f"{name}: {report}")
        ok &= report.ok
    return 0 if ok else 1


def cmd_tables(args: argparse.Namespace) -> int:
    """Build the tables of declared experiments from their records."""
    from .runner import build_tables

    for name in args.names:
        for path in build_tables(name, results=args.results):
            print(f"wrote {path}")
    return 0


def _pair(text: str) -> tuple[str, object]:
    name, sep, value = text.partition("=")
    if not sep:
        raise SystemExit(f"--only takes NAME=VALUE (e.g. --only scene=samson), not {text!r}")
    return name, _value(value)


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
    from .runner import build_table

    csv_path, md_path = build_table(args.records, args.out, by=args.by, metrics=args.metrics,
                                    command=_command(args.argv), paper=args.paper, baselines=args.baselines,
                                    digits=args.digits, scale=args.scale, title=args.title, note=args.note)
    print(f"wrote {csv_path} and {md_path}")
    return 0


def cmd_check_c(args: argparse.Namespace) -> int:
    """Paper C's claims, our reproduction criterion and the classical baselines, on records."""
    from .analysis.method_c_checks import write_claims_report

    for path in write_claims_report(records=args.records, paper=args.paper, out=args.out, title=args.title,
                                    baselines=args.baselines, command=_command(args.argv),
                                    baselines_required=bool(args.baselines)):
        print(f"wrote {path}")
    return 0


def _add_results_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--results", help="the results folder (default: results/ of the checkout, else ./results)")


def _add_runner_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", default="local", help="where runs execute: 'local' (a process pool, default), "
                   "a Dask scheduler address (tcp://host:8786) or a cluster config (.toml: a LocalCluster, "
                   "SLURM or PBS; see hsinb.runner.executors)")
    p.add_argument("--workers", type=int, default=None, help="runs at once (local pool and cluster configs; "
                   "default: one per core, fewer when the runs' declared memory does not fit)")
    p.add_argument("--threads-per-run", type=int, default=None, help="torch threads of each run (default: 1, "
                   "or the cores shared among --workers)")
    p.add_argument("--attempts", type=int, default=3, help="tries of a run whose worker died (default 3)")


def build_parser() -> argparse.ArgumentParser:
    """The ``hsinb`` argument parser: one subcommand per ``cmd_*`` function."""
    ap = argparse.ArgumentParser(prog="hsinb", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("scenes", help="the known scenes, and which ones this machine can load").set_defaults(func=cmd_scenes)
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
    g.add_argument("--shard", help="i/n: run every n-th combination starting at i")
    g.add_argument("--kernel")
    _add_runner_options(g)
    g.set_defaults(func=cmd_grid)
    ls = sub.add_parser("list", help="the declared experiments, with their runs recorded / missing / failed")
    _add_results_option(ls)
    ls.set_defaults(func=cmd_list)
    rn = sub.add_parser("run", help="run what is missing of declared experiments (resumable; see `hsinb list`)")
    rn.add_argument("names", nargs="+", help="experiment names (hsinb/experiments/declared/NAME.toml) or .toml files")
    rn.add_argument("--only", nargs="+", default=[], metavar="NAME=VALUE",
                    help="run only the combinations with these values (e.g. --only scene=samson seed=0)")
    rn.add_argument("--notebook", action="store_true", help="execute the notebook twin (keeps executed "
                    "notebooks) instead of the task; same records")
    _add_results_option(rn)
    rn.add_argument("--kernel")
    _add_runner_options(rn)
    rn.set_defaults(func=cmd_run)
    tb = sub.add_parser("tables", help="build the tables of declared experiments from their records")
    tb.add_argument("names", nargs="+")
    _add_results_option(tb)
    tb.set_defaults(func=cmd_tables)
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
