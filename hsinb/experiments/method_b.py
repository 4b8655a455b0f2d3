"""Method B (paper B): cross-domain contrastive pre-training, transferred to a target scene.

One run = one method, one backbone and one split seed on the target:

* ``self-sup``: pre-train the cross-domain CNN on the unlabelled source scenes with eq. (1)
  over p×p regions (:func:`hsinb.training.cross_domain.pretrain_regions`), then keep the
  shared network, give the target a new encoder and classifier (N(0, 0.001²), 10× LR) and
  fine-tune on the target's training pixels;
* ``sup``: the same transfer from a network pre-trained on the sources' labels;
* ``cd-scratch``: one joint supervised training on the sources' labels and the target's
  training pixels, each scene with its own encoder and classifier;
* ``scratch``: the target alone, same recipe as the transfer but a random shared network.

Pre-trained networks are cached by configuration (:mod:`.encoder_cache`): one per
(sources, p, n, τ, regions, seed) serves every number of training samples and split. The
record holds OA, AA and κ in % (and the SVM / logistic-regression baselines on the
target's spectra, same split), the pre-training history and, for the pretext-task trap,
how well the pre-trained embedding separates scenes and classes (:func:`embedding_purity`).

Our choices where paper B is silent (each one a parameter, recorded): a per-pixel layer
normalisation in each domain-specific encoder and the gradient's norm clipped to 1 (without
them the paper's learning rates diverge, see :mod:`hsinb.models.cross_domain` and
:mod:`hsinb.training.cross_domain`; ``clip_norm=0`` turns clipping off); embeddings are
L2-normalised; fine-tuning batches of 128 patches; the sources' labelled pixels for ``sup``
and ``cd-scratch`` are 200 per class; ``cd-scratch`` trains for the pre-training
schedule (200 iterations); pre-trained layers start from PyTorch's default initialisation.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from ..errors import InvalidParameterError, check_choice
from ..models.cross_domain import ENCODER_NORMS
from ..runtime import pick_device, seed_everything
from ..scenes import Scene, load_scene
from ..scenes.load import file_provenance, require_labels
from ..splits import Split, block_split, per_class_split, random_split, thin_train
from .params import make_task, record_params, with_quick

__all__ = ["METHODS_B", "PAPER_B_SOURCES", "REAL_B_SOURCES", "DEMO_B_SOURCES", "MethodBParams", "MethodBRun",
           "QUICK_B", "run", "method_b_task", "load_domain", "embed_labelled", "embedding_purity", "target_split"]

METHODS_B = ("self-sup", "sup", "cd-scratch", "scratch")
PAPER_B_SOURCES = "salinas-sim,ksc-sim,pavia_centre-sim,paviaU-sim,botswana-sim"
#: unlabelled real cubes of other sensors and band counts, for the real-data study
REAL_B_SOURCES = "abu-urban-1,abu-beach-1,abu-airport-1,san_diego,hydice_urban,samson"
#: built-in demo scenes of other band counts (no data file): the notebook's default sources
DEMO_B_SOURCES = "demo:1:90,demo:2:150,demo:3:60"
SPLITS_B = ("random", "blocks")
INIT_STD = 0.001  # paper B: layers not inherited start from N(0, 0.001²)


@functools.lru_cache(maxsize=16)
def load_domain(token: str, data_dir: str | None = None, cube_var: str | None = None,
                labels_var: str | None = None) -> Scene:
    """A scene by name, normalised on its own (band standardisation); cached per process,
    so that a grid worker loads the five source stand-ins once. ``demo:SEED:BANDS`` is a
    built-in demo scene with its own seed and band count (quick mode's sources). A path to
    your own file is read with ``cube_var`` and ``labels_var`` when given."""
    if token.startswith("demo:"):
        _, seed, bands = token.split(":")
        return load_scene("demo", seed=int(seed), n_bands=int(bands), normalise="band_standardise")
    return load_scene(token, data_dir=data_dir, normalise="band_standardise", cube_var=cube_var, labels_var=labels_var)


def _tokens(text: str) -> list[str]:
    names = [t.strip() for t in str(text).split(",") if t.strip()]
    if not names:
        raise InvalidParameterError("sources must name at least one scene (comma-separated)")
    return names


def cube_tensor(scene: Scene) -> torch.Tensor:
    """(B, H, W) float32 band-first cube of a scene."""
    return torch.as_tensor(np.ascontiguousarray(np.moveaxis(scene.cube, -1, 0)), dtype=torch.float32)


@dataclass(frozen=True, kw_only=True)
class MethodBParams:
    """The parameters of ``notebooks/05_cross_domain_contrastive.ipynb`` and of its batch task
    (:func:`method_b_task`); quick setting :data:`QUICK_B`.

    ``train_samples`` with ``samples_per="class"`` (default: 200 per class, a class with
    fewer keeps all but one pixel for testing) or ``"total"`` (200 drawn over the scene).
    ``target`` may be a path to your own .mat or ENVI file (``cube_var``, ``labels_var``
    name its variables when the file does not make them unambiguous); so may each source.
    ``split="blocks"`` draws the training pixels from 10×10 tiles kept apart from the test
    tiles by a guard of patch // 2 pixels (no training patch covers a test pixel).
    """

    target: str = "demo"
    cube_var: str | None = None
    labels_var: str | None = None
    sources: str = DEMO_B_SOURCES
    method: str = "self-sup"
    n_modules: int = 5
    p: int = 5
    regions_per_scene: int = 1
    tau: float = 0.07
    train_samples: int = 200
    samples_per: str = "class"
    split: str = "random"
    multiscale: bool = False
    more_res: bool = True
    encoder_norm: str = "layer"
    clip_norm: float = 1.0
    width: int = 128
    pretrain_iterations: int = 200
    finetune_iterations: int = 100
    batch_size: int = 128
    source_labels: int = 200
    patch: int = 5
    baselines: str = "svm,logreg"
    seed: int = 0
    quick: bool = False
    data_dir: str | None = None
    record_path: str | None = None

    def __post_init__(self) -> None:
        check_choice("method", self.method, METHODS_B)
        check_choice("samples_per", self.samples_per, ("class", "total"))
        check_choice("split", self.split, SPLITS_B)
        check_choice("encoder_norm", self.encoder_norm, ENCODER_NORMS)
        if self.patch % 2 == 0 or self.patch < 5:
            raise InvalidParameterError(f"patch must be odd and >= 5 (the first layer is 5x5), got {self.patch}")


#: what ``quick=True`` changes: a run of seconds (on the default built-in demo scenes, no data
#: file), whose numbers are not findings
QUICK_B: dict[str, Any] = dict(width=16, n_modules=2,
                               pretrain_iterations=6, finetune_iterations=6, train_samples=5, source_labels=5,
                               baselines="")


def target_split(scene: Scene, params: MethodBParams) -> Split:
    """The target's split: random pixels (per class or in total) or disjoint blocks."""
    if params.split == "blocks":
        full = block_split(scene.labels, 10, 0.5, params.seed, guard=params.patch // 2)
        return thin_train(full, scene.labels, params.train_samples, per=params.samples_per, seed=params.seed)
    if params.samples_per == "total":
        return random_split(scene.labels, params.train_samples, params.seed)
    return per_class_split(scene.labels, params.train_samples, params.seed, on_too_few="cap", method="per_class")


class CentreClassifier(nn.Module):
    """A cross-domain CNN seen as a classifier of one scene's patches: (N, B, p, p) → (N, C)."""

    def __init__(self, model, scene: str) -> None:
        super().__init__()
        self.model, self.scene = model, scene

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model.centre_logits(x, self.scene)


def _labelled_patches(scene: Scene, per_class: int, patch: int, seed: int):
    from .fewshot import prepare_fewshot

    split = per_class_split(scene.labels, per_class, seed, on_too_few="cap")
    data = prepare_fewshot(scene, split, "2d", patch)
    return data.x_train, data.y_train


def _build(params: MethodBParams, bands: dict[str, int], classes: dict[str, int] | None = None):
    from ..models.cross_domain import CrossDomainCNN

    return CrossDomainCNN(bands, classes, width=params.width, n_modules=params.n_modules,
                          multiscale=params.multiscale, more_res=params.more_res, encoder_norm=params.encoder_norm)


def _pretrained(params: MethodBParams, sources: dict[str, Scene], progress: bool):
    """The pre-trained cross-domain CNN of the sources (self-sup or sup), from the cache."""
    from ..training.cross_domain import PAPER_B_PRETRAIN, fit_scenes, pretrain_regions
    from ..views.regions import RegionSampler
    from .encoder_cache import cached_encoder

    bands = {s: sc.n_bands for s, sc in sources.items()}
    classes = {s: sc.n_classes for s, sc in sources.items()} if params.method == "sup" else None
    config = {"method": f"B-{params.method}", "sources": list(sources), "width": params.width,
              "n_modules": params.n_modules, "multiscale": params.multiscale, "more_res": params.more_res,
              "encoder_norm": params.encoder_norm,
              "clip_norm": params.clip_norm, "iterations": params.pretrain_iterations, "seed": params.seed}
    if params.method == "self-sup":
        config.update(p=params.p, tau=params.tau, regions_per_scene=params.regions_per_scene)
    else:
        config.update(source_labels=params.source_labels, patch=params.patch, batch_size=params.batch_size)
    milestones = [round(m * params.pretrain_iterations / PAPER_B_PRETRAIN[0]) for m in PAPER_B_PRETRAIN[1]]

    def train(model) -> dict:
        torch.manual_seed(params.seed)
        if params.method == "self-sup":
            sampler = RegionSampler({s: cube_tensor(sc) for s, sc in sources.items()}, p=params.p, margin=2,
                                    regions_per_scene=params.regions_per_scene)
            return pretrain_regions(model, sampler, iterations=params.pretrain_iterations, milestones=milestones,
                                    tau=params.tau, seed=params.seed, clip_norm=params.clip_norm or None,
                                    progress=progress)
        data = {s: _labelled_patches(sc, params.source_labels, params.patch, params.seed) for s, sc in sources.items()}
        return fit_scenes(model, data, iterations=params.pretrain_iterations, milestones=milestones,
                          batch_size=params.batch_size, seed=params.seed, clip_norm=params.clip_norm or None)

    def build():
        torch.manual_seed(params.seed)
        return _build(params, bands, classes)

    return cached_encoder(config, build, train, log=print if progress else (lambda _: None))


def embed_labelled(model, scenes: dict[str, Scene], *, pixels: int = 400, seed: int = 0):
    """The shared network's embedding (L2-normalised) at up to ``pixels`` random labelled
    pixels of each scene: (z (N, D) array, scene index (N,), class id (N,))."""
    from ..patches import PaddedCube

    rng = np.random.default_rng(seed)
    zs, scene_ids, class_ids = [], [], []
    model.eval()
    with torch.no_grad():
        for i, (name, sc) in enumerate(scenes.items()):
            flat = np.flatnonzero(sc.labels.reshape(-1) > 0)
            idx = rng.choice(flat, min(pixels, flat.size), replace=False)
            rows, cols = np.divmod(idx, sc.shape[1])
            x = PaddedCube(sc.cube, 5).extract(rows, cols, "2d")
            zs.append(torch.nn.functional.normalize(model.features(x, name)[:, :, 2, 2], dim=1))
            scene_ids.append(np.full(idx.size, i))
            class_ids.append(sc.labels.reshape(-1)[idx])
    return torch.cat(zs).numpy(), np.concatenate(scene_ids), np.concatenate(class_ids)


def embedding_purity(model, scenes: dict[str, Scene], *, pixels: int = 400, k: int = 10, seed: int = 0) -> dict:
    """How the embedding of :func:`embed_labelled` is organised: ``scene`` = share of each
    pixel's k nearest neighbours (cosine) from its own scene; ``class`` = share from its own
    scene AND class; ``class_chance`` = the same share if classes were shuffled within each
    scene. The pretext-task trap: scene purity near 1 with class purity near its chance level
    means the pre-training separated the scenes and learned little else."""
    z, sid, cid = embed_labelled(model, scenes, pixels=pixels, seed=seed)
    sim = torch.as_tensor(z) @ torch.as_tensor(z).T
    sim.fill_diagonal_(-2.0)
    nn_idx = sim.topk(k, dim=1).indices.numpy()
    same_scene = sid[nn_idx] == sid[:, None]
    same_class = same_scene & (cid[nn_idx] == cid[:, None])
    chance = float(np.mean([np.sum((np.bincount(cid[sid == i]) / np.sum(sid == i)) ** 2) for i in np.unique(sid)]))
    return {"scene": float(same_scene.mean()), "class": float(same_class.mean()), "class_chance": chance, "k": k,
            "pixels_per_scene": pixels}


@dataclass
class MethodBRun:
    """What :func:`run` returns: the parameters it ran (quick applied), the record, the
    target scene and split, the trained model (a classifier of the target's patches), the
    target's patches, and the pre-trained network (None for scratch and cd-scratch)."""

    params: MethodBParams
    record: dict[str, Any]
    target: Scene
    split: Split
    classifier: nn.Module
    data: Any
    pretrained: Any = None
    sources: dict[str, Scene] | None = None


def run(params: MethodBParams, *, device=None, progress: bool = True) -> MethodBRun:
    """Method B end to end from its parameters: load the scenes, (pre-)train, transfer or
    train on the target, test, write the record. Notebook 05 and :func:`method_b_task` both
    call this."""
    from ..records import RunTimer, save_run
    from ..runtime import describe_device
    from ..training.cross_domain import PAPER_B_FINETUNE, PAPER_B_PRETRAIN, fit_scenes
    from .fewshot import classical_baselines, evaluate, prepare_fewshot

    params = with_quick(params, QUICK_B)
    timer = RunTimer()
    device = pick_device(device)  # recorded; the recipes run on the CPU tensors they are given
    seed_everything(params.seed)
    target = require_labels(load_domain(params.target, params.data_dir, params.cube_var, params.labels_var),
                            patch=params.patch)
    split = target_split(target, params)
    data = prepare_fewshot(target, split, "2d", params.patch)
    tname = "target"
    sources: dict[str, Scene] = {}
    if params.method != "scratch":
        sources = {s: load_domain(s, params.data_dir) for s in _tokens(params.sources)}
        if params.target in sources:
            raise InvalidParameterError(f"the target {params.target!r} is also a source; remove it from sources")
        if params.method in ("sup", "cd-scratch") and any(sc.labels is None or not (sc.labels > 0).any()
                                                           for sc in sources.values()):
            raise InvalidParameterError(f"method {params.method!r} needs labelled sources; {params.sources} has "
                                        "unlabelled scenes (use self-sup or scratch)")
    n_ft, ms_ft = params.finetune_iterations, [round(m * params.finetune_iterations / PAPER_B_FINETUNE[0])
                                                for m in PAPER_B_FINETUNE[1]]
    extra: dict[str, Any] = {}
    pretrained = None
    torch.manual_seed(params.seed)
    if params.method in ("self-sup", "sup"):
        pretrained, info, from_cache = _pretrained(params, sources, progress)
        hist = info["history"]
        extra["pretrain"] = {"key": info["key"], "from_cache": from_cache, "iterations": hist["iterations"],
                             "loss_first": hist["loss"][0], "loss_last": hist["loss"][-1],
                             "loss": hist["loss"], "wall_s": hist["wall_s"]}
        if params.method == "self-sup":
            extra["pretrain"]["pixels_per_iteration"] = hist["pixels"]
            extra["purity"] = embedding_purity(pretrained, {s: sc for s, sc in sources.items() if sc.labels is not None
                                                            and (sc.labels > 0).any()}, seed=params.seed)
        model = _build(params, {s: sc.n_bands for s, sc in sources.items()},
                       {s: sc.n_classes for s, sc in sources.items()} if params.method == "sup" else None)
        model.load_state_dict(pretrained.state_dict())
        model.add_domain(tname, target.n_bands, target.n_classes, init_std=INIT_STD)
        hist = fit_scenes(model, {tname: (data.x_train, data.y_train)}, iterations=n_ft, milestones=ms_ft,
                          batch_size=params.batch_size, fast_scenes=[tname], domain_lr_scale=10.0, seed=params.seed,
                          clip_norm=params.clip_norm or None)
    elif params.method == "scratch":
        model = _build(params, {tname: target.n_bands}, {tname: target.n_classes})
        model.reinit_domain(tname, INIT_STD)
        hist = fit_scenes(model, {tname: (data.x_train, data.y_train)}, iterations=n_ft, milestones=ms_ft,
                          batch_size=params.batch_size, fast_scenes=[tname], domain_lr_scale=10.0, seed=params.seed,
                          clip_norm=params.clip_norm or None)
    else:  # cd-scratch: sources' labels and the target's training pixels together
        bands = {**{s: sc.n_bands for s, sc in sources.items()}, tname: target.n_bands}
        classes = {**{s: sc.n_classes for s, sc in sources.items()}, tname: target.n_classes}
        model = _build(params, bands, classes)
        joint = {s: _labelled_patches(sc, params.source_labels, params.patch, params.seed) for s, sc in sources.items()}
        joint[tname] = (data.x_train, data.y_train)
        n_pt = params.pretrain_iterations
        hist = fit_scenes(model, joint, iterations=n_pt, batch_size=params.batch_size, seed=params.seed,
                          clip_norm=params.clip_norm or None,
                          milestones=[round(m * n_pt / PAPER_B_PRETRAIN[0]) for m in PAPER_B_PRETRAIN[1]])
    extra["finetune"] = {"iterations": hist["iterations"], "loss_last": hist["loss"][-1], "wall_s": hist["wall_s"]}
    classifier = CentreClassifier(model, tname)
    test = evaluate(classifier, data)
    metrics = {"OA": 100 * test["OA"], "AA": 100 * test["AA"], "kappa": 100 * test["kappa"],
               "finetune_loss_last": hist["loss"][-1]}  # under-fitting shows here (cross-entropy, nats)
    for name, res in classical_baselines(target, split, tuple(_tokens(params.baselines)) if params.baselines
                                         else (), seed=params.seed).items():
        metrics.update({f"{name}_OA": 100 * res["OA"], f"{name}_AA": 100 * res["AA"],
                        f"{name}_kappa": 100 * res["kappa"]})
    if "purity" in extra:  # the pretext-task trap, as numbers a table can average (in %)
        metrics.update({f"purity_{k}": 100 * extra["purity"][k] for k in ("scene", "class", "class_chance")})
    if params.method == "self-sup":
        # eq. (1)'s floor: each query's p²-1 positives share the denominator, negatives vanish
        floor = (params.p ** 2 - 1) * float(np.log(params.p ** 2 - 1)) if params.p > 1 else 0.0
        metrics["pretrain_loss_excess"] = extra["pretrain"]["loss_last"] - floor
    extra["n_train"], extra["n_test"] = int(split.train.size), int(split.test.size)
    extra["scene_file"] = file_provenance(target)
    extra["per_class"] = test["per_class"]
    record = save_run(params.record_path, record_params(params), metrics, split, describe_device(device), timer,
                      extra=extra)
    return MethodBRun(params, record, target, split, classifier, data, pretrained, sources)


#: the batch twin of ``notebooks/05_cross_domain_contrastive.ipynb``: :func:`run` with the fields
#: of :class:`MethodBParams` as keyword arguments, no figures; returns the record
method_b_task = make_task(MethodBParams, run, "method_b_task", __name__,
                          "The batch twin of notebook 05: run(MethodBParams(**kwargs)) without figures; the record.")
