# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Barlow Twins: does pre-training on unlabelled pixels make K labels go further?
#
# **Question.** Paper A pre-trains an encoder on all pixels of a scene, without labels, with
# Barlow Twins, then trains a classifier from $K$ labels per class. Does this beat the
# supervised baseline of notebook 03 and the spectral SVM / logistic regression, and is a
# linear probe on the frozen encoder as good as finetuning it?
#
# **Method.** Two views $\mathbf{x}^A, \mathbf{x}^B$ of the same place are made by pair
# sampling (two $9 \times 9$ patches whose centres are offset so that they overlap by at
# least 50 %, or a pixel and a neighbour in its $5 \times 5$ window) followed by random
# augmentations, each applied with probability $p = 0.75$ (flip, Gaussian noise, band
# dropping and adjacent band swapping for the 2-D results). A shared encoder $f$ and an MLP
# projector $g$ give $\mathbf{z} = g(f(\mathbf{x}))$; with $\mathbf{z}$ standardised over a
# batch of $N$ pairs, the cross-correlation matrix
# $C_{ij} = \frac{1}{N}\sum_{n} z^A_{n,i}\, z^B_{n,j}$ is pushed towards the identity:
#
# $$\mathcal{L}_{BT} = \sum_i (1 - C_{ii})^2 + \lambda \sum_i \sum_{j \ne i} C_{ij}^2 .$$
#
# The first term makes the two views agree (invariance), the second decorrelates the
# feature dimensions (no collapse, little redundancy); $\lambda = 5\cdot 10^{-3}$. The
# encoder is trained with LARS (warm-up, then cosine decay). Then, with the few labels:
# **BT + Lin** trains a linear classifier on the frozen features, **BT + Tune** finetunes
# encoder and classifier together, and **Supervised** trains the same network from
# scratch. Pre-training does not depend on $K$: the encoder is cached and reused across
# $K$ and protocols. Two more probes, when `protocols` names `linear_spectrum`:
# **BT + Lin + spectrum** puts the centre pixel's own
# spectrum beside the frozen features (for mixed pixels, see below), and **BT + Lin,
# features chosen by CV** takes whichever of the two probes scores higher in
# cross-validation on the $K$ labels. `finetune_lpft` (**BT + LP-FT**) finetunes from a head
# that starts as the linear probe, so that the first gradients into the encoder do not come
# from a random classifier. `split="blocks"` draws the $K$ labels from tiles kept
# apart from the test tiles, so that no training patch covers a test pixel.

# %% tags=["parameters"]
scene = "demo"  # a name (hsinb scenes) or a path to your own .mat or ENVI .hdr
cube_var = None  # your file only. the cube variable when the file holds several 3-D arrays
labels_var = None  # your file only. the label map variable when several could be it
K = 10  # labelled pixels per class, or 0 for the official training map
on_too_few = "error"  # a class with K pixels or fewer. error or cap (train on all but one of its pixels)
seed = 0
split = "random"  # "random" pixels, or "blocks": spatially disjoint tiles, no training patch covers a test pixel
block = 10  # split "blocks" only: tile size in pixels
model = "2d"  # "2d" (9x9 patches) or "1d" (single spectra)
pairing = "overlap"  # "overlap" (patches), "neighbour" (5x5 neighbourhood), "same"
transforms = "flip,noise,band_drop,band_swap"  # "" for none
patch = 9
width = 64  # channels of the residual blocks
budget = "laptop"  # "laptop" (minutes on 2 CPU cores), "paper" (100 epochs over all pixels) or "custom"
pretrain_epochs = None  # budget "custom" only: pre-training epochs
pretrain_steps_per_epoch = None  # budget "custom" only: steps per epoch (None: one pass over all pixels)
epochs = 100  # classifier epochs
protocols = "supervised,linear,finetune"  # also "linear_spectrum" (the probe sees the centre spectrum too), "finetune_lpft"
baselines = "svm,logreg"
probe = "logreg_cv"  # linear probe: "logreg_cv" (standardised features, C by CV on the K labels) or "sgd"
finetune = "cv"  # "cv": encoder learning rate and batch-norm statistics chosen by CV on the K labels; "fixed"
normalise = "band_standardise"
eval_pixels = None
checkpoint_epochs = ""  # a budget curve: also probe the encoder after these epochs, e.g. "8,25,50"
quick = False
data_dir = None
record_path = None

# %%
# ruff: noqa: E402  (imports follow the papermill parameters cell)
# %matplotlib inline
from hsinb.experiments.params import check_notebook_parameters, quick_banner

check_notebook_parameters(globals())  # a mistyped -p name stops the run here, with "did you mean"
quick_banner(quick)

import numpy as np

from hsinb import plots
from hsinb.experiments import method_a
from hsinb.experiments.fewshot import protocol_maps
from hsinb.experiments.params import from_namespace
from hsinb.training.classify import encode

# %% [markdown]
# The whole run is one call, the same as the batch task that the grids run
# (`hsinb.experiments.method_a:method_a_task`): load the scene, draw the split (saved beside
# the record), pre-train Barlow Twins (or load the cached encoder), run the three protocols
# and the baselines, write the record. The default `budget="laptop"` pre-trains for 100
# steps of 256 pairs so that the run takes under 5 minutes on a 2-core laptop; `-p budget paper` is paper
# A's 100 epochs over all pixels (36 times the laptop budget on the demo scene). The run
# prints its budget and records it. `quick=True` shrinks everything to seconds
# (`method_a.QUICK_A`): its numbers are not findings.

# %%
out = method_a.run(from_namespace(method_a.MethodAParams, globals()), progress=not quick)
data, drawn, result = out.scene, out.split, out.result
metrics = result["metrics"]
print(data.summary())
print(drawn.describe())
print("device:", out.record["device"], f"| wall time {out.record['wall_time_s']:.1f} s")
print(out.record["extra"]["budget"])
for name, m in metrics.items():
    print(f"{name:12s} OA {100 * m['OA']:5.1f}  AA {100 * m['AA']:5.1f}  kappa {100 * m['kappa']:5.1f}")

# %% [markdown]
# Learning curves: the Barlow Twins loss during pre-training, and the classifiers' losses.

# %%
if result["pretrain"]:
    h = result["pretrain"]["history"]
    print("encoder from cache:", result["pretrain"]["from_cache"])
    fig = plots.learning_curves({"Barlow Twins": {"loss": h["loss"]}}, title="pre-training")
fig = plots.learning_curves(result["histories"], title=f"{data.display_name}, K={K}")

# %% [markdown]
# Embeddings of the labelled test pixels: the frozen pre-trained encoder (what the linear
# probe sees) next to the supervised network's features.

# %%
d = result["data"]
rng = np.random.default_rng(seed)
idx = rng.choice(drawn.test, size=min(1500, drawn.test.size), replace=False)
rows, cols = np.divmod(idx, data.shape[1])
x = d.cube.extract(rows, cols, d.layout).contiguous()
y = data.labels.reshape(-1)[idx] - 1
for name in ("linear", "supervised"):
    if name in result["models"]:
        feats = encode(result["models"][name].encoder, x).cpu().numpy()
        plots.embedding_plot(feats, y, data.class_names, title=f"{data.display_name}: {name} encoder")

# %%
# every pixel of a small scene (the map a reader expects); on a large one, and in quick mode,
# the test pixels the run scored (a full map costs a forward pass per pixel)
full = not quick and data.shape[0] * data.shape[1] <= 100_000
maps = protocol_maps(result["models"], metrics, result["data"], full=full)
if not full:
    print(f"maps: the {int((next(iter(maps.values())) > 0).sum())} test pixels the run scored, not the whole scene")
fig = plots.classification_maps(data, maps, only_labelled=not full,
                                scores={name: 100 * metrics[name]["OA"] for name in maps})

# %% [markdown]
# ## Where the 2-D protocols lose: mixed pixels
#
# A 2-D CNN sees the whole $p \times p$ window (`patch`, 9 by default); the label belongs to its
# centre pixel. The
# run's record keeps each protocol's test accuracy by the share of the window that has the
# pixel's own label (and, on scenes with abundances such as Samson, by the pixel's largest
# abundance), and how well the frozen features predict the centre spectrum, the window's
# mean, and the centre's departure from that mean (the share counts the window's labelled
# pixels). A protocol that "labels the neighbourhood" loses more on the first column than
# the spectrum classifiers do.

# %%
from IPython.display import display

from hsinb.analysis import mixed_pixels

display(mixed_pixels.bins_table([out.record], "agreement").round(1))
display(mixed_pixels.retention_table([out.record]).round(3))

# %% [markdown]
# ## What the records show
#
# One run is one seed: it illustrates, it does not decide. The verdicts below are computed
# from the records of the full grids under `results/runs` (paper A's budget when its records exist,
# else the reduced-budget re-run): each pre-trained protocol against the supervised CNN and
# against the best spectral baseline of the same records, **paired by seed**, pooled over
# $K$ (one test per cube, model and split) and per $K$; a verdict needs $p < 0.05$ in a
# paired t-test. Paper A reports BT + Lin and BT + Tune above its supervised network at
# every $K$ on PaviaU and Houston (its Tables 1–2, `results/paper/`).

# %%
from hsinb.analysis import method_a_checks

print(method_a_checks.run_findings(metrics))
experiment, verdicts, grid_runs = method_a_checks.recorded_verdicts()
if experiment is None or verdicts.empty:
    print("No grid records with a pre-trained protocol under results/runs: `hsinb run A_real` (or A_paper_real) "
          "makes them.")
else:
    print(f"From the records of {experiment} ({len(grid_runs)} runs so far; the seeds column counts each cell's):",
          method_a_checks.verdict_sentence(method_a_checks.pooled_verdicts(grid_runs), "cube/model/split rows"),
          "Pooled over K; per K:", method_a_checks.verdict_sentence(verdicts))
    print(method_a_checks.spread_sentence(method_a_checks.spread_causes(grid_runs)))
    shown = verdicts[verdicts["scene"] == scene] if (verdicts["scene"] == scene).any() else verdicts
    display(shown[[c for c in shown.columns if not c.startswith("p (")]].round(1))

# %% [markdown]
# ## Does the gap close with more pre-training?
#
# The paper-budget grid (`hsinb run A_paper_real`) probes snapshots of one 100-epoch
# pre-training at K = 5 and 10: the probe's accuracy, the two terms of the loss and the
# effective rank of the features against the steps taken, with the supervised CNN (dashed)
# and the best spectral baseline (dotted) of the same records.

# %%
from hsinb.analysis.budget_curve import recorded_curve

curve = recorded_curve(model=model)
if curve is None:
    print("No paper-budget record with a budget curve yet (hsinb run A_paper_real).")
else:
    fig = plots.budget_curve_figure(curve, title=f"budget curve, {model} CNN, paper A's budget")
