"""A cache of pre-trained encoders, keyed by their configuration.

Pre-training does not depend on K or on the classification protocol, so one encoder per
(scene, seed, configuration) serves every K and protocol of a grid. Entries live under
``HSINB_ENCODER_CACHE`` (default ``results/cache/encoders``, git-ignored) as
``<key>.pt`` + ``<key>.json``, and, when asked for, snapshots of the same training at earlier
epochs as ``<key>.epoch<N>.pt`` (a budget curve: one training, several budgets). A file lock makes concurrent grid workers that need the same
encoder wait for one pre-training instead of running it twice; files are written
atomically.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..records import REPO_ROOT, atomic_write_text


def cache_root() -> Path:
    return Path(os.environ.get("HSINB_ENCODER_CACHE") or REPO_ROOT / "results" / "cache" / "encoders")


def config_key(config: dict[str, Any]) -> str:
    """16-hex-digit key of a JSON-able configuration (order of keys does not matter)."""
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def snapshot_path(root: str | os.PathLike, key: str, epoch: int) -> Path:
    """Where the snapshot of encoder ``key`` after ``epoch`` epochs lies."""
    return Path(root) / f"{key}.epoch{int(epoch)}.pt"


def _save_state(module: nn.Module, path: Path) -> None:
    buf = io.BytesIO()
    torch.save({k: v.detach().cpu() for k, v in module.state_dict().items()}, buf)
    tmp = path.with_suffix(f".pt.tmp{os.getpid()}")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, path)


def _same_state(state: dict[str, torch.Tensor], module: nn.Module) -> bool:
    now = module.state_dict()
    return state.keys() == now.keys() and all(torch.equal(state[k], now[k].detach().cpu()) for k in state)


def load_snapshot(encoder: nn.Module, info: dict[str, Any], epoch: int) -> nn.Module:
    """``encoder`` (a fresh one of the cached architecture) with the weights of the snapshot
    after ``epoch`` epochs of the cached training ``info`` (from :func:`cached_encoder`)."""
    path = Path(info["snapshots"][str(int(epoch))])
    encoder.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return encoder


def cached_encoder(
    config: dict[str, Any],
    build: Callable[[], nn.Module],
    train: Callable[..., dict[str, Any]],
    root: str | os.PathLike | None = None,
    log: Callable[[str], None] = print,
    *,
    snapshots: Sequence[int] = (),
) -> tuple[nn.Module, dict[str, Any], bool]:
    """The encoder for ``config``: loaded from the cache, or built, trained and stored.

    ``build()`` returns a fresh encoder; ``train(encoder)`` trains it in place and returns its
    history (JSON-able). With ``snapshots`` (epochs), ``train(encoder, keep)`` is called
    instead and must call ``keep(epoch, encoder)`` after each of those epochs; the snapshots
    are stored beside the encoder, and a cached encoder that lacks one of them is trained
    again (the snapshots are not part of the key: one training serves with and without
    them). Returns ``(encoder, info, from_cache)`` where ``info`` holds the config, key,
    history and ``snapshots`` (``{"epoch": path}``).
    """
    root = Path(root) if root is not None else cache_root()
    key = config_key(config)
    weights, meta = root / f"{key}.pt", root / f"{key}.json"
    wanted = sorted({int(e) for e in snapshots})
    with _locked(root / f".{key}.lock"):
        encoder = build()
        have = all(snapshot_path(root, key, e).exists() for e in wanted)
        if weights.exists() and meta.exists() and have:
            encoder.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
            log(f"encoder {key} loaded from the cache ({weights})")
            info = json.loads(meta.read_text())
            info["snapshots"] = {str(e): str(snapshot_path(root, key, e)) for e in wanted}
            return encoder, info, True
        before = None
        if weights.exists() and not have:
            log(f"encoder {key} is cached without the snapshots at epochs {wanted}: training it again")
            before = torch.load(weights, map_location="cpu", weights_only=True)
        if wanted:
            def keep(epoch: int, module: nn.Module) -> None:
                if int(epoch) in wanted:
                    _save_state(module, snapshot_path(root, key, epoch))

            history = train(encoder, keep)
            missing = [e for e in wanted if not snapshot_path(root, key, e).exists()]
            if missing:
                raise RuntimeError(f"the training of encoder {key} kept no snapshot at epochs {missing}")
        else:
            history = train(encoder)
        if before is not None and not _same_state(before, encoder):
            # records made with the old weights name this key: keep them, and say so
            keep_old = root / f"{key}.before-retrain.pt"
            os.replace(weights, keep_old)
            log(f"encoder {key}: the retrained weights differ from the cached ones (kept as {keep_old})")
        _save_state(encoder, weights)
        info = {"key": key, "config": config, "history": history}
        atomic_write_text(meta, json.dumps(info, indent=2, default=str) + "\n")
        info["snapshots"] = {str(e): str(snapshot_path(root, key, e)) for e in wanted}
        return encoder, info, False
