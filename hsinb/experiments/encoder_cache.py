"""A cache of pre-trained encoders, keyed by their configuration.

Pre-training does not depend on K or on the classification protocol, so one encoder per
(scene, seed, configuration) serves every K and protocol of a grid. Entries live under
``HSINB_ENCODER_CACHE`` (default ``results/cache/encoders``, git-ignored) as
``<key>.pt`` + ``<key>.json``. A file lock makes concurrent grid workers that need the same
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
from collections.abc import Callable
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


def cached_encoder(
    config: dict[str, Any],
    build: Callable[[], nn.Module],
    train: Callable[[nn.Module], dict[str, Any]],
    root: str | os.PathLike | None = None,
    log: Callable[[str], None] = print,
) -> tuple[nn.Module, dict[str, Any], bool]:
    """The encoder for ``config``: loaded from the cache, or built, trained and stored.

    ``build()`` returns a fresh encoder; ``train(encoder)`` trains it in place and returns its
    history (JSON-able). Returns ``(encoder, info, from_cache)`` where ``info`` holds the
    config, key and history.
    """
    root = Path(root) if root is not None else cache_root()
    key = config_key(config)
    weights, meta = root / f"{key}.pt", root / f"{key}.json"
    with _locked(root / f".{key}.lock"):
        encoder = build()
        if weights.exists() and meta.exists():
            encoder.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
            log(f"encoder {key} loaded from the cache ({weights})")
            return encoder, json.loads(meta.read_text()), True
        history = train(encoder)
        buf = io.BytesIO()
        torch.save({k: v.detach().cpu() for k, v in encoder.state_dict().items()}, buf)
        tmp = weights.with_suffix(f".pt.tmp{os.getpid()}")
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, weights)
        info = {"key": key, "config": config, "history": history}
        atomic_write_text(meta, json.dumps(info, indent=2, default=str) + "\n")
        return encoder, info, False
