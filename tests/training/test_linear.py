"""The closed-form linear probe: the same logistic-regression recipe as the spectral
baseline, turned into one torch layer with the same decisions."""

from __future__ import annotations

import numpy as np
import torch

from hsinb.models import ResNet1d
from hsinb.training.linear import (
    LOGREG_CS,
    as_linear_head,
    fit_logistic_probe,
    fit_logistic_regression,
)


def _data(classes: int, n: int = 60, d: int = 7, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    x = rng.normal(size=(n, d)) * np.array([1, 10, 100, 1, 1, 1, 1])[:d] + rng.normal(size=d) + y[:, None]
    return x, y


def test_the_torch_head_reproduces_the_pipelines_decisions():
    for classes in (2, 4):
        x, y = _data(classes)
        pipe = fit_logistic_regression(x, y, seed=0)
        assert pipe.chosen_C in LOGREG_CS
        logits = as_linear_head(pipe, classes + 1)(torch.as_tensor(x, dtype=torch.float32)).detach().numpy()
        want = pipe.decision_function(x)
        got = logits[:, 1] - logits[:, 0] if classes == 2 else logits[:, :classes]
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
        assert (logits.argmax(1) == pipe.predict(x)).all()
        assert np.isneginf(logits[:, classes]).all()  # a class without training samples is never predicted


def test_few_labels_keep_the_default_penalty():
    x, y = _data(3, n=6)  # two per class: no stratified 3-fold split possible
    assert fit_logistic_regression(x, y, seed=0).chosen_C == 1.0


def test_the_probe_leaves_the_encoder_frozen():
    torch.manual_seed(0)
    enc = ResNet1d(12, width=8, feature_dim=8)
    before = {k: v.clone() for k, v in enc.state_dict().items()}
    x = torch.randn(30, 12)
    y = torch.arange(30) % 3
    model, chosen = fit_logistic_probe(enc, x + y[:, None].float(), y, n_classes=3, seed=0)
    assert chosen["C"] in LOGREG_CS and not model.training
    assert all(torch.equal(before[k], v) for k, v in model.encoder.state_dict().items())
