"""Where the runs of a grid execute, chosen by one option (``--executor``):

- ``local`` (default): a process pool on this machine;
- ``tcp://host:8786`` (any scheduler address): a running Dask scheduler and its workers;
- ``cluster.toml``: a Dask cluster built from a small config, a ``LocalCluster`` on a
  laptop or SLURM / PBS jobs through ``dask-jobqueue`` (see :func:`cluster_from_config`);
  a bare name (``laptop``, ``slurm``, ``pbs``) is one of the examples in ``runner/clusters/``.

Every executor runs the same function (:func:`hsinb.runner.run_one.run_one`) on the same
jobs, so executed notebooks, records and tables are the same whichever ran them. None of
them is a scheduler: the local pool is :class:`concurrent.futures.ProcessPoolExecutor`,
the others are ``dask.distributed``.

Resources: each run gets ``threads_per_run`` torch threads and one run executes per worker
slot, so runs never oversubscribe cores; with GPUs each worker is given one of them
(``CUDA_VISIBLE_DEVICES``) in turn. Fault tolerance: on Dask a worker that dies mid-run
loses only that run, which Dask reschedules itself (``distributed.scheduler.allowed-failures``);
the local pool breaks as a whole when one of its processes dies, so it restarts and retries
every run that was in flight. A run is tried up to ``attempts`` times in all and then
recorded as failed with its error.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from ..errors import InvalidParameterError
from .run_one import Job, Result, record_failure, run_one

DEFAULT_ATTEMPTS = 3  # a run whose worker died is tried this many times in all
CLUSTERS = Path(__file__).resolve().parent / "clusters"  # example cluster configs, by name


# ----------------------------------------------------------------------------- resources
def visible_gpus() -> list[str]:
    """GPU ids this process may hand out: ``CUDA_VISIBLE_DEVICES`` when set, else the
    ``/dev/nvidia<N>`` devices (no torch import needed)."""
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is not None:
        return [g for g in env.split(",") if g.strip() and g.strip() != "-1"]
    return sorted((p.name[len("nvidia"):] for p in Path("/dev").glob("nvidia[0-9]*")), key=int)


def available_memory_gb() -> float | None:
    """Memory available for new processes (GiB), from /proc/meminfo; None elsewhere."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def default_workers(*, threads_per_run: int = 1, memory_gb_per_run: float | None = None) -> int:
    """Runs at once on this machine: one per ``threads_per_run`` cores, fewer when the
    runs' declared memory would not fit in the memory available now; at least 1."""
    workers = max(1, (os.cpu_count() or 1) // max(1, threads_per_run))
    free = available_memory_gb()
    if memory_gb_per_run and free:
        workers = min(workers, max(1, int(free // memory_gb_per_run)))
    return workers


def gpu_for_slot(slot: int, gpus: list[str]) -> str | None:
    """The GPU of worker ``slot`` (round robin), or None without GPUs."""
    return gpus[slot % len(gpus)] if gpus else None


# ----------------------------------------------------------------------------- local pool
def _init_local_worker(counter, gpus: list[str]) -> None:
    """Pool initializer: take the next worker slot, and its GPU."""
    with counter.get_lock():
        slot = counter.value
        counter.value += 1
    gpu = gpu_for_slot(slot, gpus)
    if gpu is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = gpu


class LocalPool:
    """A process pool on this machine (spawned processes: a caller with torch threads
    running, such as a notebook, cannot be forked safely)."""

    name = "local"

    def __init__(self, *, workers: int, threads_per_run: int, gpus: list[str] | None = None,
                 attempts: int = DEFAULT_ATTEMPTS):
        self.slots, self.threads_per_run, self.attempts = workers, threads_per_run, attempts
        self.gpus = visible_gpus() if gpus is None else list(gpus)
        self.dashboard = None

    @property
    def job_threads(self) -> int:
        return self.threads_per_run

    def describe(self) -> str:
        gpu = f", GPUs {','.join(self.gpus)} in turn" if self.gpus else ""
        return f"local pool: {self.slots} workers x {self.threads_per_run} torch threads{gpu}"

    def _pool(self) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(max_workers=self.slots, mp_context=ctx, initializer=_init_local_worker,
                                   initargs=(ctx.Value("i", 0), self.gpus))

    def run(self, jobs: Iterable[Job], on_result: Callable[[Job, Result], None]) -> None:
        todo = list(jobs)
        tries: dict[str, int] = {}
        while todo:
            broken: list[Job] = []
            with self._pool() as pool:
                pending = {}
                for job in todo:
                    pending[pool.submit(run_one, job)] = job
                todo = []
                try:
                    while pending:
                        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                        for f in finished:
                            job = pending.pop(f)
                            try:
                                on_result(job, f.result())
                            except BrokenProcessPool:  # a worker died (memory, signal): the pool is gone
                                broken.append(job)
                except KeyboardInterrupt:
                    for f in pending:
                        f.cancel()
                    raise
            for job in broken:  # every run of a broken pool is tried again, up to `attempts` in all
                tries[job.key] = tries.get(job.key, 1) + 1
                if tries[job.key] <= self.attempts:
                    todo.append(job)
                else:
                    error = f"the worker process died in each of {self.attempts} attempts (memory? a signal?)"
                    record_failure(job.out, job.key, job.params, error)
                    on_result(job, Result(job.key, error, 0.0))

    def close(self) -> None:
        pass


# ----------------------------------------------------------------------------- dask
class DaskExecutor:
    """Runs on the workers of a ``dask.distributed`` client; ``cluster`` (owned, closed with
    the executor) when the executor built it from a config."""

    def __init__(self, client, *, cluster=None, one_run_per_worker: bool = False, attempts: int = DEFAULT_ATTEMPTS):
        self.client, self.cluster = client, cluster
        self.one_run_per_worker, self.attempts = one_run_per_worker, attempts
        self.name = "dask"

    @property
    def dashboard(self) -> str | None:
        return getattr(self.client, "dashboard_link", None)

    @property
    def slots(self) -> int:
        workers = self.client.scheduler_info().get("workers", {})
        if self.one_run_per_worker:
            return max(1, len(workers))
        return max(1, sum(w.get("nthreads", 1) for w in workers.values()))

    @property
    def job_threads(self) -> None:
        return None  # decided on the worker (run_one.threads_on_this_worker)

    def describe(self) -> str:
        return f"dask scheduler {self.client.scheduler.address}: {self.slots} run slots"

    def run(self, jobs: Iterable[Job], on_result: Callable[[Job, Result], None]) -> None:
        from distributed import as_completed

        resources = {"run": 1} if self.one_run_per_worker else None
        futures = {}
        for job in jobs:
            future = self.client.submit(run_one, job, key=f"hsinb-run-{job.key}-{os.urandom(3).hex()}",
                                        pure=False, resources=resources)
            futures[future] = job
        try:
            for future in as_completed(futures):
                job = futures.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker after the allowed retries, lost scheduler
                    error = f"the Dask worker running it was lost too often ({type(exc).__name__}: {exc})"
                    record_failure(job.out, job.key, job.params, error)
                    result = Result(job.key, error, 0.0)
                on_result(job, result)
        except KeyboardInterrupt:
            self.client.cancel(list(futures))
            raise

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


class GpuPerWorker:
    """A Dask worker plugin: worker ``i`` of a ``LocalCluster`` sees GPU ``gpus[i % n]``."""

    def __init__(self, gpus: list[str]):
        self.gpus = list(gpus)

    def setup(self, worker) -> None:
        try:
            slot = int(worker.name)
        except (TypeError, ValueError):
            slot = abs(hash(str(worker.name)))
        gpu = gpu_for_slot(slot, self.gpus)
        if gpu is not None:
            os.environ["CUDA_VISIBLE_DEVICES"] = gpu


CLUSTER_KINDS = ("local", "slurm", "pbs")

#: Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 (distributed.nanny.pre-spawn-environ);
#: setting it at all switches off glibc's dynamic mmap threshold, and a torch run then spends its time
#: in page faults, markedly slower in a one-off probe here (not a recorded benchmark). Clusters built here drop it
#: (LocalCluster) or raise both thresholds (jobs, whose nannies read their own config).
MALLOC_ENV = {"MALLOC_TRIM_THRESHOLD_": 2**28, "MALLOC_MMAP_THRESHOLD_": 2**25}


def slow_malloc_workers(client) -> list[str]:
    """Workers of ``client`` whose processes run with a small MALLOC_TRIM_THRESHOLD_ and no
    MALLOC_MMAP_THRESHOLD_ (Dask's default: torch runs much slower there)."""
    def check() -> bool:
        trim = os.environ.get("MALLOC_TRIM_THRESHOLD_")
        return trim is not None and int(trim) < 2**20 and "MALLOC_MMAP_THRESHOLD_" not in os.environ

    return sorted(addr for addr, slow in client.run(check).items() if slow)


def read_cluster_config(path: str | os.PathLike) -> dict[str, Any]:
    """A cluster config (TOML): ``kind`` (local, slurm or pbs), ``workers`` (worker
    processes for local; jobs for slurm / pbs), ``threads_per_run`` and ``[options]`` passed
    to ``LocalCluster`` / ``SLURMCluster`` / ``PBSCluster`` as they are (queue, account,
    walltime, memory, cores, processes, job_extra_directives, ...)."""
    import tomllib

    path = Path(path)
    if not path.is_file() and (CLUSTERS / f"{path}.toml").is_file():
        path = CLUSTERS / f"{path}.toml"
    if not path.is_file():
        names = ", ".join(sorted(p.stem for p in CLUSTERS.glob("*.toml")))
        raise InvalidParameterError(f"no cluster config {str(path)!r}: --executor takes 'local', a scheduler "
                                    f"address (tcp://host:8786), a cluster config file (.toml) or one of {names}")
    config = tomllib.loads(path.read_text())
    kind = config.get("kind", "local")
    if kind not in CLUSTER_KINDS:
        raise InvalidParameterError(f"{path}: kind {kind!r} is not one of {', '.join(CLUSTER_KINDS)}")
    unknown = sorted(set(config) - {"kind", "workers", "threads_per_run", "attempts", "options"})
    if unknown:
        raise InvalidParameterError(f"{path}: unknown keys {unknown}; the keys are kind, workers, "
                                    "threads_per_run, attempts and [options]")
    return config


def cluster_from_config(config: dict[str, Any]):
    """(cluster, one_run_per_worker) built from a config (:func:`read_cluster_config`).

    ``local``: ``workers`` processes of ``threads_per_run`` threads each, one run at a time
    per worker (resource ``run``), GPUs handed out in turn. ``slurm`` / ``pbs``: each job
    starts ``options.processes`` workers (default 1) that each declare the resource ``run``
    and ``options.cores / processes`` threads; ``workers`` jobs are requested.
    """
    import dask

    attempts = int(config.get("attempts", DEFAULT_ATTEMPTS))
    dask.config.set({"distributed.scheduler.allowed-failures": attempts - 1})
    kind, options = config.get("kind", "local"), dict(config.get("options", {}))
    threads = int(config.get("threads_per_run", 1))
    if kind == "local":
        from distributed import LocalCluster

        environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
                   if not k.startswith("MALLOC_")}
        dask.config.set({"distributed.nanny.pre-spawn-environ": environ})  # glibc's defaults, as the local pool

        workers = int(config.get("workers") or default_workers(threads_per_run=threads))
        options.setdefault("dashboard_address", ":0")
        cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                               resources={"run": 1}, **options)
        return cluster, True
    try:
        import dask_jobqueue
    except ImportError as exc:
        raise InvalidParameterError(f"a {kind} cluster needs dask-jobqueue: pip install 'hsinb[cluster]'") from exc
    cls = dask_jobqueue.SLURMCluster if kind == "slurm" else dask_jobqueue.PBSCluster
    options.setdefault("cores", threads * int(options.get("processes", 1)))
    options.setdefault("processes", 1)
    options.setdefault("memory", "8GB")
    prologue = list(options.pop("job_script_prologue", []))
    options["job_script_prologue"] = [*prologue, *(f"export DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON__{k}={v}"
                                                   for k, v in MALLOC_ENV.items())]
    extra = list(options.pop("worker_extra_args", []))
    options["worker_extra_args"] = [*extra, "--resources", "run=1"]
    cluster = cls(**options)
    cluster.scale(jobs=int(config.get("workers", 1)))
    return cluster, True


def make_executor(option: str = "local", *, workers: int | None = None, threads_per_run: int | None = None,
                  memory_gb_per_run: float | None = None, gpus: list[str] | None = None,
                  attempts: int = DEFAULT_ATTEMPTS):
    """The executor named by ``option``: ``"local"``, a scheduler address, or a cluster config."""
    option = str(option or "local")
    if option == "local":
        threads = threads_per_run or 1
        n = workers or default_workers(threads_per_run=threads, memory_gb_per_run=memory_gb_per_run)
        if threads_per_run is None and workers:  # workers given: share the cores among them
            threads = max(1, (os.cpu_count() or 1) // n)
        return LocalPool(workers=n, threads_per_run=threads, gpus=gpus, attempts=attempts)
    try:
        from distributed import Client
    except ImportError as exc:
        raise InvalidParameterError("--executor other than 'local' needs dask.distributed: "
                                    "pip install 'hsinb[cluster]'") from exc
    if "://" in option:
        client = Client(option)
        info = client.scheduler_info().get("workers", {})
        per_run = bool(info) and all("run" in (w.get("resources") or {}) for w in info.values())
        slow = slow_malloc_workers(client) if info else []
        if slow:
            import warnings

            warnings.warn(f"{len(slow)} Dask workers run with Dask's MALLOC_TRIM_THRESHOLD_ and no "
                          "MALLOC_MMAP_THRESHOLD_: torch runs can be much slower there. Start them with "
                          + " ".join(f"DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON__{k}={v}" for k, v in MALLOC_ENV.items()),
                          stacklevel=2)
        return DaskExecutor(client, one_run_per_worker=per_run, attempts=attempts)
    config = read_cluster_config(option)
    if workers:
        config["workers"] = workers
    if threads_per_run:
        config["threads_per_run"] = threads_per_run
    config.setdefault("attempts", attempts)
    cluster, per_run = cluster_from_config(config)
    client = Client(cluster)
    if config.get("kind", "local") == "local":
        found = visible_gpus() if gpus is None else list(gpus)
        if found:
            client.register_plugin(GpuPerWorker(found))
    return DaskExecutor(client, cluster=cluster, one_run_per_worker=per_run, attempts=attempts)
