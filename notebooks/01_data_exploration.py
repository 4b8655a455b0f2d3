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
# # 01 · Data exploration: what is in a hyperspectral scene?
#
# **Question.** Before training anything: what does one hyperspectral scene look like, how
# separable are its classes from their spectra alone, how many labelled pixels does each
# class have, and how mixed are its pixels? The answers set expectations for every later
# notebook (self-supervised pre-training, linear probes, few-label finetuning).
#
# **A hyperspectral cube.** A scene is a cube of shape $H \times W \times B$: an image of
# $H \times W$ pixels in which every pixel carries a spectrum of $B$ (typically 100–200)
# narrow, contiguous bands, $\mathbf{x} \in \mathbb{R}^B$. Band $b$ has a centre
# wavelength $\lambda_b$ in nm (visible ≈ 400–700 nm, near infrared ≈ 700–1300 nm,
# short-wave infrared up to ≈ 2500 nm). Values are reflectance, radiance or raw sensor
# counts, depending on the scene (`scene.units`). A label map assigns some pixels a class
# $y \in \{1, \dots, C\}$; 0 means unlabelled, and usually most pixels are unlabelled,
# which is why self-supervised learning on the unlabelled pixels is attractive.
#
# **Method.** We look at the scene through a few fixed lenses.
# *False colour*: three bands shown as red, green and blue, each stretched linearly between
# its 2nd and 98th percentile so that a few very bright pixels do not wash out the image.
# *Class spectra*: for each class $c$ with pixel set $P_c$, the mean spectrum
# $\boldsymbol{\mu}_c = \frac{1}{|P_c|}\sum_{i \in P_c} \mathbf{x}_i$ and the per-band
# standard deviation $\boldsymbol{\sigma}_c$; classes whose bands $\boldsymbol{\mu}_c \pm
# \boldsymbol{\sigma}_c$ overlap everywhere will be hard to separate from single spectra.
# *Band statistics* over all pixels show noisy or dead bands and the dynamic range.
# *Label counts* show class imbalance, which matters for overall vs average accuracy.
#
# **Why mixed pixels matter.** A pixel covers metres of ground, so its spectrum is often a
# mixture of several materials. The linear mixing model writes it as
#
# $$\mathbf{x} = \mathbf{M}\,\mathbf{a} + \mathbf{n}, \qquad
#   \mathbf{a} \ge 0, \quad \mathbf{1}^\top \mathbf{a} = 1,$$
#
# where the columns of $\mathbf{M} \in \mathbb{R}^{B \times E}$ are the spectra of $E$ pure
# materials (endmembers), $\mathbf{a}$ their fractional abundances in the pixel and
# $\mathbf{n}$ noise. A class label is then only the dominant material; near class
# boundaries spectra drift from one class mean towards another. When the scene has
# abundance maps (unmixing scenes and simulated scenes) we show them; the explorer at the
# end lets you inspect single pixels and their $p \times p$ neighbourhoods, which are
# exactly the units that later notebooks feed to the networks.
#
# Simulated scenes (`demo`, `*-sim`) carry "sim"/"simulated" in every title: they are
# stand-ins for checking the pipeline, not evidence about real sensors.

# %% tags=["parameters"]
scene = "demo"  # a name (hsinb scenes) or a path to your own .mat or ENVI .hdr. demo needs no file
cube_var = None  # your file only. the cube variable when the file holds several 3-D arrays
labels_var = None  # your file only. the label map variable when several could be it
seed = 0  # seed of simulated scenes (ignored for real ones)
quick = False  # smoke run: scenes larger than 128 x 128 are cropped to their centre
data_dir = None  # extra folder searched for data files (then $HSINB_DATA, then the cache)
simulator = True  # also show the simulated stand-ins and the synthetic scene of paper C
download = True  # fetch missing data files from their public source (False: local files only)

# %%
# ruff: noqa: E402  (imports follow the papermill parameters cell)
# %matplotlib inline
from hsinb.experiments.params import check_notebook_parameters, quick_banner

check_notebook_parameters(globals())  # a mistyped -p name stops the run here, with "did you mean"
quick_banner(quick)
import hsinb
from hsinb.plots import (
    abundance_maps,
    band_statistics,
    central_window,
    class_spectra,
    false_colour,
    label_counts,
    label_map,
    scene_explorer,
)

# %% [markdown]
# ## The scene

# %%
# a real scene whose cube is missing fails here with the places searched, the download URL
# and the name of its simulated stand-in (e.g. scene="paviaU-sim")
img = hsinb.load_scene(scene, data_dir=data_dir, seed=seed, download=download, cube_var=cube_var, labels_var=labels_var)
if quick and max(img.shape[:2]) > 128:
    img = img.crop(*central_window(*img.shape[:2], 128), name=f"{img.name}[centre]")
print(img.summary())
print("classes:", ", ".join(f"{i} {n}" for i, n in enumerate(img.class_names, start=1)))

# %% [markdown]
# **False colour.** Three bands as R, G, B (band numbers and wavelengths in the title).
# Look for field boundaries, roads, water and shadows: spatial structure that patch-based
# models can use on top of the spectra.

# %%
fig = false_colour(img)

# %% [markdown]
# **Ground truth.** Black pixels are unlabelled. Compare with the false colour: do labels
# follow the visible fields, and how much of the scene is labelled at all?

# %%
fig = label_map(img)

# %% [markdown]
# **Class spectra**, mean ± one standard deviation per band. Where do the class means
# differ most (which wavelengths), and where do the ± std bands overlap?

# %%
fig = class_spectra(img)

# %% [markdown]
# **Per-band statistics** over all pixels, labelled or not: dynamic range, noisy or
# near-empty bands (e.g. around the water-absorption regions near 1400 and 1900 nm).

# %%
fig = band_statistics(img)

# %% [markdown]
# **Labelled pixels per class.** Strong imbalance makes overall accuracy (OA) and average
# accuracy (AA) diverge, and limits how many labels per class a few-shot split can take.

# %%
fig = label_counts(img)

# %% [markdown]
# **Abundance maps** (only for scenes that have them): the fraction of each endmember in
# every pixel. Pixels far from 0 and 1 are mixed, and their class label is only the
# dominant material.

# %%
if img.abundances is not None:
    fig = abundance_maps(img)
else:
    print(f"{img.display_name} has no abundance maps.")

# %% [markdown]
# **Explorer.** Move the sliders (row, column, patch size) or pick a class to jump to its
# most typical pixel. The static figure below it shows the initial selection, for runs
# without a live kernel: the pixel's spectrum (black), its $p \times p$ neighbourhood
# (grey) and its class mean ± std.

# %%
fig = scene_explorer(img)

# %% [markdown]
# ## Simulated scenes: the stand-ins and paper C's synthetic scene
#
# The large benchmark cubes (PaviaU, Houston 2013, ...) cannot be downloaded everywhere, so
# hsinb simulates **stand-ins** (`<scene>-sim`): the real label map and official splits, with
# spectra mixed from a spectral library (USGS minerals and procedural vegetation, water,
# asphalt, ...) per class, intra-class variability (illumination, smooth abundance fields,
# small spectral shifts), mixed pixels along region borders and sensor noise. Each
# stand-in's difficulty was calibrated so that a supervised 2-D CNN with $K = 10$ labels per
# class reaches about paper A's supervised accuracy (`hsinb calibrate`, records in
# `results/calibration/`). Left: the real label map; middle and right: the simulated cube.
# They are tools for running the pipeline at the real scenes' size, never evidence about
# the real scenes.

# %%
import os

from hsinb.errors import HsinbError

# in CI a missing file is an error, elsewhere the section skips what it cannot load
skip_missing = not os.environ.get("CI")
if simulator:
    from hsinb.plots import paper_c_overview, standin_overview
    from hsinb.scenes import STANDIN_SCENES

    for name in (("indian_pines",) if quick else STANDIN_SCENES):
        try:  # a stand-in needs the real label map (a small file), not the cube
            sim = hsinb.load_scene(f"{name}-sim", data_dir=data_dir, seed=seed, download=download)
        except HsinbError as err:
            if not skip_missing:
                raise
            print(f"skipping {name}-sim: {str(err).splitlines()[0]}")
            continue
        print(sim.summary(), f"(difficulty {sim.meta['difficulty']:.2f})")
        fig = standin_overview(sim)

# %% [markdown]
# **Paper C's synthetic scene** (section 4.1): four USGS library endmembers, Dirichlet
# abundances, post-nonlinear mixing $\mathbf{x} = \mathbf{M}\mathbf{a} +
# (\mathbf{M}\mathbf{a}) \odot (\mathbf{M}\mathbf{a}) + \mathbf{n}$ at 20 dB SNR, modulated by a
# 2-D Gaussian pattern. Its regression targets are the mean abundances of 10 × 10 patches.

# %%
if simulator:
    try:  # needs the USGS library file
        synth = hsinb.load_scene("synthetic-c", data_dir=data_dir, seed=seed, download=download)
        print(synth.summary())
        fig = paper_c_overview(synth)
    except HsinbError as err:
        if not skip_missing:
            raise
        print(f"skipping synthetic-c: {str(err).splitlines()[0]}")

# %% [markdown]
# ## What this run showed
#
# - **The scene at a glance** (summary line): its size, band count and wavelength range,
#   units, and how few of its pixels are labelled; the unlabelled majority is what
#   self-supervised pre-training can use.
# - **Class spectra**: classes whose mean ± std bands stay apart over some wavelength range
#   should be separable from single spectra; classes that overlap everywhere need spatial
#   context (patches) or will stay confused. Note which wavelengths separate them.
# - **Label counts**: the imbalance between the largest and smallest class; keep it in mind
#   when reading OA vs AA and when choosing K labels per class.
# - **Mixing**: where abundance maps exist, the mixed pixels sit at material boundaries;
#   in the explorer, a pixel near a boundary has a neighbourhood that shares its label only
#   in part, so neighbouring pixels are not always "the same thing", an assumption that
#   spatial positive pairs in self-supervised learning rely on.
# - **Real or simulated**: the titles say which. Conclusions about sensors or classes need a
#   real scene; a simulated one only shows that the pipeline works.
