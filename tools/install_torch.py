"""Install torch without pulling multi-GB CUDA wheels onto a machine with no GPU.

Used by ``make install``: if torch is already importable nothing happens. Otherwise pip is
asked (``--dry-run --report``) what ``torch==VERSION`` would install; on a machine without
an NVIDIA GPU, a resolution that includes CUDA packages (``nvidia-*``) is refused with the
command to use instead (the CPU index), before anything is downloaded.

Usage: python tools/install_torch.py [VERSION] [extra pip args...]
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile

CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def main() -> int:
    version = sys.argv[1] if len(sys.argv) > 1 else "2.13.0"
    extra = sys.argv[2:]
    if importlib.util.find_spec("torch") is not None:
        return 0
    spec = f"torch=={version}"
    pip = [sys.executable, "-m", "pip", "install", "-q", *extra]
    if shutil.which("nvidia-smi") is None:
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            subprocess.run([*pip, "--dry-run", "--ignore-installed", "--report", report.name, spec], check=True)
            plan = json.load(open(report.name))
        names = [item["metadata"]["name"].lower() for item in plan.get("install", [])]
        cuda = [n for n in names if n.startswith("nvidia-") or n == "triton"]
        if cuda:
            print(f"Refusing to install {spec}: on this machine (no NVIDIA GPU) pip would also pull the "
                  f"CUDA packages {', '.join(cuda[:4])}... (several GB). Install the CPU build instead:\n"
                  f"  make install TORCH_PIP_ARGS=\"--index-url {CPU_INDEX}\"", file=sys.stderr)
            return 1
    return subprocess.run([*pip, spec]).returncode


if __name__ == "__main__":
    raise SystemExit(main())
