"""Executors: resources per run (threads, GPUs, memory) and cluster configs."""

from __future__ import annotations

import pytest

from hsinb.errors import InvalidParameterError
from hsinb.runner import executors
from hsinb.runner.executors import (
    default_workers,
    gpu_for_slot,
    make_executor,
    read_cluster_config,
    visible_gpus,
)


def test_default_workers_use_every_core_unless_memory_is_short(monkeypatch):
    monkeypatch.setattr(executors.os, "cpu_count", lambda: 16)
    monkeypatch.setattr(executors, "available_memory_gb", lambda: 100.0)
    assert default_workers() == 16
    assert default_workers(threads_per_run=4) == 4
    assert default_workers(memory_gb_per_run=30.0) == 3  # 100 GiB free, 30 GiB a run
    monkeypatch.setattr(executors, "available_memory_gb", lambda: 1.0)
    assert default_workers(memory_gb_per_run=30.0) == 1  # never zero


def test_workers_given_share_the_cores(monkeypatch):
    monkeypatch.setattr(executors.os, "cpu_count", lambda: 8)
    pool = make_executor("local", workers=2)
    assert pool.slots == 2 and pool.job_threads == 4  # 2 runs x 4 threads = 8 cores
    pool = make_executor("local", workers=2, threads_per_run=1)
    assert pool.job_threads == 1


def test_gpus_are_handed_out_in_turn(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    assert visible_gpus() == ["0", "1"]
    assert [gpu_for_slot(i, visible_gpus()) for i in range(4)] == ["0", "1", "0", "1"]
    assert gpu_for_slot(3, []) is None
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert visible_gpus() == []


def test_a_cluster_config_is_checked(tmp_path):
    with pytest.raises(InvalidParameterError, match="no cluster config"):
        read_cluster_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('kind = "kubernetes"\n')
    with pytest.raises(InvalidParameterError, match="not one of local, slurm, pbs"):
        read_cluster_config(bad)
    bad.write_text('kind = "slurm"\nqueue = "gpu"\n')
    with pytest.raises(InvalidParameterError, match=r"unknown keys \['queue'\].*\[options\]"):
        read_cluster_config(bad)


def test_a_slurm_config_makes_one_run_per_worker_jobs(tmp_path):
    """The job script dask-jobqueue would submit (nothing is submitted: 0 jobs)."""
    pytest.importorskip("dask_jobqueue")
    from hsinb.runner.executors import cluster_from_config

    config = {"kind": "slurm", "workers": 0, "threads_per_run": 4,
              "options": {"queue": "gpu", "walltime": "02:00:00", "processes": 2, "memory": "32GB",
                          "job_extra_directives": ["--gres=gpu:2"], "scheduler_options": {"host": "127.0.0.1"}}}
    cluster, one_run_per_worker = cluster_from_config(config)
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    assert one_run_per_worker
    assert "#SBATCH -p gpu" in script and "#SBATCH --gres=gpu:2" in script and "#SBATCH -t 02:00:00" in script
    assert "--resources run=1" in script and "--nworkers 2" in script and "--nthreads 4" in script
    assert "PRE_SPAWN_ENVIRON__MALLOC_MMAP_THRESHOLD_" in script  # not Dask's slow allocator setting


@pytest.mark.parametrize("name", ["laptop", "slurm", "pbs"])
def test_the_shipped_cluster_configs_are_valid(name):
    config = read_cluster_config(name)  # a bare name finds runner/clusters/<name>.toml
    assert config["kind"] in ("local", "slurm", "pbs") and config["threads_per_run"] >= 1
