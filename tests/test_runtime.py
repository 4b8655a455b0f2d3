"""Device choice and seeding."""

from __future__ import annotations

import numpy as np
import torch

from hsinb.runtime import describe_device, pick_device, seed_everything, torch_generator


def _draw():
    model = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    x = torch.randn(3, 5)
    return np.random.rand(2), torch.rand(2), model(x).detach()


def test_same_seed_same_numbers_on_cpu():
    seed_everything(123)
    a = _draw()
    seed_everything(123)
    b = _draw()
    seed_everything(124)
    c = _draw()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    assert not np.array_equal(a[0], c[0]) and not torch.equal(a[2], c[2])


def test_generator_is_local():
    g1, g2 = torch_generator(5), torch_generator(5)
    torch.manual_seed(0)
    first = torch.rand(3, generator=g1)
    torch.manual_seed(99)  # the global seed does not matter
    assert torch.equal(first, torch.rand(3, generator=g2))


def test_pick_device(monkeypatch):
    monkeypatch.setenv("HSINB_DEVICE", "cpu")
    assert pick_device().type == "cpu"
    monkeypatch.delenv("HSINB_DEVICE")
    gpu = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    assert pick_device().type == ("cuda" if gpu else "mps" if mps else "cpu")
    assert pick_device("cpu").type == "cpu"
    assert "cpu" in describe_device("cpu")
