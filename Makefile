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
	@echo "installing torch $(TORCH_VERSION) (CPU unless a CUDA build is already there), then hsinb and its dev tools: a few minutes on a fresh machine"
	$(PYTHON) tools/install_torch.py $(TORCH_VERSION) $(TORCH_PIP_ARGS)
	$(PYTHON) -m pip install -q -e ".[dev]"

# The main job: notebook 01 on the built-in demo scene. It never downloads (download=False):
# the simulator section uses the label maps in HSINB_DATA when they are there, else skips.
demo: install
	mkdir -p results/runs/demo
	$(PYTHON) -m papermill notebooks/01_data_exploration.ipynb results/runs/demo/01_data_exploration.ipynb -p scene demo -p download False
	@echo "executed notebook: results/runs/demo/01_data_exploration.ipynb"

# two test processes (pytest-xdist; each with one torch and BLAS thread, tests/conftest.py):
# the suite is mostly single-threaded notebook kernels, so this halves its wall time on 2 cores
TEST_WORKERS ?= 2
test: install
	$(PYTHON) -m pytest -q -n $(TEST_WORKERS) --dist worksteal

lint:
	$(PYTHON) -m ruff check hsinb tests benchmarks

bench: install
	$(PYTHON) benchmarks/bench_patches.py
	$(PYTHON) benchmarks/bench_simulator.py

sync-notebooks:
	$(PYTHON) -m jupytext --sync notebooks/*.py

# ---------------------------------------------------------------------------- experiments
# Every grid is a declared experiment (hsinb/experiments/declared/NAME.toml: its parameters,
# budget, folders and tables). `hsinb list` shows them with their runs recorded / missing;
# `hsinb run NAME` runs what is missing (resumable; --executor for Dask or SLURM), `hsinb tables NAME`
# builds its tables. The targets below are thin aliases.
HSINB := $(PYTHON) -m hsinb.cli
RUN_ARGS ?=
.PHONY: list grid-a1 grid-a2 grid-a3 grid-a4 grid-a-pairs grid-a-real tables-a sweep-c grid-c grid-c-baselines tables-c figures-c
list:
	$(HSINB) list
grid-a1:  # the A1 grid through notebook 04, timed from empty folders (-> results/bench/a1_grid_cpu.*), else resumed
	$(PYTHON) benchmarks/bench_grid.py --name a1_grid_cpu -- run A1_paviaU-sim --notebook $(RUN_ARGS) || \
	$(HSINB) run A1_paviaU-sim --notebook $(RUN_ARGS)
grid-a2:
	$(HSINB) run A2_houston2013-sim $(RUN_ARGS)
grid-a3:
	$(HSINB) run A3_official_maps $(RUN_ARGS)
grid-a4:
	$(HSINB) run A4_paviaU-sim_1d $(RUN_ARGS)
grid-a-pairs:
	$(HSINB) run A_pair_matrix_paviaU-sim $(RUN_ARGS)
grid-a-real:
	$(HSINB) run A_real $(RUN_ARGS)
tables-a:
	$(HSINB) tables A1_paviaU-sim A2_houston2013-sim A3_official_maps A4_paviaU-sim_1d A_real A_pair_matrix_paviaU-sim

sweep-c:  # alpha and r (tau fixed at 0.5) chosen on the VALIDATION draw of synthetic-c (scene_seed 1), Luo backbone
	$(HSINB) run C_sweep_synthetic-c-val $(RUN_ARGS)
grid-c:  # C1-C4; the first, uninterrupted run of a scene was timed with benchmarks/bench_grid.py
	$(HSINB) run C1-C4 $(RUN_ARGS)
grid-c-baselines:  # the classical baselines on the same test tiles and seeds: seconds a run
	$(HSINB) run C_baselines $(RUN_ARGS)

C_FIGURES := $(CURDIR)/results/figures
figures-c:  # notebook 06's figures, each folder with the record of its run: Samson's best cell (Varahagiri
	# baseline, seed 0), the same on synthetic-c, and a quick run on the validation draw for its endmember angles
	mkdir -p results/runs/C_figures/notebooks
	$(PYTHON) -m papermill notebooks/06_contrastive_regression.ipynb results/runs/C_figures/notebooks/06_samson.ipynb \
	    --cwd notebooks -p scene samson -p backbone varahagiri -p transforms none \
	    -p figures_dir $(C_FIGURES)/C_samson_varahagiri_none
	$(PYTHON) -m papermill notebooks/06_contrastive_regression.ipynb results/runs/C_figures/notebooks/06_synthetic-c.ipynb \
	    --cwd notebooks -p scene synthetic-c -p backbone varahagiri -p transforms none \
	    -p figures_dir $(C_FIGURES)/C_synthetic-c_varahagiri_none
	$(PYTHON) -m papermill notebooks/06_contrastive_regression.ipynb results/runs/C_figures/notebooks/06_synthetic-c-val.ipynb \
	    --cwd notebooks -p scene synthetic-c -p scene_seed 1 -p quick True \
	    -p figures_dir $(C_FIGURES)/C_synthetic-c-val_quick

# the cells and plan that bench_grid_records.py costs a C grid by, from its records
SEEDS := 0 1 2 3 4
C_BACKBONES := luo hamida li atik varahagiri
C_SETS := none spectral spatial spectral+spatial
C_COST_ARGS := --workers 2 --runs-per-cell $(words $(SEEDS)) -p backbone $(C_BACKBONES) -p transforms $(C_SETS)
C_BASELINES := ridge pls fcls_vca nnls_vca fcls_reference nnls_reference
tables-c:
	$(HSINB) tables C_sweep_synthetic-c-val C1-C4
	for s in samson synthetic-c; do \
	  $(PYTHON) benchmarks/bench_grid_records.py results/runs/C_$$s/records --name c_grid_$${s}_cpu_records \
	      $(C_COST_ARGS) || exit 1; \
	done
	# the classical baselines' cost (seconds a run, loading the scene included) from their records
	[ ! -d results/runs/C_samson_baselines/records ] || [ ! -d results/runs/C_synthetic-c_baselines/records ] || \
	$(PYTHON) benchmarks/bench_grid_records.py results/runs/C_samson_baselines/records \
	    results/runs/C_synthetic-c_baselines/records --name c_baselines_cpu_records --workers 2 \
	    --runs-per-cell $(words $(SEEDS)) -p scene samson synthetic-c -p baseline $(C_BASELINES)
	# the whole C grid (both scenes) costed from the same records, once both scenes have some
	[ ! -d results/runs/C_samson/records ] || [ ! -d results/runs/C_synthetic-c/records ] || \
	$(PYTHON) benchmarks/bench_grid_records.py results/runs/C_samson/records results/runs/C_synthetic-c/records \
	    --name c_grid_cpu_records -p scene samson synthetic-c $(C_COST_ARGS)
