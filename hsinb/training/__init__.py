"""Recipes that fit a model: supervised, linear probe, finetune (:mod:`.classify`), Barlow
Twins pre-training (:mod:`.pretrain`), joint contrastive regression (:mod:`.contrastive_regression`);
optimisers and schedules (LARS, warm-up cosine: :mod:`.optim`). They take tensors, not scenes."""

from .classify import (
    encode,
    fit_finetune,
    fit_linear_probe,
    fit_supervised,
    predict,
    predict_logits,
)
from .optim import LARS, lars_param_groups, warmup_cosine_factor, warmup_cosine_schedule
from .pretrain import pretrain_barlow_twins

__all__ = [
    "LARS",
    "lars_param_groups",
    "warmup_cosine_factor",
    "warmup_cosine_schedule",
    "fit_supervised",
    "fit_linear_probe",
    "fit_finetune",
    "predict",
    "predict_logits",
    "encode",
    "pretrain_barlow_twins",
]
