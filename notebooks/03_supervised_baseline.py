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
# # 03 · Supervised baseline: how far do K labels per class get us without pre-training?
#
# **Question.** With only $K$ labelled pixels per class ($K = 5 \dots 10$ in paper A), how
# accurate is a small CNN trained from scratch, and how does it compare with the classical
# baselines a reviewer asks for first: a support vector machine and logistic regression on
# the raw spectra? This is the bar that self-supervised pre-training (notebook 04) has to
# clear.
#
# **Method.** A seeded few-shot split draws $K$ pixels of every class for training; every
# other labelled pixel is a test pixel and is never seen in training. The network is
# paper A's 2-D CNN with two residual blocks on $9 \times 9$ patches around each pixel (or
# its 1-D twin on single spectra), with a linear classifier on top, trained for 100 epochs
# by SGD on the cross-entropy
#
# $$\mathcal{L} = -\frac{1}{N}\sum_{i=1}^{N} \log \frac{\exp z_{i,y_i}}{\sum_{c=1}^{C} \exp z_{i,c}},
#   \qquad \mathbf{z}_i = W f(\mathbf{x}_i) + \mathbf{b}.$$
#
# We report overall accuracy (OA), average per-class accuracy (AA) and Cohen's
# $\kappa = (p_o - p_e)/(1 - p_e)$, which discounts the agreement $p_e$ expected by chance
# from the class frequencies. The SVM (RBF kernel) and logistic regression see the
# standardised spectrum of the centre pixel only; their hyper-parameters are chosen by
# cross-validation on the training pixels when $K \ge 3$.
#
# With so few labels a CNN has far more parameters than training samples; patches help
# because neighbouring pixels usually share the class, but test patches near training
# pixels overlap them, which flatters all patch-based methods alike (see the closing note).

# %% tags=["parameters"]
scene = "demo"  # a name (hsinb scenes) or a path to your own .mat or ENVI .hdr
cube_var = None  # your file only. the cube variable when the file holds several 3-D arrays
labels_var = None  # your file only. the label map variable when several could be it
K = 10  # labelled pixels per class, or 0 for the official training map
on_too_few = "error"  # a class with K pixels or fewer. error or cap (train on all but one of its pixels)
seed = 0
model = "2d"  # "2d": ResNet on 9x9 patches; "1d": ResNet on single spectra
patch = 9
epochs = 100
lr = 0.01
normalise = "band_standardise"
baselines = "svm,logreg"
eval_pixels = None  # None: every test pixel; a number: a seeded subsample
quick = False  # seconds-long run for CI and workshops
data_dir = None
record_path = None  # set by the grid runner

# %%
# ruff: noqa: E402  (imports follow the papermill parameters cell)
# %matplotlib inline
from hsinb.experiments.params import check_notebook_parameters, quick_banner

check_notebook_parameters(globals())  # a mistyped -p name stops the run here, with "did you mean"
quick_banner(quick)
import matplotlib.pyplot as plt

import hsinb
from hsinb import plots
from hsinb.experiments.method_a import MethodAConfig, flat_metrics, run_method_a
from hsinb.records import RunTimer, save_run
from hsinb.runtime import describe_device, pick_device
from hsinb.scenes.load import file_provenance, require_labels
from hsinb.splits import few_shot_split, official_split

if quick:
    epochs, eval_pixels, baselines = 3, 500, "logreg"
timer = RunTimer()
device = pick_device()
params = dict(scene=scene, cube_var=cube_var, labels_var=labels_var, K=K, on_too_few=on_too_few, seed=seed, model=model, patch=patch, epochs=epochs, lr=lr,
              normalise=normalise, baselines=baselines, eval_pixels=eval_pixels, quick=quick)

# %%
data = require_labels(hsinb.load_scene(scene, data_dir=data_dir, normalise=normalise, cube_var=cube_var,
                                      labels_var=labels_var), patch=patch)
print(data.summary())
print("device:", describe_device(device))

# %% [markdown]
# The split: $K$ training pixels per class (or the official map), every other labelled pixel
# for testing. It is saved next to the run's record.

# %%
split = (official_split(data.labels, data.split_maps) if K == 0
         else few_shot_split(data.labels, K, seed, on_too_few=on_too_few))
print(split.describe())
fig = plots.label_map(data, labels=split.part_map(data.labels, "train"))
_ = plt.title(f"{data.display_name}: training pixels ({split.train.size})")

# %%
cfg = MethodAConfig(model=model, patch=patch, classify_epochs=epochs, classify_lr=lr,
                    protocols=("supervised",),
                    baselines=tuple(b for b in baselines.split(",") if b), eval_pixels=eval_pixels)
result = run_method_a(data, split, cfg, seed, device)
metrics = result["metrics"]
for name, m in metrics.items():
    print(f"{name:12s} OA {100 * m['OA']:5.1f}  AA {100 * m['AA']:5.1f}  kappa {100 * m['kappa']:5.1f}")

# %%
fig = plots.learning_curves(result["histories"], title=f"{data.display_name}, K={K}")

# %% [markdown]
# Per-class accuracy shows which classes the few labels fail to cover.

# %%
for name, m in metrics.items():
    print(name, {data.class_names[i]: None if a is None else round(100 * a, 1)
                 for i, a in enumerate(m["per_class"])})

# %%

from hsinb.experiments.fewshot import protocol_maps

# every pixel of a small scene; on a large one, and in quick mode, the test pixels the run scored
full = not quick and data.shape[0] * data.shape[1] <= 100_000
pred = protocol_maps(result["models"], metrics, result["data"], full=full)["supervised"]
fig = plots.classification_maps(data, {"supervised CNN": pred}, only_labelled=not full,
                                scores={"supervised CNN": 100 * metrics["supervised"]["OA"]})

# %%
from hsinb.training.classify import encode

feats = encode(result["models"]["supervised"].encoder, result["data"].x_train)
fig = plots.embedding_plot(feats.cpu().numpy(), result["data"].y_train.cpu().numpy(), data.class_names,
                     title=f"{data.display_name}: supervised features of the training pixels")

# %%
record = save_run(record_path, params, flat_metrics(metrics, 100), split, describe_device(device), timer,
                  extra={"per_class": {k: v["per_class"] for k, v in metrics.items()},
                         "scene_file": file_provenance(data)})
print(f"wall time {record['wall_time_s']:.1f} s")

# %% [markdown]
# ## What this run showed
#
# Read the table above against notebook 04: the supervised CNN and the spectral baselines
# are the bar for self-supervised pre-training. On strongly mixed scenes the SVM on single
# spectra is often as good as the CNN at small $K$; the CNN gains from spatial context when
# classes form large regions. Two caveats travel with every number here: (1) at $K \le 10$
# the result varies a lot with the seed, so only the mean ± std over seeds in
# `results/tables/` is a finding; (2) test patches that overlap a training pixel's patch
# share pixels with it, which favours patch-based models over the spectral baselines.
