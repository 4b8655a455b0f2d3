# hsinb: the two set-up commands of the README are `make demo` and `make test`.
PYTHON ?= python3
HSINB_DATA ?= $(abspath ../shared/data)
export HSINB_DATA

.PHONY: install demo test lint bench sync-notebooks

# torch first, so that the package's `torch>=2.2` requirement is already met: a bare
# `torch` requirement pulls GBs of CUDA wheels on a CPU-only machine. tools/install_torch.py
# refuses such a resolution when there is no GPU and says to use the CPU index:
#   make demo TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu"
# On a GPU machine install the CUDA build of torch yourself first; it is then kept.
TORCH_VERSION ?= 2.13.0
TORCH_PIP_ARGS ?=
install:
	$(PYTHON) tools/install_torch.py $(TORCH_VERSION) $(TORCH_PIP_ARGS)
	$(PYTHON) -m pip install -q -e ".[dev]"

# The main job: notebook 01 on the built-in demo scene. It never downloads (download=False):
# the simulator section uses the label maps in HSINB_DATA when they are there, else skips.
demo: install
	mkdir -p results/runs/demo
	$(PYTHON) -m papermill notebooks/01_data_exploration.ipynb results/runs/demo/01_data_exploration.ipynb -p scene demo -p download False
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
