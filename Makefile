# hsinb: the two set-up commands of the README are `make demo` and `make test`.
PYTHON ?= python3
HSINB_DATA ?= $(abspath ../shared/data)
export HSINB_DATA

.PHONY: install demo test lint bench sync-notebooks

# CPU build of torch first (a bare `torch` requirement would pull GBs of CUDA wheels);
# on a GPU machine install the CUDA build of torch yourself before `make install`.
install:
	$(PYTHON) -c "import torch" 2>/dev/null || $(PYTHON) -m pip install -q torch==2.13.0
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
