# hsinb: the two set-up commands of the README are `make demo` and `make test`.
PYTHON ?= python3
HSINB_DATA ?= $(abspath ../shared/data)
export HSINB_DATA

.PHONY: install demo test lint bench sync-notebooks

# torch first, so that the package's `torch>=2.2` requirement is already met: a bare
# `torch` requirement pulls GBs of CUDA wheels on a CPU-only machine. Where pip's default
# index serves the CUDA build, use the CPU index:
#   make demo TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu"
# On a GPU machine install the CUDA build of torch yourself first; it is then kept.
TORCH_SPEC ?= torch==2.13.0
TORCH_PIP_ARGS ?=
install:
	$(PYTHON) -c "import torch" 2>/dev/null || $(PYTHON) -m pip install -q $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	$(PYTHON) -m pip install -q -e ".[dev]"

# The main job: notebook 01 on the built-in demo scene (no download needed).
demo: install
	mkdir -p results/runs/demo
	$(PYTHON) -m papermill notebooks/01_data_exploration.ipynb results/runs/demo/01_data_exploration.ipynb -p scene demo
	@echo "executed notebook: results/runs/demo/01_data_exploration.ipynb"

test: install
	$(PYTHON) -m pytest -q

lint:
	$(PYTHON) -m ruff check hsinb tests benchmarks

bench: install
	$(PYTHON) benchmarks/bench_patches.py
	$(PYTHON) benchmarks/bench_simulator.py

sync-notebooks:
	$(PYTHON) -m jupytext --sync notebooks/*.py
