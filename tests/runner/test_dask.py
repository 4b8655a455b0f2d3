"""The runner on a real Dask scheduler (``dask.distributed``, two worker processes on
loopback): the same records as the local pool, a killed worker loses nothing, and a rerun
does only what is missing."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

from hsinb.runner import make_executor, run_grid

distributed = pytest.importorskip("distributed")

TASK = '''
import json
import os
import time
from pathlib import Path


def slow_task(x=1, seed=0, sleep=0.0, record_path=None):
    time.sleep(sleep)
    Path(record_path).write_text(json.dumps({"params": {"x": x, "seed": seed}, "seed": seed,
                                             "metrics": {"y": 3 * x + seed,
                                                         "threads": int(os.environ["OMP_NUM_THREADS"])},
                                             "wall_time_s": sleep}))
'''
GRID = {"x": [1, 2, 3, 4], "seed": [0, 1]}


@pytest.fixture
def slow_task(tmp_path, monkeypatch):
    (tmp_path / "hsinb_slow_task.py").write_text(TASK)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    return "hsinb_slow_task:slow_task"


@pytest.fixture
def dask_cluster(tmp_path):
    """A 2-worker LocalCluster on loopback, built from a cluster config as users write it."""
    config = tmp_path / "cluster.toml"
    config.write_text('kind = "local"\nworkers = 2\nthreads_per_run = 1\n'
                      '[options]\nhost = "127.0.0.1"\ndashboard_address = ":0"\n')
    executor = make_executor(str(config))
    yield executor
    executor.close()


def _records(folder):
    return sorted((json.loads(p.read_text())["params"]["x"], json.loads(p.read_text())["params"]["seed"],
                   json.loads(p.read_text())["metrics"]["y"]) for p in (folder / "records").glob("*.json"))


def test_dask_makes_the_same_records_as_the_local_pool_and_resumes(slow_task, dask_cluster, tmp_path):
    local = run_grid(slow_task, GRID, tmp_path / "local", workers=2, progress=False)
    on_dask = run_grid(slow_task, GRID, tmp_path / "dask", executor=dask_cluster, progress=False)
    assert local.ok and on_dask.ok and len(on_dask.done) == 8
    assert _records(tmp_path / "local") == _records(tmp_path / "dask")
    assert sorted(p.name for p in (tmp_path / "local/records").iterdir()) == \
        sorted(p.name for p in (tmp_path / "dask/records").iterdir())  # same keys, no temporaries
    threads = {json.loads(p.read_text())["metrics"]["threads"] for p in (tmp_path / "dask/records").glob("*.json")}
    assert threads == {1}  # the worker's threads: one run per worker, never more threads than cores
    for p in sorted((tmp_path / "dask/records").glob("*.json"))[:3]:  # an interrupted grid
        p.unlink()
    again = run_grid(slow_task, GRID, tmp_path / "dask", executor=dask_cluster, progress=False)
    assert len(again.done) == 3 and len(again.skipped) == 5


def test_killing_a_dask_worker_mid_grid_loses_no_run(slow_task, dask_cluster, tmp_path):
    client = dask_cluster.client
    pids = client.run(os.getpid)

    def kill_one():
        time.sleep(1.0)  # the first runs are under way (each sleeps 0.8 s)
        os.kill(next(iter(pids.values())), 9)

    killer = threading.Thread(target=kill_one)
    killer.start()
    report = run_grid(slow_task, {**GRID, "sleep": [0.8]}, tmp_path / "runs", executor=dask_cluster, progress=False)
    killer.join()
    assert report.ok and len(report.done) == 8, report.failed
    assert len(list((tmp_path / "runs/records").glob("*.json"))) == 8
    assert not [p for p in (tmp_path / "runs/records").iterdir() if p.name.startswith(".")]
    assert set(client.run(os.getpid).values()) != set(pids.values())  # the nanny replaced the killed worker


def test_the_dashboard_address_is_known(dask_cluster):
    assert dask_cluster.dashboard and dask_cluster.dashboard.startswith("http")


def test_cluster_workers_keep_the_allocator_of_the_local_pool(dask_cluster):
    """Dask's MALLOC_TRIM_THRESHOLD_ slows torch runs down; the clusters built here drop it."""
    from hsinb.runner.executors import slow_malloc_workers

    assert not slow_malloc_workers(dask_cluster.client)
