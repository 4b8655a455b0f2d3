"""Method A end to end: Barlow Twins pre-training (cached), then supervised, linear-probe
and finetune classifiers and the classical baselines on one few-shot split.

Notebooks 03 and 04 and the grids call :func:`run_method_a`; the pieces it combines live in
:mod:`~hsinb.views`, :mod:`~hsinb.models`, :mod:`~hsinb.objectives` and the recipes of
:mod:`~hsinb.training.classify` / :mod:`~hsinb.training.pretrain`.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch

from ..errors import check_choice
from ..models import Projector, WithCentreSpectrum, build_encoder
from ..runtime import pick_device, seed_everything, torch_generator
from ..scenes.scene import Scene
from ..splits import Split
from ..training.classify import (
    FINETUNE_CANDIDATES,
    LPFT_CANDIDATES,
    diverged,
    fit_finetune_candidate,
    fit_linear_probe,
    fit_supervised,
    select_finetune,
)
from ..training.linear import fit_logistic_probe
from ..training.pretrain import pretrain_barlow_twins
from ..views import PairSampler, build_transforms
from .encoder_cache import cached_encoder
from .fewshot import MODELS, FewShotData, classical_baselines, evaluate, prepare_fewshot
from .method_a_diagnostics import feature_rank, mixed_pixel_summary, pretrain_summary
from .params import make_task, parameter_defaults, record_params, with_quick

PROTOCOLS = ("supervised", "linear", "finetune")
#: every protocol a run may ask for: the default three, and "linear_spectrum", the linear probe
#: on the frozen features with the centre pixel's own spectrum beside them
#: (:class:`~hsinb.models.WithCentreSpectrum`; for mixed-pixel scenes),
#: and "finetune_lpft", the finetune whose head starts from the linear probe (LP-FT; added after
#: the paper-budget 1-D finetunes ended below their own probe, so exploratory)
ALL_PROTOCOLS = (*PROTOCOLS, "linear_spectrum", "finetune_lpft")
#: linear probes: L2 logistic regression on standardised frozen features with C by stratified
#: cross-validation on the K labels (the care the spectral logistic regression gets), or the
#: SGD-trained linear layer on raw frozen features that the tables before issue 17 used
PROBES = ("logreg_cv", "sgd")
#: finetune settings: "cv" chooses the encoder's learning rate and whether its batch norm keeps
#: the pre-training statistics by cross-validation on the K labels (FINETUNE_CANDIDATES);
#: "fixed" is the encoder at 0.1x the learning rate with batch norm re-estimated, as before
FINETUNE_MODES = ("cv", "fixed")
#: paper A, section 4.2: the transforms used for the 2-D results
PAPER_TRANSFORMS_2D = ("flip", "noise", "band_drop", "band_swap")


@dataclass
class MethodAConfig:
    """Everything that defines a method-A run (defaults: paper A where it says, else ours).

    ``pretrain_steps_per_epoch=None`` is one pass over all pixels per epoch, as in the
    paper; a number caps it (a reduced budget, recorded with the results).
    """

    model: str = "2d"  # "1d" (ResNet1d on pixels) or "2d" (ResNet2d on p×p patches)
    patch: int = 9
    width: int = 64
    feature_dim: int = 128
    pairing: str = "overlap"  # "overlap", "neighbour" or "same"
    min_overlap: float = 0.5
    neighbourhood: int = 5
    transforms: tuple[str, ...] = PAPER_TRANSFORMS_2D
    transform_p: float = 0.75
    pretrain_epochs: int = 100
    pretrain_steps_per_epoch: int | None = None
    pretrain_batch: int = 256
    pretrain_lr: float = 0.2
    lambd: float = 5e-3
    projector_dim: int = 512
    classify_epochs: int = 100
    classify_lr: float = 0.01
    probe: str = "logreg_cv"  # see PROBES
    probe_lr: float = 0.1  # the SGD probe only
    finetune: str = "cv"  # see FINETUNE_MODES
    classify_batch: int = 32
    protocols: tuple[str, ...] = PROTOCOLS
    baselines: tuple[str, ...] = ("svm", "logreg")
    eval_pixels: int | None = None  # None: every test pixel
    checkpoint_epochs: tuple[int, ...] = ()  # a budget curve: the probe also on these snapshots
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_choice("model", self.model, MODELS)
        check_choice("probe", self.probe, PROBES)
        check_choice("finetune", self.finetune, FINETUNE_MODES)
        for p in self.protocols:
            check_choice("protocol", p, ALL_PROTOCOLS)
        self.transforms = tuple(self.transforms)
        self.protocols = tuple(self.protocols)
        self.baselines = tuple(self.baselines)
        self.checkpoint_epochs = tuple(sorted({int(e) for e in self.checkpoint_epochs}))
        if self.checkpoint_epochs and "linear" not in self.protocols:
            from ..errors import InvalidParameterError

            raise InvalidParameterError("checkpoint_epochs makes a budget curve of the linear probe: add 'linear' "
                                        "to protocols, or leave checkpoint_epochs empty")
        bad = [e for e in self.checkpoint_epochs if not 0 < e < self.pretrain_epochs]
        if bad:
            from ..errors import InvalidParameterError

            raise InvalidParameterError(f"checkpoint epochs {bad} are not within the {self.pretrain_epochs} "
                                        "pre-training epochs (the last epoch is always probed)")

    def pretrain_config(self, scene: Scene, seed: int) -> dict[str, Any]:
        """What the pre-trained encoder depends on (the cache key): not K, not protocols."""
        keys = ("model", "patch", "width", "feature_dim", "pairing", "min_overlap", "neighbourhood",
                "transforms", "transform_p", "pretrain_epochs", "pretrain_steps_per_epoch",
                "pretrain_batch", "pretrain_lr", "lambd", "projector_dim")
        d = asdict(self)
        meta = {k: scene.meta.get(k) for k in ("difficulty", "seed", "normalisation")}
        if "sha256" in scene.meta:  # your own file: two files of one name never share an encoder
            meta["sha256"] = scene.meta["sha256"]
        return {"scene": scene.name, "scene_meta": meta,
                "shape": list(scene.shape), "seed": seed, **{k: d[k] for k in keys}}


def build_model(cfg: MethodAConfig, n_bands: int) -> torch.nn.Module:
    """A fresh encoder of the configured family and width."""
    return build_encoder(MODELS[cfg.model][0], n_bands, width=cfg.width, feature_dim=cfg.feature_dim)


def pretrain(scene: Scene, cfg: MethodAConfig, seed: int, device=None, progress: bool = True):
    """The Barlow Twins encoder for (scene, seed, cfg), from the cache when there."""
    device = pick_device(device)
    size = 1 if cfg.model == "1d" else cfg.patch

    def train(encoder, keep=None):
        seed_everything(seed)
        g = torch_generator(seed, device)
        sampler = PairSampler(scene.cube, cfg.pairing, size, min_overlap=cfg.min_overlap,
                              neighbourhood=cfg.neighbourhood, device=device)
        tf = build_transforms(cfg.transforms, p=cfg.transform_p) if cfg.transforms else None
        proj = Projector(encoder.feature_dim, cfg.projector_dim, cfg.projector_dim)
        _, hist = pretrain_barlow_twins(encoder.to(device), proj, sampler, tf, epochs=cfg.pretrain_epochs,
                                        steps_per_epoch=cfg.pretrain_steps_per_epoch,
                                        batch_size=cfg.pretrain_batch, lr=cfg.pretrain_lr, lambd=cfg.lambd,
                                        generator=g, device=device, progress=progress, on_epoch_end=keep)
        return hist

    seed_everything(seed)
    enc, info, hit = cached_encoder(cfg.pretrain_config(scene, seed), lambda: build_model(cfg, scene.n_bands), train,
                                    snapshots=cfg.checkpoint_epochs)
    return enc.to(device), info, hit


def _probe(encoder: torch.nn.Module, data: FewShotData, cfg: MethodAConfig, seed: int, common: dict):
    """The configured linear probe on a copy of the frozen ``encoder``: (model, what was
    chosen, SGD history or None)."""
    seed_everything(seed)
    if cfg.probe == "logreg_cv":
        model, chosen = fit_logistic_probe(copy.deepcopy(encoder), data.x_train, data.y_train,
                                           n_classes=data.n_classes, seed=seed)
        return model, {"probe": cfg.probe, **chosen}, None
    model, hist = fit_linear_probe(copy.deepcopy(encoder), data.x_train, data.y_train, lr=cfg.probe_lr,
                                   generator=torch_generator(seed), **common)
    return model, {"probe": cfg.probe, "lr": cfg.probe_lr}, hist


def budget_curve(info: dict[str, Any], data: FewShotData, cfg: MethodAConfig, seed: int, common: dict,
                 device=None) -> list[dict[str, Any]]:
    """The linear probe on the snapshots of one pre-training (``cfg.checkpoint_epochs``; the
    final encoder is the run's own BT + Lin): per snapshot its ``epoch``, ``steps``,
    ``pairs``, the epoch's mean Barlow Twins ``loss`` and its two terms, the learning rate
    ``lr`` at the epoch's end (the snapshots lie on ONE schedule: warm-up, then cosine decay),
    the ``effective_rank`` of the frozen features, and the probe's test ``linear_OA`` /
    ``linear_kappa`` (%) and chosen C."""
    from .encoder_cache import load_snapshot

    hist = info.get("history") or {}
    per_epoch = hist.get("steps", 0) // max(1, len(hist.get("loss") or [1]))
    points = []
    for epoch in cfg.checkpoint_epochs:
        encoder = load_snapshot(build_model(cfg, data.n_bands), info, epoch).to(device).eval()
        model, chosen, _ = _probe(encoder, data, cfg, seed, common)
        m = evaluate(model, data, "test", max_pixels=cfg.eval_pixels, seed=seed)
        point = {"epoch": epoch, "steps": epoch * per_epoch, "pairs": epoch * per_epoch * cfg.pretrain_batch,
                 **{k: hist[k][epoch - 1] for k in ("loss", "invariance", "redundancy", "lr") if hist.get(k)},
                 "effective_rank": feature_rank(encoder, data, seed), "linear_OA": 100 * m["OA"],
                 "linear_kappa": 100 * m["kappa"], "probe": chosen}
        points.append(point)
    return points


def select_probe(result: dict[str, Any]) -> dict[str, Any]:
    """The test metrics of the linear probe whose features (frozen features alone, or with the
    centre pixel's spectrum beside them) scored the higher cross-validated accuracy on the
    TRAINING labels (ties and missing scores: the features alone); ``"chosen"`` names it.
    Model selection on the K labels only: the test pixels never choose."""
    plain = (result.get("probe") or {}).get("cv_accuracy", float("nan"))
    both = (result.get("probe_spectrum") or {}).get("cv_accuracy", float("nan"))
    name = "linear_spectrum" if both == both and (plain != plain or both > plain) else "linear"
    return {**result["metrics"][name], "chosen": name}


def _finetune(encoder: torch.nn.Module, data: FewShotData, cfg: MethodAConfig, seed: int, common: dict,
              candidates) -> tuple[dict, torch.nn.Module, dict]:
    """Finetune a copy of ``encoder`` with the setting chosen among ``candidates`` by
    cross-validation on the training labels (None: the fixed setting, encoder at 0.1x, batch
    norm re-estimated): ``(what was chosen and used, model, history)``. A final fit that
    diverges (NaN loss on the training labels) gives way to the next candidate by CV score."""
    settings = {"encoder_lr_scale": 0.1, "freeze_bn": False}
    fit = {k: v for k, v in common.items() if k != "n_classes"}
    if candidates is not None:
        chosen = select_finetune(encoder, data.x_train, data.y_train, n_classes=data.n_classes, seed=seed,
                                 candidates=candidates, lr=cfg.classify_lr, **fit)
        settings, record = chosen["chosen"], {"finetune": "cv", **chosen}
    else:
        record = {"finetune": "fixed", "chosen": settings}
    for tried in (record.get("ranked") or [settings]):
        seed_everything(seed)
        model, hist = fit_finetune_candidate(copy.deepcopy(encoder), data.x_train, data.y_train, candidate=tried,
                                             n_classes=data.n_classes, seed=seed, lr=cfg.classify_lr,
                                             generator=torch_generator(seed), **fit)
        if not diverged(hist):
            break
        record.setdefault("diverged", []).append(tried)
    record["used"] = tried
    return record, model, hist


def run_method_a(scene: Scene, split: Split, cfg: MethodAConfig, seed: int, device=None,
                 progress: bool = True) -> dict[str, Any]:
    """Train and evaluate every configured protocol on ``split``.

    Network protocols keep their test predictions (``metrics[p]["pixels"]``,
    ``["predictions"]``) for maps. Returns ``{"metrics": {protocol: classification metrics}, "histories": {...},
    "models": {...}, "data": FewShotData, "pretrain": info, "probe": ..., "finetune": ...,
    "budget_curve": the probe on earlier snapshots (:func:`budget_curve`) or None}``; flat
    scalars for records come from :func:`flat_metrics`.
    """
    device = pick_device(device)
    data: FewShotData = prepare_fewshot(scene, split, cfg.model, cfg.patch, device)
    out: dict[str, Any] = {"metrics": {}, "histories": {}, "models": {}, "data": data, "pretrain": None,
                           "probe": None, "probe_spectrum": None, "finetune": None, "finetune_lpft": None, "budget_curve": None,
                           "supervised_diverged": None}
    common = dict(epochs=cfg.classify_epochs, batch_size=cfg.classify_batch, n_classes=scene.n_classes,
                  device=device, progress=False)
    if "supervised" in cfg.protocols:
        seed_everything(seed)
        model, hist = fit_supervised(build_model(cfg, scene.n_bands), None, data.x_train, data.y_train,
                                     lr=cfg.classify_lr, generator=torch_generator(seed), **common)
        out["models"]["supervised"], out["histories"]["supervised"] = model, hist
        out["supervised_diverged"] = diverged(hist)
    if {"linear", "linear_spectrum", "finetune", "finetune_lpft"} & set(cfg.protocols):
        encoder, info, hit = pretrain(scene, cfg, seed, device, progress)
        out["pretrain"] = {**info, "from_cache": hit, "effective_rank": feature_rank(encoder, data, seed)}
        if "linear" in cfg.protocols:
            model, out["probe"], hist = _probe(encoder, data, cfg, seed, common)
            if hist is not None:
                out["histories"]["linear"] = hist
            out["models"]["linear"] = model
            if cfg.checkpoint_epochs:
                out["budget_curve"] = budget_curve(info, data, cfg, seed, common, device)
        if "linear_spectrum" in cfg.protocols:
            both = WithCentreSpectrum(encoder, scene.n_bands)
            out["models"]["linear_spectrum"], out["probe_spectrum"], _ = _probe(both, data, cfg, seed, common)
        if "finetune" in cfg.protocols:
            out["finetune"], out["models"]["finetune"], out["histories"]["finetune"] = _finetune(
                encoder, data, cfg, seed, common, FINETUNE_CANDIDATES if cfg.finetune == "cv" else None)
        if "finetune_lpft" in cfg.protocols:  # always chosen by CV (``finetune`` sets BT + Tune only)
            out["finetune_lpft"], out["models"]["finetune_lpft"], out["histories"]["finetune_lpft"] = _finetune(
                encoder, data, cfg, seed, common, LPFT_CANDIDATES)
    for name, model in out["models"].items():
        out["metrics"][name] = evaluate(model, data, "test", max_pixels=cfg.eval_pixels, seed=seed,
                                        keep_predictions=True)
    if out["budget_curve"] is not None:  # the last point: the run's own BT + Lin
        hist, lin = out["pretrain"].get("history") or {}, out["metrics"]["linear"]
        out["budget_curve"].append({
            "epoch": cfg.pretrain_epochs, "steps": hist.get("steps"), "pairs": hist.get("pairs"),
            **{k: hist[k][-1] for k in ("loss", "invariance", "redundancy", "lr") if hist.get(k)},
            "effective_rank": out["pretrain"]["effective_rank"], "linear_OA": 100 * lin["OA"],
            "linear_kappa": 100 * lin["kappa"], "probe": out["probe"]})
    if {"linear", "linear_spectrum"} <= set(out["metrics"]):
        out["metrics"]["linear_select"] = select_probe(out)
    if cfg.baselines:
        out["metrics"].update(classical_baselines(scene, split, cfg.baselines, cfg.eval_pixels, seed,
                                                  keep_predictions=True))
    return out


def flat_metrics(metrics: dict[str, dict], scale: float = 1.0) -> dict[str, float]:
    """``{"supervised_OA": ..., "linear_kappa": ...}`` scalars for a run record."""
    flat = {}
    for name, m in metrics.items():
        for k in ("OA", "AA", "kappa"):
            flat[f"{name}_{k}"] = scale * m[k]
    return flat


@dataclass(frozen=True, kw_only=True)
class MethodAParams:
    """The parameters of ``notebooks/04_barlow.ipynb`` and of its batch task
    (:func:`method_a_task`): one source for names, defaults and the quick setting
    (:data:`QUICK_A`); a test holds the notebook's parameters cell against it.

    ``K=0`` uses the official training map. ``split`` (:data:`SPLITS_A`) is where the K
    labels per class come from: ``"random"`` pixels (paper A; on a small cube the p×p
    training patches then cover test pixels) or ``"blocks"``, spatially disjoint
    ``block``×``block`` tiles (half for test) with a guard of ``patch // 2`` pixels, so that
    no training patch covers a test pixel (:func:`split_for`). Name lists are comma-separated strings (papermill
    passes strings): ``transforms=""`` or ``"none"`` for none. ``budget`` picks the
    pre-training budget (:data:`BUDGETS_A`): ``"laptop"`` (default: the whole run in minutes on
    a 2-core CPU), ``"paper"`` (paper A's 100 epochs over all pixels) or ``"custom"``
    (``pretrain_epochs`` and ``pretrain_steps_per_epoch`` as given; steps None = one pass over
    all pixels per epoch). ``checkpoint_epochs`` (e.g. ``"8,25,50"``) makes a budget curve:
    the linear probe also on the encoder's snapshots after those epochs of the same
    pre-training (``record["extra"]["budget_curve"]``).
    """

    scene: str = "demo"
    cube_var: str | None = None
    labels_var: str | None = None
    K: int = 10
    on_too_few: str = "error"
    seed: int = 0
    split: str = "random"
    block: int = 10
    model: str = "2d"
    pairing: str = "overlap"
    transforms: str = ",".join(PAPER_TRANSFORMS_2D)
    patch: int = 9
    width: int = 64
    budget: str = "laptop"
    pretrain_epochs: int | None = None
    pretrain_steps_per_epoch: int | None = None
    epochs: int = 100
    protocols: str = ",".join(PROTOCOLS)
    baselines: str = "svm,logreg"
    probe: str = "logreg_cv"
    finetune: str = "cv"
    normalise: str = "band_standardise"
    eval_pixels: int | None = None
    checkpoint_epochs: str = ""
    quick: bool = False
    data_dir: str | None = None
    record_path: str | None = None

    def config(self) -> MethodAConfig:
        """The :class:`MethodAConfig` of these parameters."""

        def names(text: str) -> tuple[str, ...]:
            return tuple(t.strip() for t in (text or "").split(",") if t.strip() and t.strip() != "none")

        return MethodAConfig(model=self.model, patch=self.patch, width=self.width, pairing=self.pairing,
                             transforms=names(self.transforms), pretrain_epochs=self.pretrain_epochs,
                             pretrain_steps_per_epoch=self.pretrain_steps_per_epoch, classify_epochs=self.epochs,
                             protocols=names(self.protocols), baselines=names(self.baselines),
                             probe=self.probe, finetune=self.finetune, eval_pixels=self.eval_pixels,
                             checkpoint_epochs=_epochs(self.checkpoint_epochs))


def _epochs(value) -> tuple[int, ...]:
    """Checkpoint epochs from ``"8,25,50"`` (papermill passes strings) or a list of numbers."""
    from ..errors import InvalidParameterError

    items = value if isinstance(value, (list, tuple)) else str(value or "").replace("none", "").split(",")
    try:
        return tuple(int(str(e).strip()) for e in items if str(e).strip())
    except ValueError as exc:
        raise InvalidParameterError(f"checkpoint_epochs must be epochs such as '8,25,50', got {value!r}") from exc


#: pre-training budgets (``budget``): "laptop" keeps notebook 04's design-card call
#: (``-p K 7`` on the demo scene) within 5 minutes on 2 CPU cores (100 steps of 256 pairs:
#: about 2 of the 5 minutes at 220 pairs/s, results/bench/design_card_cpu.md);
#: "paper" is paper A's 100 epochs over all pixels; "custom" takes the two values as given
BUDGETS_A: dict[str, dict[str, Any]] = {
    "laptop": dict(pretrain_epochs=10, pretrain_steps_per_epoch=10),
    "paper": dict(pretrain_epochs=100, pretrain_steps_per_epoch=None),
    "custom": {},
}


def with_budget(params: MethodAParams) -> MethodAParams:
    """``params`` with the pre-training epochs and steps of its ``budget``. A preset refuses
    explicit values (they would silently lose), and ``"custom"`` needs ``pretrain_epochs``."""
    from dataclasses import replace

    from ..errors import InvalidParameterError

    check_choice("budget", params.budget, BUDGETS_A)
    given = {k: getattr(params, k) for k in ("pretrain_epochs", "pretrain_steps_per_epoch")
             if getattr(params, k) is not None}
    if params.budget == "custom":
        if params.pretrain_epochs is None:
            raise InvalidParameterError("budget='custom' needs pretrain_epochs (and pretrain_steps_per_epoch; None "
                                        "is one pass over all pixels per epoch)")
        return params
    if given:
        raise InvalidParameterError(f"{given} given with budget={params.budget!r}: pass budget='custom' "
                                    "(-p budget custom) to set the pre-training budget yourself")
    return replace(params, **BUDGETS_A[params.budget])


def resolve_params(params: MethodAParams) -> MethodAParams:
    """The parameters a run uses: the quick setting (:data:`QUICK_A`, where the caller kept the
    default), then the budget's epochs and steps. Quick mode at the default budget pre-trains
    for QUICK_A's few steps (recorded as ``budget="custom"``); a budget the caller chose is kept."""
    from dataclasses import replace

    quick = dict(QUICK_A)
    if params.quick and params.budget == parameter_defaults(MethodAParams)["budget"]:
        params = replace(params, budget="custom")
    elif params.quick:
        quick = {k: v for k, v in quick.items() if k not in ("pretrain_epochs", "pretrain_steps_per_epoch")}
    return with_budget(with_quick(params, quick))


def budget_text(params: MethodAParams, scene: Scene) -> str:
    """One line: the pre-training budget a run used (steps, pairs) beside paper A's."""
    steps_per_epoch = params.pretrain_steps_per_epoch
    pixels = scene.shape[0] * scene.shape[1]
    batch = MethodAConfig.pretrain_batch
    per_epoch = steps_per_epoch if steps_per_epoch is not None else -(-pixels // batch)
    pairs = params.pretrain_epochs * per_epoch * batch
    paper = 100 * -(-pixels // batch) * batch
    return (f"pre-training budget {params.budget!r}: {params.pretrain_epochs} epochs x {per_epoch} steps x {batch} "
            f"pairs = {pairs:,} pairs ({100 * pairs / paper:.1f} % of paper A's 100 epochs over all {pixels:,} "
            f"pixels; -p budget paper for that)")


#: where the K labels per class come from (``MethodAParams.split``)
SPLITS_A = ("random", "blocks")


def split_for(scene: Scene, params: MethodAParams) -> Split:
    """The split of a run: the official training map (``K=0``), K random pixels per class,
    or K pixels per class of the training tiles of a spatially disjoint block split (tiles of
    ``params.block`` pixels, half of them test, a guard of ``patch // 2`` so that no
    training patch covers a test pixel; the 1-D model gets the same split as the 2-D one)."""
    from ..errors import SplitError
    from ..splits import block_split, few_shot_split, official_split, thin_train

    check_choice("split", params.split, SPLITS_A)
    if params.K == 0:
        if params.split != "random":
            raise SplitError("K=0 (the official training map) has no spatially disjoint variant; use split='random'")
        return official_split(scene.labels, scene.split_maps)
    if params.split == "random":
        return few_shot_split(scene.labels, params.K, params.seed, on_too_few=params.on_too_few)
    full = block_split(scene.labels, params.block, 0.5, params.seed, guard=params.patch // 2)
    have = np.bincount(full.label_vector(scene.labels)[full.train], minlength=scene.n_classes + 1)[1:]
    short = [c + 1 for c in np.flatnonzero(have < params.K)]
    if short and params.on_too_few == "error":
        raise SplitError(f"the training tiles of the block split (block {params.block}, seed {params.seed}) hold "
                         f"fewer than K={params.K} pixels of classes {short} ({have.tolist()} per class); use "
                         "smaller blocks (-p block ...), a smaller K, or on_too_few='cap'")
    return thin_train(full, scene.labels, params.K, per="class", seed=params.seed)


#: what ``quick=True`` changes: a run of seconds (CI, workshops), whose numbers are not findings
QUICK_A: dict[str, Any] = dict(pretrain_epochs=2, pretrain_steps_per_epoch=3, epochs=3, eval_pixels=500,
                               baselines="logreg", finetune="fixed")


@dataclass
class MethodARun:
    """What :func:`run` returns: the parameters it ran (quick setting applied), the record,
    and the artefacts a notebook draws (the scene, the split and :func:`run_method_a`'s
    output: metrics, histories, models, data, pre-training)."""

    params: MethodAParams
    record: dict[str, Any]
    scene: Scene
    split: Split
    result: dict[str, Any]


def run(params: MethodAParams, *, device=None, progress: bool = True) -> MethodARun:
    """Method A end to end from its parameters: load the scene, draw the split, run every
    protocol and baseline, and write the record (to ``params.record_path`` when given, with
    the split beside it). Notebook 04 and :func:`method_a_task` both call this."""
    from ..records import RunTimer, save_run
    from ..runtime import describe_device
    from ..scenes.load import file_provenance, load_scene, require_labels
    params = resolve_params(params)
    timer = RunTimer()
    device = pick_device(device)
    data = require_labels(load_scene(params.scene, data_dir=params.data_dir, normalise=params.normalise,
                                     cube_var=params.cube_var, labels_var=params.labels_var), patch=params.patch)
    split = split_for(data, params)
    budget = budget_text(params, data)
    if progress:
        print(budget)
    result = run_method_a(data, split, params.config(), params.seed, device, progress=progress)
    metrics = result["metrics"]
    record = save_run(params.record_path, record_params(params), flat_metrics(metrics, 100), split,
                      describe_device(device), timer,
                      extra={"per_class": {k: v["per_class"] for k, v in metrics.items()},
                             "pretrain_key": (result["pretrain"] or {}).get("key"), "probe": result["probe"],
                             "probe_spectrum": result["probe_spectrum"],
                             "probe_selected": metrics.get("linear_select", {}).get("chosen"),
                             "supervised_diverged": result["supervised_diverged"],
                             "finetune": result["finetune"], "finetune_lpft": result["finetune_lpft"],
                             "pretrain": pretrain_summary(result["pretrain"]), "budget": budget,
                             "budget_curve": result["budget_curve"],
                             "mixed_pixels": mixed_pixel_summary(result, size=params.patch, seed=params.seed),
                             "scene_file": file_provenance(data)})
    return MethodARun(params, record, data, split, result)


#: the batch twin of ``notebooks/04_barlow.ipynb``: :func:`run` with the fields of
#: :class:`MethodAParams` as keyword arguments, no figures; returns the record
#: (``hsinb grid hsinb.experiments.method_a:method_a_task ...``)
method_a_task = make_task(MethodAParams, run, "method_a_task", __name__,
                          "The batch twin of notebook 04: run(MethodAParams(**kwargs)) without figures; the record.")
