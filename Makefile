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

# ---------------------------------------------------------------------------- method A grids
# Reduced pre-training budgets for 2 CPU cores, stated in every table (see README, Results).
# Each grid resumes where it stopped; tables are regenerated from the records by `tables-a`.
# The committed A records predate issue 17 (a trailing mini-batch of a few samples, the SGD
# probe): `budget` and `probe` are now parameters, so these targets make NEW runs beside the
# old ones. Move each grid's old records aside before re-running it, or its table mixes both.
KS := 5 6 7 8 9 10
SEEDS := 0 1 2 3 4
A_SIM_BUDGET := -p budget custom -p pretrain_epochs 30 -p pretrain_steps_per_epoch 10 -p eval_pixels 10000
A_REAL_BUDGET := -p budget custom -p width 32 -p pretrain_epochs 15 -p pretrain_steps_per_epoch 10
A_TASK := hsinb.experiments.method_a:method_a_task
A_METRICS := supervised_OA supervised_kappa linear_OA linear_kappa finetune_OA finetune_kappa svm_OA svm_kappa logreg_OA logreg_kappa
REAL_SCENES := salinas_a indian_pines_subset samson

.PHONY: grid-a1 grid-a2 grid-a3 grid-a4 grid-a-pairs grid-a-real tables-a
grid-a1:  # the A1 grid through notebook 04, timed (wall time and memory -> results/bench/a1_grid_cpu.*)
	$(PYTHON) benchmarks/bench_grid.py --name a1_grid_cpu -- notebooks/04_barlow.ipynb results/runs/A1_paviaU-sim \
	    -p scene paviaU-sim -p K $(KS) -p seed $(SEEDS) $(A_SIM_BUDGET)

grid-a2:  # Houston 2013 stand-in, 2-D CNN, K = 5..10
	$(PYTHON) -m hsinb.cli grid $(A_TASK) results/runs/A2_houston2013-sim --workers 2 \
	    -p scene houston2013-sim -p K $(KS) -p seed $(SEEDS) $(A_SIM_BUDGET)

# A3 trains on thousands of labelled pixels (PaviaU 3921, Houston 2832): 10 epochs instead of
# 100 keep each run near the few-shot runs' number of SGD steps on 2 CPU cores (stated in the table)
grid-a3:  # abundant labels: the official training maps (K=0), both stand-ins
	for s in paviaU-sim houston2013-sim; do \
	  $(PYTHON) -m hsinb.cli grid $(A_TASK) results/runs/A3_$$s --workers 2 \
	      -p scene $$s -p K 0 -p seed $(SEEDS) -p epochs 10 $(A_SIM_BUDGET) || exit 1; \
	done

grid-a4:  # 1-D CNN on the PaviaU stand-in, neighbour-pixel pairs, no augmentation (paper A, Table 4)
	$(PYTHON) -m hsinb.cli grid $(A_TASK) results/runs/A4_paviaU-sim_1d --workers 2 \
	    -p scene paviaU-sim -p model 1d -p pairing neighbour -p transforms none -p K $(KS) -p seed $(SEEDS) \
	    $(A_SIM_BUDGET)

# The pair matrix (paper A, Fig. 2): 46 pre-trainings per seed, so a much reduced budget on CPU
A_PAIRS_BUDGET := -p width 32 -p pretrain_epochs 10 -p pretrain_steps_per_epoch 10 -p epochs 20 -p eval_pixels 10000
grid-a-pairs:  # notebook 07 runs the grid itself (resumable) and writes results/tables/A_pair_matrix_paviaU-sim.*
	mkdir -p results/runs/A_pair_matrix_paviaU-sim
	$(PYTHON) -m papermill notebooks/07_ablation_augmentation_pairs.ipynb \
	    results/runs/A_pair_matrix_paviaU-sim/07_ablation_augmentation_pairs.ipynb \
	    -p scene paviaU-sim -p seeds 0,1,2,3,4 -p workers 2 $(A_PAIRS_BUDGET)

grid-a-real:  # the real small cubes, 2-D (overlap pairs, paper transforms) and 1-D (neighbour pairs, none)
	for s in $(REAL_SCENES); do \
	  $(PYTHON) -m hsinb.cli grid $(A_TASK) results/runs/A_real_$${s}_2d --workers 2 \
	      -p scene $$s -p model 2d -p K $(KS) -p seed $(SEEDS) $(A_REAL_BUDGET) || exit 1; \
	  $(PYTHON) -m hsinb.cli grid $(A_TASK) results/runs/A_real_$${s}_1d --workers 2 \
	      -p scene $$s -p model 1d -p pairing neighbour -p transforms none -p K $(KS) -p seed $(SEEDS) \
	      $(A_REAL_BUDGET) || exit 1; \
	done

tables-a:
	$(PYTHON) -m hsinb.cli aggregate results/runs/A1_paviaU-sim/records --by K --metrics $(A_METRICS) \
	    --paper results/paper/A_table1_paviaU.csv --out results/tables/A1_paviaU-sim \
	    --title "A1 · paviaU-sim (SIMULATED stand-in of PaviaU), 2-D CNN, K labels per class: OA and kappa in %, ours vs paper A Table 1 (real PaviaU)" \
	    --note "Reduced budget for 2 CPU cores: pre-training 300 steps of 256 pairs (about 0.4 epoch of the scene; the paper: 100 epochs), encoder width 64, test OA on 10000 random test pixels per run. Mean ± std over 5 seeds (split and training)."
	[ ! -d results/runs/A2_houston2013-sim/records ] || \
	$(PYTHON) -m hsinb.cli aggregate results/runs/A2_houston2013-sim/records --by K --metrics $(A_METRICS) \
	    --paper results/paper/A_table2_houston2013.csv --out results/tables/A2_houston2013-sim \
	    --title "A2 · houston2013-sim (SIMULATED stand-in of Houston 2013), 2-D CNN, K labels per class: OA and kappa in %, ours vs paper A Table 2 (real Houston 2013)" \
	    --note "Reduced budget for 2 CPU cores: pre-training 300 steps of 256 pairs (the paper: 100 epochs), encoder width 64, test OA on 10000 random test pixels per run. Mean ± std over 5 seeds."
	for s in paviaU-sim houston2013-sim; do \
	  [ -d results/runs/A3_$$s/records ] || continue; \
	  $(PYTHON) -m hsinb.cli aggregate results/runs/A3_$$s/records --by K --metrics $(A_METRICS) \
	      --paper results/paper/A_table3_full_maps.csv --out results/tables/A3_$$s \
	      --title "A3 · $$s (SIMULATED stand-in), 2-D CNN, the official training map (K=0): OA and kappa in %, ours vs paper A Table 3 (real scene)" \
	      --note "Reduced budget for 2 CPU cores: pre-training 300 steps of 256 pairs, 10 training epochs (the paper: 100), test OA on 10000 random test pixels per run. Mean ± std over 5 seeds (training; the split is fixed)." || exit 1; \
	done
	[ ! -d results/runs/A4_paviaU-sim_1d/records ] || \
	$(PYTHON) -m hsinb.cli aggregate results/runs/A4_paviaU-sim_1d/records --by K --metrics $(A_METRICS) \
	    --paper results/paper/A_table4_paviaU_1d.csv --out results/tables/A4_paviaU-sim_1d \
	    --title "A4 · paviaU-sim (SIMULATED stand-in of PaviaU), 1-D CNN, neighbour-pixel pairs, no augmentation: OA and kappa in %, ours vs paper A Table 4 (real PaviaU)" \
	    --note "Reduced budget for 2 CPU cores: pre-training 300 steps of 256 pairs, test OA on 10000 random test pixels per run. Mean ± std over 5 seeds."
	for s in $(REAL_SCENES); do for m in 2d 1d; do \
	  [ -d results/runs/A_real_$${s}_$$m/records ] || continue; \
	  $(PYTHON) -m hsinb.cli aggregate results/runs/A_real_$${s}_$$m/records --by K --metrics $(A_METRICS) \
	      --out results/tables/A_real_$${s}_$$m \
	      --title "Method A on the REAL $$s cube, $$m CNN, K labels per class: OA and kappa in %" \
	      --note "Reduced budget for 2 CPU cores: pre-training 150 steps of 256 pairs, encoder width 32; every test pixel. Mean ± std over 5 seeds (split and training)." || exit 1; \
	done; done

# ---------------------------------------------------------------------------- method C
C_TASK := hsinb.experiments.method_c:method_c_task
C_BACKBONES := luo hamida li atik varahagiri
C_RUN_ORDER := luo atik varahagiri li hamida  # grid-c runs the cheapest backbones first (Samson records), so a part-run grid has whole rows
ifneq ($(sort $(C_RUN_ORDER)),$(sort $(C_BACKBONES)))
$(error C_RUN_ORDER ($(C_RUN_ORDER)) must list the same backbones as C_BACKBONES ($(C_BACKBONES)))
endif
C_SETS := none spectral spatial spectral+spatial
# alpha and r: the best pair of `make sweep-c` on the validation draw (R2 0.50 +- 0.03, Luo;
# results/tables/C_sweep_synthetic-c-val.md); tau fixed at 0.5 (cost)
C_OBJECTIVE := -p alpha 0.01 -p radius 0.1 -p tau 0.5
.PHONY: sweep-c grid-c tables-c figures-c
sweep-c:  # alpha and r (tau fixed at 0.5) chosen on the VALIDATION draw of synthetic-c (scene_seed 1), Luo backbone
	$(PYTHON) -m hsinb.cli grid $(C_TASK) results/runs/C_sweep_synthetic-c-val --workers 2 \
	    -p scene synthetic-c -p scene_seed 1 -p backbone luo -p transforms none -p seed 0 1 2
	$(PYTHON) -m hsinb.cli grid $(C_TASK) results/runs/C_sweep_synthetic-c-val --workers 2 \
	    -p scene synthetic-c -p scene_seed 1 -p backbone luo -p transforms spectral+spatial \
	    -p alpha 0.001 0.01 0.1 -p radius 0.05 0.1 -p tau 0.5 -p seed 0 1 2
	# one probe of tau: the sweep first listed tau 0.5 1.0 and was cut to 0.5 (cost) after this setting ran
	$(PYTHON) -m hsinb.cli grid $(C_TASK) results/runs/C_sweep_synthetic-c-val --workers 2 \
	    -p scene synthetic-c -p scene_seed 1 -p backbone luo -p transforms spectral+spatial \
	    -p alpha 0.001 -p radius 0.05 -p tau 1.0 -p seed 0 1 2

C_SCENES ?= samson synthetic-c  # the real scene first: it is the primary evidence, and the cheaper
grid-c:  # C1-C4: 5 backbones x 4 transform sets x 5 seeds per scene; a first, uninterrupted
	# run is timed (-> results/bench/c_grid_<scene>_cpu.*), a resumed one is not
	for s in $(C_SCENES); do \
	  args="$(C_TASK) results/runs/C_$$s --workers 2 -p scene $$s -p backbone $(C_RUN_ORDER) \
	        -p transforms $(C_SETS) -p seed $(SEEDS) $(C_OBJECTIVE)"; \
	  if [ -n "$$(ls results/runs/C_$$s/records 2>/dev/null)" ]; then \
	    $(PYTHON) -m hsinb.cli grid $$args || exit 1; \
	  else \
	    $(PYTHON) benchmarks/bench_grid.py --name c_grid_$${s}_cpu -- $$args || exit 1; \
	  fi; \
	done

# the classical baselines (ridge, PLS, VCA/reference unmixing) on the same test tiles and seeds: seconds a run
C_BASELINE_TASK := hsinb.experiments.regression_baselines:regression_baseline_task
C_BASELINES := ridge pls fcls_vca nnls_vca fcls_reference nnls_reference
.PHONY: grid-c-baselines
grid-c-baselines:
	for s in $(C_SCENES); do \
	  $(PYTHON) -m hsinb.cli grid $(C_BASELINE_TASK) results/runs/C_$${s}_baselines --workers 2 \
	      -p scene $$s -p baseline $(C_BASELINES) -p seed $(SEEDS) || exit 1; \
	done
	$(PYTHON) -m hsinb.cli grid $(C_BASELINE_TASK) results/runs/C_sweep_synthetic-c-val_baselines --workers 2 \
	    -p scene synthetic-c -p scene_seed 1 -p baseline $(C_BASELINES) -p seed 0 1 2

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

C_TABLE_NOTE := The rows named classical are our baselines on the same test tiles and seeds (hsinb.experiments.regression_baselines): ridge and PLS from the tile-mean spectrum, fitted on the training tiles (penalty or components by cross-validation on them); unmixing with no labels, endmembers by VCA or the scene's reference endmembers (*_reference: given the true endmembers, an oracle), FCLS or sum-normalised NNLS per pixel, tile means. The rows with transforms none train without the contrastive term (alpha 0) whatever alpha they list. R2 is the mean over endmembers of each endmember's R2 over the test tiles; MAE is the mean absolute error per endmember and MAE_sum its sum over endmembers (paper C defines neither). Each seed draws its own 30 % of whole tiles as the test set, so the spread covers the split and the initialisation. Mean ± std over training seeds (n).
# the cells and plan that bench_grid_records.py costs a C grid by, from its records
C_COST_ARGS := --workers 2 --runs-per-cell $(words $(SEEDS)) -p backbone $(C_BACKBONES) -p transforms $(C_SETS)
tables-c:
	[ ! -d results/runs/C_sweep_synthetic-c-val/records ] || \
	$(PYTHON) -m hsinb.cli aggregate results/runs/C_sweep_synthetic-c-val/records --by transforms alpha radius tau \
	    --metrics R2 MAE --digits 3 --out results/tables/C_sweep_synthetic-c-val \
	    $$([ -d results/runs/C_sweep_synthetic-c-val_baselines/records ] && echo --baselines results/runs/C_sweep_synthetic-c-val_baselines/records) \
	    --title "Method C: alpha and r on the VALIDATION draw of synthetic-c (scene seed 1), Luo backbone: R2 and MAE of tile mean abundances" \
	    --note "The rows with transforms none train without the contrastive term whatever alpha, r and tau they list. Tau was fixed at 0.5 for cost; the one tau 1.0 row is a single probe, run before the sweep was cut. The rows named classical are our baselines on the same draw, test tiles and seeds (hsinb.experiments.regression_baselines; see the C1-C4 notes). Mean ± std over 3 training seeds."
	for s in $(C_SCENES); do \
	  [ -d results/runs/C_$$s/records ] || continue; \
	  paper=results/paper/C_tables1-2_synthetic-c.csv; tabs="C1-C2"; ptabs="1-2"; \
	  [ $$s = samson ] && { paper=results/paper/C_tables3-4_samson.csv; tabs="C3-C4"; ptabs="3-4"; }; \
	  base=""; [ -d results/runs/C_$${s}_baselines/records ] && base="--baselines results/runs/C_$${s}_baselines/records"; \
	  $(PYTHON) -m hsinb.cli aggregate results/runs/C_$$s/records --by backbone transforms --metrics R2 MAE MAE_sum \
	      --digits 3 --paper $$paper --out results/tables/C_$$s $$base \
	      --title "$$tabs · Method C on $$s: R2 and MAE of tile mean abundances, ours vs paper C tables $$ptabs (value ± std as published)" \
	      --note "$(C_TABLE_NOTE)" || exit 1; \
	  $(PYTHON) -m hsinb.cli check-c results/runs/C_$$s/records --paper $$paper --out results/tables/C_$${s}_checks $$base \
	      --title "$$tabs checks · Method C on $$s: paper C's claims (ordering, best backbone) and at-or-above-paper" || exit 1; \
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
