"""Device choice and seeding: the one place that decides where tensors live and how
random numbers start."""

from __future__ import annotations

import os
import random
import sys

import numpy as np

# must be set before CUDA initialises for deterministic cuBLAS (harmless on CPU)
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import torch  # noqa: E402


def pick_device(prefer: str | None = None) -> torch.device:
    """Return the device to compute on.

    ``prefer`` may name a device ("cpu", "cuda", "cuda:1", "mps"); otherwise the
    environment variable ``HSINB_DEVICE`` is read, and failing that the first GPU is used
    when present, else the CPU.
    """
    name = prefer or os.environ.get("HSINB_DEVICE")
    if name:
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int, deterministic: bool = True) -> np.random.Generator:
    """Seed Python, NumPy and torch (CPU and every GPU) with ``seed``.

    With ``deterministic`` torch is asked for deterministic kernels
    (``use_deterministic_algorithms(warn_only=True)``: an op without one warns instead of
    failing) and cuDNN autotuning is off, so the same seed gives the same numbers on the same
    device (tested on CPU). Returns a NumPy ``Generator`` seeded with ``seed``.
    """
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    if deterministic:
        _use_deterministic_algorithms()
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    return np.random.default_rng(seed)


def _use_deterministic_algorithms() -> None:
    """``torch.use_deterministic_algorithms(True, warn_only=True)`` without its first-call cost:
    the public call also sets ``torch._inductor.config.deterministic``, and importing that
    config takes about 3 s per process (every notebook kernel and grid run paid it). Where
    inductor is not loaded yet (no ``torch.compile`` in this process) only the kernel switch is
    set; seed again after compiling to make compiled code deterministic too."""
    if "torch._inductor.config" in sys.modules or not hasattr(torch._C, "_set_deterministic_algorithms"):
        torch.use_deterministic_algorithms(True, warn_only=True)
    else:
        torch._C._set_deterministic_algorithms(True, warn_only=True)


def torch_generator(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    """A torch ``Generator`` on ``device`` seeded with ``seed`` (for explicit, local randomness)."""
    g = torch.Generator(device=device)
    g.manual_seed(int(seed))
    return g


def describe_device(device: torch.device | str) -> str:
    """A human-readable name of ``device`` for run records ("cpu (2 threads)", GPU model)."""
    device = torch.device(device)
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    return str(device)
