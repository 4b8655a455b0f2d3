"""Many runs, anywhere: declared experiments, the grid runner and its executors.

- :mod:`.catalog`: experiments declared as TOML files (``hsinb/experiments/declared/``):
  list, run what is missing, build their tables;
- :mod:`.grid`: a parameter grid → one record per combination, resumable;
- :mod:`.executors`: a local process pool, a Dask scheduler, or a cluster from a config;
- :mod:`.run_one`: the one function every executor runs (atomic, first record wins);
- :mod:`.progress`: done / running / failed / remaining and an ETA.

The runner knows nothing of methods: a target is a notebook or a ``"module:function"``.
"""

from .catalog import build_table, build_tables, list_names, load_experiment, run_experiment
from .executors import default_workers, make_executor
from .grid import GridReport, run_grid, run_key

__all__ = ["GridReport", "build_table", "build_tables", "default_workers", "list_names", "load_experiment",
           "make_executor", "run_experiment", "run_grid", "run_key"]
