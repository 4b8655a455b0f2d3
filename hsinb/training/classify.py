"""Classification recipes on pre-extracted tensors: supervised, linear probe, finetune.

All use SGD with momentum and cross-entropy (the paper: "trained for 100 epochs using
stochastic gradient descent with a cross-entropy loss"); learning rates, batch size and
weight decay are not given in the paper, the defaults below are ours. Labels are 0-based
class indices (N,) long. Inputs are (N, ...) in the encoder's layout, on any device: batches
are moved to the model's device, predictions come back on the input's device.

Every ``fit_*`` returns ``(model, history)``: ``model`` is an
:class:`~hsinb.models.EncoderWithHead` left in eval mode, ``history`` a dict with per-epoch
lists ``"loss"`` (mean training cross-entropy) and ``"train_acc"``.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ShapeMismatchError
from ..models.heads import EncoderWithHead, LinearClassifier
from .batching import fast_layout, fit_epochs, model_device, recalibrate_batchnorm

__all__ = [
    "fit_supervised",
    "fit_linear_probe",
    "fit_finetune",
    "predict",
    "predict_logits",
    "select_finetune",
    "diverged",
    "FINETUNE_CANDIDATES",
    "LPFT_CANDIDATES",
    "fit_finetune_candidate",
    "probe_head",
    "SINGLE_SPLIT_FROM",
    "encode",
]


def _check_xy(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    y = torch.as_tensor(y).long()
    if y.ndim != 1 or y.shape[0] != x.shape[0]:
        raise ShapeMismatchError(f"need labels (N,) for {x.shape[0]} samples, got {tuple(y.shape)}")
    if y.numel() and int(y.min()) < 0:
        raise ShapeMismatchError("labels must be 0-based class indices (found a negative one)")
    return y


def _n_classes(y: torch.Tensor, n_classes: int | None) -> int:
    return int(n_classes) if n_classes is not None else int(y.max()) + 1


def _cross_entropy_step(model: nn.Module, optimizer: torch.optim.Optimizer):
    """One SGD step of cross-entropy for :func:`~hsinb.training.batching.fit_epochs`; its
    history is ``loss`` and ``train_acc`` per epoch."""

    def step(xb: torch.Tensor, yb: torch.Tensor) -> dict[str, torch.Tensor]:
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return {"loss": loss.detach() * len(yb), "train_acc": (logits.detach().argmax(1) == yb).sum()}

    return step


def fit_supervised(
    encoder: nn.Module,
    head: nn.Module | None,
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    *,
    epochs: int = 100,
    lr: float = 0.01,
    batch_size: int = 32,
    weight_decay: float = 1e-4,
    momentum: float = 0.9,
    n_classes: int | None = None,
    generator: torch.Generator | None = None,
    device: torch.device | str | None = None,
    progress: bool = False,
) -> tuple[EncoderWithHead, dict[str, list[float]]]:
    """Train encoder + head from their current weights, all parameters at rate ``lr``
    (:func:`fit_finetune` with ``encoder_lr_scale=1``).

    ``head`` None gives a :class:`LinearClassifier` on ``encoder.feature_dim`` with
    ``n_classes`` (default ``max(y) + 1``) outputs.
    """
    return fit_finetune(encoder, head, x_train, y_train, epochs=epochs, lr=lr, encoder_lr_scale=1.0,
                        batch_size=batch_size, weight_decay=weight_decay, momentum=momentum, n_classes=n_classes,
                        generator=generator, device=device, progress=progress, _desc="supervised")


def fit_finetune(
    encoder: nn.Module,
    head: nn.Module | None,
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    *,
    epochs: int = 100,
    lr: float = 0.01,
    encoder_lr_scale: float = 0.1,
    batch_size: int = 32,
    weight_decay: float = 1e-4,
    momentum: float = 0.9,
    n_classes: int | None = None,
    generator: torch.Generator | None = None,
    device: torch.device | str | None = None,
    progress: bool = False,
    freeze_bn: bool = False,
    precise_bn: bool = True,
    _desc: str = "finetune",
) -> tuple[EncoderWithHead, dict[str, list[float]]]:
    """Finetune a (pre-trained) encoder with a head: all parameters train, the encoder at
    ``encoder_lr_scale × lr`` (default 0.1×) so that it does not drift too fast from its
    pre-trained weights (paper 2.3: "special care must be taken"). ``freeze_bn`` keeps the
    encoder's batch-norm statistics from pre-training (estimated on every pixel) instead of
    re-estimating them on a few labelled samples. ``precise_bn``: after the last epoch the
    statistics of the batch-norm layers that trained are recomputed over the whole training
    set with the final weights (:func:`~hsinb.training.batching.recalibrate_batchnorm`)."""
    y = _check_xy(x_train, y_train)
    if head is None:
        head = LinearClassifier(encoder.feature_dim, _n_classes(y, n_classes))
    model = EncoderWithHead(encoder, head)
    model.to(device if device is not None else model_device(encoder)).train()
    groups = [
        {"params": list(encoder.parameters()), "lr": lr * encoder_lr_scale},
        {"params": list(head.parameters()), "lr": lr},
    ]
    opt = torch.optim.SGD(groups, lr=lr, momentum=momentum, weight_decay=weight_decay)
    hist = fit_epochs(model, x_train, y, _cross_entropy_step(model, opt), epochs=epochs, batch_size=batch_size,
                      generator=generator, progress=progress, desc=_desc,
                      frozen_norm=encoder if freeze_bn else None) or {"loss": [], "train_acc": []}
    if precise_bn:
        recalibrate_batchnorm(model, x_train, frozen=encoder if freeze_bn else None)
    return model, hist


def diverged(history: dict[str, list[float]]) -> bool:
    """True when a fit's training loss became NaN or infinite (its weights are then garbage:
    NaN logits make every prediction the first class)."""
    import math

    return any(not math.isfinite(v) for v in history.get("loss", []))


#: finetune settings chosen among by cross-validation on the training labels
FINETUNE_CANDIDATES = tuple({"encoder_lr_scale": s, "freeze_bn": f} for s in (0.1, 1.0) for f in (True, False))
#: LP-FT (linear probe, then finetune): the head starts from the cross-validated logistic
#: probe on the frozen features (:func:`~hsinb.training.linear.fit_logistic_probe`) instead of
#: at random, so that early gradients do not come from a random head; the encoder moves slowly
LPFT_CANDIDATES = tuple({"encoder_lr_scale": s, "freeze_bn": f, "head_init": "probe"}
                        for s in (0.1, 0.01) for f in (True, False))


def probe_head(encoder: nn.Module, x_train: torch.Tensor, y_train: torch.Tensor, *, n_classes: int,
               seed: int = 0) -> LinearClassifier:
    """The head LP-FT starts from: the logistic probe on ``encoder``'s frozen features of these
    training samples only, as a linear layer (a class absent from them gets a very low logit,
    not -inf: SGD with weight decay would turn -inf into NaN)."""
    from .linear import fit_logistic_probe

    probe, _ = fit_logistic_probe(copy.deepcopy(encoder), x_train, y_train, n_classes=n_classes, seed=seed)
    with torch.no_grad():
        probe.head.bias.nan_to_num_(neginf=-1e4)
    return probe.head


def fit_finetune_candidate(encoder: nn.Module, x_train: torch.Tensor, y_train: torch.Tensor, *,
                           candidate: dict, n_classes: int, seed: int = 0, head: nn.Module | None = None,
                           **fit) -> tuple[EncoderWithHead, dict[str, list[float]]]:
    """:func:`fit_finetune` with the settings of one candidate (:data:`FINETUNE_CANDIDATES`,
    :data:`LPFT_CANDIDATES`): ``head_init="probe"`` starts the head from the logistic probe
    fitted on these training samples only (:func:`probe_head`, or a copy of ``head`` when the
    caller already fitted it; its logits equal the probe's at the start when ``freeze_bn``;
    without it the batch norm normalises by batch statistics, so the start is near the probe,
    not on it); else a random head."""
    settings = dict(candidate)
    start = None
    if settings.pop("head_init", "random") == "probe":
        start = (copy.deepcopy(head) if head is not None
                 else probe_head(encoder, x_train, y_train, n_classes=n_classes, seed=seed))
    return fit_finetune(encoder, start, x_train, y_train, n_classes=n_classes, **settings, **fit)


#: with at least this many training labels in every class, finetune settings are chosen on one
#: stratified split (a third held out) instead of k folds: hundreds of validation pixels per
#: class already, at a third of the cost (the official maps' thousands of labels)
SINGLE_SPLIT_FROM = 50


def select_finetune(encoder: nn.Module, x_train: torch.Tensor, y_train: torch.Tensor, *, n_classes: int,
                    seed: int = 0, candidates=FINETUNE_CANDIDATES, folds: int = 3,
                    single_split_from: int | None = SINGLE_SPLIT_FROM, **fit) -> dict:
    """Choose finetune settings on the training labels only: stratified ``folds``-fold
    cross-validation (fewer folds when a class has fewer samples; one split holding out a
    third when every class has ``single_split_from`` samples or more) of :func:`fit_finetune_candidate`
    from copies of ``encoder`` for each of ``candidates`` (a fold whose fit diverges scores 0);
    ties go to the first listed.
    ``fit`` are the other settings of :func:`fit_finetune`. Returns ``{"chosen": candidate,
    "cv_accuracy": [mean accuracy per candidate], "folds": k}`` (``folds`` 1: the one split);
    with fewer than 2 samples in some class, the first candidate and no CV."""

    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    y = _check_xy(x_train, y_train).cpu().numpy()
    smallest = int(np.bincount(y).min()) if y.size else 0
    k = min(folds, smallest)
    if k < 2:
        return {"chosen": dict(candidates[0]), "cv_accuracy": None, "folds": 0}
    splits = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))
    if single_split_from is not None and smallest >= single_split_from:
        splits, k = splits[:1], 1  # one of the k folds held out (a third with k = 3)
    heads: dict[int, nn.Module] = {}  # each fold's probe, fitted once for every LP-FT candidate
    scores = []
    for cand in candidates:
        acc = []
        for fold, (tr, va) in enumerate(splits):
            if cand.get("head_init") == "probe" and fold not in heads:
                heads[fold] = probe_head(encoder, x_train[tr], y_train[tr], n_classes=n_classes, seed=seed)
            g = torch.Generator().manual_seed(seed * 1000 + fold)
            torch.manual_seed(seed * 1000 + fold)
            model, hist = fit_finetune_candidate(copy.deepcopy(encoder), x_train[tr], y_train[tr], candidate=cand,
                                                 n_classes=n_classes, seed=seed, head=heads.get(fold),
                                                 generator=g, **fit)
            # a fold whose fit diverged scores 0, not the share of the class its NaN logits name
            acc.append(0.0 if diverged(hist) else
                       float((predict(model, x_train[va]).cpu() == torch.as_tensor(y[va])).float().mean()))
        scores.append(float(np.mean(acc)))
    return {"chosen": dict(candidates[int(np.argmax(scores))]), "cv_accuracy": scores, "folds": k,
            "ranked": [dict(candidates[i]) for i in np.argsort(-np.asarray(scores), kind="stable")]}


@torch.no_grad()
def encode(encoder: nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """(N, feature_dim) features in eval mode, batched, no grad, on the encoder's device."""
    was_training = encoder.training
    encoder.eval()
    device = model_device(encoder)
    out = [encoder(fast_layout(x[i : i + batch_size].to(device))) for i in range(0, x.shape[0], batch_size)]
    encoder.train(was_training)
    return torch.cat(out) if out else torch.empty(0, encoder.feature_dim, device=device)


def fit_linear_probe(
    encoder: nn.Module,
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    *,
    epochs: int = 100,
    lr: float = 0.1,
    batch_size: int = 32,
    weight_decay: float = 0.0,
    momentum: float = 0.9,
    n_classes: int | None = None,
    generator: torch.Generator | None = None,
    device: torch.device | str | None = None,
    feature_batch_size: int = 256,
    progress: bool = False,
) -> tuple[EncoderWithHead, dict[str, list[float]]]:
    """Linear classifier on a FROZEN encoder: features are computed once (eval mode, no
    grad), then only a :class:`LinearClassifier` is trained on them. The encoder's weights
    are not changed; the returned model is encoder + trained linear head, in eval mode."""
    y = _check_xy(x_train, y_train)
    if device is not None:
        encoder.to(device)
    feats = encode(encoder, x_train, feature_batch_size)
    head = LinearClassifier(feats.shape[1], _n_classes(y, n_classes)).to(feats.device)
    opt = torch.optim.SGD(head.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    hist = fit_epochs(head, feats, y.to(feats.device), _cross_entropy_step(head, opt), epochs=epochs,
                      batch_size=batch_size, generator=generator, progress=progress,
                      desc="linear probe") or {"loss": [], "train_acc": []}
    model = EncoderWithHead(encoder, head).eval()
    return model, hist


@torch.no_grad()
def predict_logits(model: nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """(N, C) logits in eval mode, batched, no grad, returned on ``x``'s device."""
    was_training = model.training
    model.eval()
    device = model_device(model)
    out = [
        model(fast_layout(x[i : i + batch_size].to(device))).to(x.device)
        for i in range(0, x.shape[0], batch_size)
    ]
    model.train(was_training)
    return torch.cat(out) if out else torch.empty(0, device=x.device)


def predict(model: nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """(N,) long 0-based predicted classes (argmax of the logits), on ``x``'s device."""
    logits = predict_logits(model, x, batch_size)
    return logits.argmax(1) if logits.numel() else torch.empty(0, dtype=torch.long, device=x.device)
