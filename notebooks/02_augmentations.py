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
# # 02 · Augmentations: how two views of one pixel are made
#
# **Question.** What does each augmentation do to a spectrum and a patch, and which ones
# keep the class identity?
#
# **Why it matters.** Barlow Twins (paper A) learns by making the representations of two
# *views* $\mathbf{x}_A, \mathbf{x}_B$ of the same thing agree. Whatever differs between the
# two views is what the encoder learns to ignore. If a transform changes something that
# separates classes (a water spectrum turned into something that looks like soil), the
# encoder is trained to ignore exactly the information a classifier needs later.
#
# **Spectral transforms** act on the $B$ values of a spectrum $\mathbf{x} \in \mathbb{R}^B$
# (and on every pixel of a patch in the same way):
#
# - *scaling* $\mathbf{x}' = s\,\mathbf{x}$, $s \sim U(s_{lo}, s_{hi})$: brightness changes,
#   the direction of $\mathbf{x}$ (its spectral angle) does not;
# - *Gaussian noise* $\mathbf{x}' = \mathbf{x} + \boldsymbol{\varepsilon}$,
#   $\boldsymbol{\varepsilon} \sim \mathcal{N}(\mathbf{0}, \sigma^2 \mathbf{I})$: every band
#   gets its own independent error, like sensor noise;
# - *band drop*: a random set $D$ of $\lfloor fB \rceil$ bands is set to zero,
#   $x'_b = 0$ for $b \in D$, $x'_b = x_b$ otherwise;
# - *adjacent band swap*: disjoint pairs of neighbouring bands exchange their values,
#   $(x'_b, x'_{b+1}) = (x_{b+1}, x_b)$; neighbouring bands are strongly correlated, so the
#   curve only jitters locally;
# - *translation* $\mathbf{x}' = \mathbf{x} + b\,\mathbf{1}$, $b \sim U(b_{lo}, b_{hi})$: one
#   bias for all bands, which shifts the whole curve up or down;
# - *pixel removal* (patches only): random pixels of a $p \times p$ patch lose all their
#   bands, $\mathbf{x}'_{ij} = \mathbf{0}$. On a single spectrum it does nothing.
#
# **Spatial transforms** (flip, rotation by $k \cdot 90°$, random resized crop) move pixels
# around inside a $p \times p$ patch but never mix bands. Flips and rotations are exact
# permutations of the pixels: every spectrum of the patch survives unchanged, and since $p$
# is odd the centre pixel, the one the label belongs to, stays in the centre. A resized crop
# interpolates between neighbouring pixels, so its centre spectrum is a blend of nearby
# spectra. On a single pixel ($p = 1$) spatial transforms are the identity. This is the
# trade-off of paper A (§2.4.2): spatial augmentations "preserve spectral information" but
# need spatial context, spectral ones work on single pixels "but may distort the semantics
# of the data", because for hyperspectral images the class lives in the shape of the
# spectrum.
#
# **Paper C's toolbox** (method C, notebook 06) is a second family, built for regressing
# abundances from **reflectance** patches. It is shown in its own section below, on
# reflectance (`normalise="none"`), because two of its transforms are physical models that
# mean nothing on z-scores:
#
# - *Hapke scattering*: each value is read as the reflectance factor of a particulate
#   surface of single-scattering albedo $w$ at a reference geometry ($i = e = 30°$),
#   inverted for $w$ and rendered again at a random geometry,
#   $$r(i, e; w) = \frac{w}{4}\,\frac{H(\cos i, w)\,H(\cos e, w)}{\cos i + \cos e},
#   \qquad H(x, w) = \frac{1 + 2x}{1 + 2x\sqrt{1 - w}};$$
#   bright and dark bands change by different factors, so the shape changes a little.
# - *Atmospheric compensation*: the residual of a compensation made for the wrong
#   atmosphere. The ground is seen through a random atmosphere $G'$ (sun zenith angle,
#   aerosol load) but compensated for a reference one $G$,
#   $x'(\lambda) = x(\lambda)\,G'(\lambda)/G(\lambda)$, with
#   $G = \big(\mu_s e^{-\tau/\mu_s} + f_d\,\mu_s(1 - e^{-\tau/\mu_s})\big)\,e^{-\tau}$ (direct
#   and diffuse light down, the path up), and optical depth $\tau(\lambda)$ = Rayleigh +
#   an Ångström aerosol term $\beta\lambda^{-\alpha}$ ($\lambda$ in µm). Paper C's own sun and sky curves are
#   not public; this model, documented in `hsinb.views.radiometry`, replaces them. It needs
#   the band centres of the data, which the figures pass on.
# - *spectral shift* (the curve slides by up to 10 bands), *spectral flip* (band order
#   reversed), *elastic spectral distortion* (a smooth random warp of the band axis), *band
#   erasure* (a contiguous tenth of the bands set to zero), *band permutation* (blocks of
#   bands shuffled), *nearest-neighbour mixing* (each pixel replaced by the mean of its 5
#   spectrally nearest pixels of the patch);
# - spatial: *rotation* by any angle (bilinear), *elastic deformation* of the patch plane,
#   *flip*, *translation* by whole pixels. "Spectral+spatial" applies a spatial transform,
#   then a spectral one.
#
# **How training applies them.** Paper A applies the chosen transforms to *both* branches,
# symmetrically, each one independently to each sample with probability $p = 0.75$, in a
# fixed order (ours: geometry, band swap, scaling, translation, noise, then the zeroing
# transforms; see `hsinb.views.build_transforms`). So in a batch about a quarter of the
# samples skip any one transform, and with two transforms about $0.75^2 \approx 56\,\%$
# of the samples get both. Here every transform is applied with $p = 1$ so that it always
# fires and its effect can be seen.
#
# **Pairs before augmentation** (paper A, §2.4.1). Views need not come from the same
# window: for patches the partner is a $9 \times 9$ window whose centre is shifted by
# $\mathbf{d} = (d_r, d_c) \neq \mathbf{0}$, chosen so that the overlap fraction
#
# $$o(\mathbf{d}) = \frac{(p - |d_r|)\,(p - |d_c|)}{p^2} \ge 0.5,$$
#
# and for pixels the partner is a random other pixel of the $5 \times 5$ neighbourhood.
# Spatial closeness is the supervision signal, with no transform at all.
#
# **Normalisation.** For paper A's transforms both scenes are loaded with
# `normalise="band_standardise"` (every band
# has zero mean and unit variance over the scene). That is what pre-training feeds the
# networks, and the transforms' default parameters are in those units: noise with
# $\sigma = 0.05$ is 5 % of a band's scene-wide standard deviation, a bias of $\pm 0.1$ is
# a tenth of it. Shown on raw reflectance the same numbers would mean something else
# entirely (a bias of 0.1 doubles the reflectance of water). The price: the curves are
# per-band z-scores, not reflectance, so absorption features look different from the
# class spectra of notebook 01, and zero means "the scene average", which is also what
# band drop and pixel removal write. Paper C's toolbox is shown on a third load, in
# reflectance (`reflectance_scene`; the built-in demo scene by default, `-p scene samson -p
# reflectance_scene samson` for the real Samson cube the text below describes).

# %% tags=["parameters"]
scene = "demo"  # scene for single spectra. built in. real samson (rock or soil, tree, water)
patch_scene = "demo"  # scene for 9 x 9 patches ("demo" is built in and simulated)
transforms = "all"  # "all" or comma-separated names from hsinb.views.TRANSFORMS
seed = 0  # seed of the transforms' generator, the pair sampler and simulated scenes
reflectance_scene = "demo"  # scene in reflectance for paper C's toolbox. built in. real samson. or synthetic-c
quick = False  # smoke run: paper A's 4 best transforms and paper C's Hapke and atmosphere only
data_dir = None  # extra folder searched for data files (then $HSINB_DATA, then the cache)
record_path = None  # accepted for a uniform interface; this notebook writes no record

# %%
# ruff: noqa: E402  (imports follow the papermill parameters cell)
# %matplotlib inline
from hsinb.experiments.params import check_notebook_parameters, quick_banner

check_notebook_parameters(globals())  # a mistyped -p name stops the run here, with "did you mean"
quick_banner(quick)
print("this run:", scene, reflectance_scene, "| the real Samson cube the text describes: -p scene samson -p reflectance_scene samson")
import hsinb
from hsinb.analysis.stats import representative_pixel, typical_spectra
from hsinb.plots import (
    pair_views_figure,
    showcase_patches,
    transform_explorer,
    transform_gallery,
    transform_names,
    value_label,
)
from hsinb.views import PAPER_A_TRANSFORMS, PAPER_C_SPATIAL, PAPER_C_SPECTRAL, SPATIAL
from hsinb.views.radiometry import check_reflectance

names = transform_names(transforms)
names_a = [n for n in names if n in PAPER_A_TRANSFORMS]  # shown on standardised data
names_c = [n for n in names if n in PAPER_C_SPECTRAL + PAPER_C_SPATIAL]  # shown on reflectance
# a quick run shows the four transforms paper A found best (where chosen) and paper C's two physical models
best = ["flip", "band_swap", "noise", "band_drop"]
shown = ([n for n in names_a if n in best] or names_a[:4]) if quick else names_a
shown_c = ([n for n in names_c if n in ("hapke", "atmosphere")] or names_c[:2]) if quick else names_c
print("paper A:", ", ".join(shown), "| paper C:", ", ".join(shown_c))

# %% [markdown]
# ## The data
#
# Single spectra come from the real scene: for each class its most typical pixel (the one
# nearest the class mean). Patches come from the patch scene: $9 \times 9$ windows, the
# first one placed where its false colour varies most (so that flips and rotations visibly
# move something), the others at the most typical pixels of three classes.

# %%
try:
    spec_img = hsinb.load_scene(scene, data_dir=data_dir, seed=seed, normalise="band_standardise")
except FileNotFoundError as exc:
    raise FileNotFoundError(
        f"{exc}\n\nThe files of {scene!r} are not available here; run this notebook with "
        "scene='demo' (simulated, no download), e.g. papermill ... -p scene demo"
    ) from exc
patch_img = hsinb.load_scene(patch_scene, data_dir=data_dir, seed=seed,
                             normalise="band_standardise")
print(spec_img.summary())
print(patch_img.summary())
units = value_label(spec_img.units, "band_standardise")  # y label of every spectrum

pixels, spectra, spectrum_names = typical_spectra(spec_img, max_classes=4)  # spectra (n, B)

size = 9
others = [representative_pixel(patch_img.cube, patch_img.labels, c) for c in (1, 2, 3)
          if patch_img.class_counts().get(c, 0) > 0]
anchor, patches = showcase_patches(patch_img, size, others)  # (n, B, 9, 9)
print(f"{len(spectra)} spectra of {spec_img.display_name}: {', '.join(spectrum_names)}")
print(f"{len(patches)} patches of {patch_img.display_name}, the first centred at {anchor}")

# %% [markdown]
# ## Paper A's transforms on single spectra
#
# Solid: the original spectrum, dashed: after the transform ($p = 1$, one generator seed
# per panel). The panel titles give the mean spectral angle
# $\theta = \arccos \frac{\langle \mathbf{x}, \mathbf{x}' \rangle}{\|\mathbf{x}\|\,\|\mathbf{x}'\|}$
# between before and after (0° = same shape) and the relative change
# $\|\mathbf{x}' - \mathbf{x}\| / \|\mathbf{x}\|$. Spatial transforms and pixel removal are
# the identity on single spectra: their panels say so.

# %%
if shown:
    fig = transform_gallery(spectra, shown, seed, wavelengths=spec_img.wavelengths,
                            sample_names=spectrum_names, source=spec_img.display_name, units=units)

# %% [markdown]
# ## Paper A's transforms on a patch
#
# One row per transform: the false-colour patch before and after (the same colour stretch
# for both, so brightness changes show), and the spectrum of the centre pixel, the pixel
# whose label the patch carries, before (solid) and after (dashed).

# %%
if shown:
    fig = transform_gallery(patches, shown, seed, wavelengths=patch_img.wavelengths,
                            rgb_bands=patch_img.rgb_bands, reference=patch_img.cube,
                            source=patch_img.display_name, units=units)

# %% [markdown]
# ## Paper C's toolbox, on reflectance
#
# The typical pixels of `reflectance_scene` (Samson by default), loaded as reflectance
# (`normalise="none"`), which is what method C trains on; then a 9 × 9 reflectance patch
# of that scene, placed where its false colour varies most. Erased bands become 0 (no light). Two things to keep in mind
# when reading the spectra gallery: spectral flip and band permutation are meant to be
# violent (invariance to band order), and nearest-neighbour mixing searches the
# neighbours among the pixels it is given, so on these few spectra it averages them all
# together; on a patch it averages each pixel with its 4 spectrally nearest pixels of the
# patch, which is the transform method C uses.

# %%
refl_img = hsinb.load_scene(reflectance_scene, data_dir=data_dir, seed=seed, normalise="none")
check_reflectance(refl_img.cube, refl_img.units, refl_img.display_name)  # Hapke and atmosphere need it
refl_units = value_label(refl_img.units, "none")
refl_pixels, refl_spectra, refl_names = typical_spectra(refl_img, max_classes=4)  # (n, B) reflectance
_, refl_patches = showcase_patches(refl_img, size, refl_pixels)  # (n, B, 9, 9) reflectance
if shown_c:
    fig = transform_gallery(refl_spectra, shown_c, seed, wavelengths=refl_img.wavelengths,
                            sample_names=refl_names, source=refl_img.display_name, units=refl_units)
    fig = transform_gallery(refl_patches, shown_c, seed, wavelengths=refl_img.wavelengths,
                            rgb_bands=refl_img.rgb_bands, reference=refl_img.cube,
                            source=refl_img.display_name, units=refl_units)

# %% [markdown]
# ## Pairs before any transform
#
# **Overlapping patches** (patch scene): each colour is one pair, the solid window the
# anchor, the dashed window its partner, with their overlap fraction. The histogram shows
# the overlap of every offset the sampler can draw (all equally likely).
#
# **Neighbour pixels** (spectra scene): the anchor pixel (circle), its $5 \times 5$
# neighbourhood and the partner drawn in it (cross). The right panel compares the two
# spectra: near a class boundary the partner can belong to another class.

# %%
fig = pair_views_figure(patch_img, "overlap", n_pairs=4, size=size, seed=seed)

# %%
fig = pair_views_figure(spec_img, "neighbour", n_pairs=4, neighbourhood=5, seed=seed)

# %% [markdown]
# ## Explore one transform at a time
#
# Each explorer has a slider for every parameter of the transform (read from its
# dataclass, the documented defaults preselected), the probability $p$ (at $p < 1$ some
# samples stay unchanged, as in training) and the generator seed. The static figure below
# each explorer shows the defaults, for runs without a live kernel. Spatial transforms and
# pixel removal are shown on patches, the others on the spectra; paper C's own transforms
# on reflectance.

# %%
for name in dict.fromkeys(shown[:1] + shown_c[:1]) if quick else names:
    on_patches = name in SPATIAL or name == "pixel_drop"
    if name in PAPER_A_TRANSFORMS:
        img, data = (patch_img, patches) if on_patches else (spec_img, spectra)
    else:  # paper C's own transforms: reflectance
        img, data = refl_img, (refl_patches if on_patches else refl_spectra)
    fig = transform_explorer(
        data,
        name,
        wavelengths=img.wavelengths,
        seed=seed,
        sample_names=None if on_patches else (spectrum_names if name in PAPER_A_TRANSFORMS else refl_names),
        rgb_bands=img.rgb_bands,
        reference=img.cube if on_patches else None,
        source=img.display_name,
        units=units if name in PAPER_A_TRANSFORMS else refl_units,
    )

# %% [markdown]
# ## What this run showed
#
# - **Shape-preserving transforms.** Scaling leaves the spectral angle at exactly 0°: the
#   curve is stretched about the scene average (zero in these units) but keeps its shape,
#   so a classifier that looks at shape still sees the same class. Flips and rotations
#   keep every spectrum of a patch, and the centre spectrum does not even move (the
#   patch gallery says "unchanged").
# - **Transforms that change the shape.** Noise, band swap and band drop all move the
#   spectral angle away from 0°. Noise at the default $\sigma$ is small next to the
#   differences between classes; band drop cuts notches to zero (the scene average), which
#   a network must learn to bridge; band swap only jitters neighbouring bands. Translation
#   moves the whole curve by one bias: in band-standardised units that is a shift towards
#   or away from the scene average, which can make a dark class (water) look less dark.
# - **The resized crop** is the one spatial transform that changes the centre spectrum: it
#   interpolates between neighbours, so near a class boundary the centre becomes a mixture.
#   Pixel removal may delete the centre pixel itself (`keep_centre=False` by default).
# - **Pairs.** With overlapping patches the two windows share at least half their pixels,
#   so the two views mostly see the same ground. Neighbour pixels are at most two pixels
#   apart, yet at a class boundary the partner's spectrum can belong to another class:
#   such pairs teach the encoder to ignore exactly the difference a classifier needs. The
#   figure titles give the share of 10 000 drawn pairs whose two centres carry the same
#   label: the rest are "false positives" of the spatial prior.
# - **Which keep the class identity?** Judge from the galleries: a transform keeps the
#   class if the dashed curve of each class stays closer to its own solid curve than to
#   the other classes' curves. Try larger parameters in the explorers (e.g. translation
#   bias ±1, band drop 50 %) to see where that breaks. The paper found flips, noise, band
#   drop and band swap to work best on PaviaU.
# - **Paper C's toolbox, on reflectance.** The two physical models mostly change
#   brightness and keep the spectral angle within a few degrees, so they mimic
#   illumination and atmosphere without inventing new materials. How much brightness
#   depends on the drawn angle: tens of percent at moderate sun angles, and near the
#   85° end of the default range almost all of it. Elastic distortion bends the shape by a
#   degree or so, spectral shift by a few degrees, more for spectra with a steep edge
#   (water, vegetation's red edge); band erasure cuts a tenth of the spectrum
#   to zero, which costs up to tens of degrees when the block falls on a bright stretch.
#   Spectral flip and band permutation move the angle by tens of degrees: they teach
#   invariance to band order, something no sensor produces. For abundance regression the
#   contrastive term pulls such a view onto its original, which is one reason to ask, with
#   notebook 06's tables, whether these views help at all.
# - **Real or simulated**: the spectra come from the scene named in each title; patches
#   from `demo` are simulated and only show what the transforms do, not how real
#   landscapes look.
