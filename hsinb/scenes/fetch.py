"""Find data files, and download and verify the ones that are missing.

Search order for a file known by its relative path (``"paviaU/PaviaU.mat"``):

1. an explicit folder passed by the caller;
2. each folder in the environment variable ``HSINB_DATA`` (``os.pathsep``-separated); when
   it is not set, ``../shared/data`` beside the checkout if the package runs from a checkout
   that has one (the project's shared data folder, :data:`SHARED_DATA`);
3. the per-user cache, ``HSINB_CACHE`` or ``~/.cache/hsinb``.

A missing file is downloaded into the cache from :data:`~hsinb.scenes.registry.FILES`,
verified (sha256 where known, else the git blob id), and only then moved into place: a
partial or corrupt download never stays where a later run would find it. Set
``HSINB_OFFLINE=1`` to never try the network.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import tempfile
import urllib.request
import warnings
from pathlib import Path

from ..errors import ChecksumMismatchError, DataFileNotFoundError
from .registry import FILES, SourceFile

CHUNK = 1 << 20
#: the shared data folder beside a checkout (searched after HSINB_DATA when it exists)
_CHECKOUT = Path(__file__).resolve().parents[2]
SHARED_DATA = _CHECKOUT.parent / "shared" / "data"


def cache_dir() -> Path:
    """The per-user download cache (``HSINB_CACHE`` or ``~/.cache/hsinb``)."""
    return Path(os.environ.get("HSINB_CACHE") or Path.home() / ".cache" / "hsinb")


def search_dirs(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The folders searched for data files, in order."""
    dirs: list[Path] = []
    if data_dir is not None:
        dirs.append(Path(data_dir))
    env = os.environ.get("HSINB_DATA", "")
    for entry in env.split(os.pathsep):
        if entry.strip():
            dirs.append(Path(entry.strip()))
    if not env.strip() and (_CHECKOUT / "pyproject.toml").is_file() and SHARED_DATA.is_dir():
        dirs.append(SHARED_DATA)
    dirs.append(cache_dir())
    return list(dict.fromkeys(dirs))


def find_file(relpath: str, data_dir: str | os.PathLike | None = None) -> Path | None:
    """First existing ``folder/relpath`` over :func:`search_dirs`, also trying the bare file
    name directly inside each folder; None if absent everywhere."""
    name = Path(relpath).name
    for d in search_dirs(data_dir):
        for candidate in (d / relpath, d / name):
            if candidate.is_file():
                return candidate
    return None


def sha256_of(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's content."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def git_blob_id_of(path: str | os.PathLike) -> str:
    """Git blob id of a file: SHA-1 of ``b"blob <size>\\0" + content``."""
    h = hashlib.sha1()
    h.update(f"blob {os.path.getsize(path)}\0".encode())
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def verify_file(path: str | os.PathLike, relpath: str) -> str:
    """Check ``path`` against the known checksum of ``relpath``.

    Returns ``"sha256"``, ``"git-blob"`` or ``"unverified"`` (no checksum is published);
    raises :class:`ChecksumMismatchError` on a mismatch.
    """
    known = FILES.get(relpath, SourceFile(relpath))
    if known.sha256:
        got, want, kind = sha256_of(path), known.sha256, "sha256"
    elif known.git_blob:
        got, want, kind = git_blob_id_of(path), known.git_blob, "git-blob"
    else:
        return "unverified"
    if got != want:
        raise ChecksumMismatchError(
            f"{path} does not match the published {kind} of {relpath}: expected {want}, got "
            f"{got}. The file is corrupt or a different version of it: replace it with the "
            f"canonical file ({known.url or 'see the scene registry'})."
        )
    return kind


def expand_url(url: str) -> list[str]:
    """``.../part.{0..9}`` → the ten part URLs, in order; any other URL → [url]."""
    m = re.search(r"\{(\d+)\.\.(\d+)\}", url)
    if not m:
        return [url]
    lo, hi = int(m.group(1)), int(m.group(2))
    return [url[: m.start()] + str(i) + url[m.end() :] for i in range(lo, hi + 1)]


def _offline() -> bool:
    return os.environ.get("HSINB_OFFLINE", "").lower() not in ("", "0", "false", "no")


def source_url(relpath: str) -> str | None:
    """Where ``relpath`` is downloaded from: the pinned copy whose checksum is known, else the
    canonical URL."""
    known = FILES.get(relpath)
    return known.source if known else None


def _not_found(relpath: str, data_dir, reason: str) -> DataFileNotFoundError:
    places = "\n".join(f"  - {d / relpath}" for d in search_dirs(data_dir))
    url = source_url(relpath) or "(no public URL registered)"
    parts = expand_url(url)
    how = (f"download the {len(parts)} parts {parts[0]} ... {parts[-1]}, join them in order "
           f"(cat part.0 part.1 ... > {Path(relpath).name}) and save the result"
           if len(parts) > 1 else "download it from the source and save it")
    env = os.environ.get("HSINB_DATA", "")
    where = (f"HSINB_DATA is set to {env!r}." if env.strip() else
             "HSINB_DATA is not set: export HSINB_DATA=/path/to/data (the folder that holds "
             f"{Path(relpath).parts[0]}/) to use a copy you already have.")
    return DataFileNotFoundError(
        f"data file {relpath!r} not found. {where} Looked in:\n{places}\n"
        f"Download: {reason}\nSource: {url}\n"
        f"To place it by hand, {how} as {cache_dir() / relpath} (or under any folder listed "
        f"in HSINB_DATA, as <folder>/{relpath})."
    )


def download(url: str, dest: Path, relpath: str, timeout: float = 60.0, progress: bool = True) -> Path:
    """Download ``url`` (or its parts, concatenated) to ``dest`` atomically, verified."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in expand_url(url):
                _stream(part, out, timeout, progress and not os.environ.get("CI"))
        if verify_file(tmp, relpath) == "unverified":
            warnings.warn(f"{relpath}: no published checksum to verify against; downloaded file "
                          f"has sha256 {sha256_of(tmp)} (add it to its registry.FILES record once trusted)",
                          stacklevel=3)
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    return dest


def _stream(url: str, out, timeout: float, progress: bool) -> None:
    req = urllib.request.Request(url, headers={"User-Agent": "hsinb (python urllib)"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        total = int(resp.headers.get("Content-Length") or 0) or None
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=total, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1])
        try:
            shutil.copyfileobj(_Counting(resp, bar), out, CHUNK)
        finally:
            if bar is not None:
                bar.close()


class _Counting:
    def __init__(self, stream, bar) -> None:
        self.stream, self.bar = stream, bar

    def read(self, n: int = -1) -> bytes:
        data = self.stream.read(n)
        if self.bar is not None:
            self.bar.update(len(data))
        return data


def fetch_file(
    relpath: str,
    data_dir: str | os.PathLike | None = None,
    download_missing: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Path of ``relpath``: found locally, or downloaded into the cache and verified.

    Raises :class:`DataFileNotFoundError` naming every place searched, the URL and how to
    place the file by hand; :class:`ChecksumMismatchError` for a corrupt download.
    """
    found = find_file(relpath, data_dir)
    if found is not None:
        return found
    url = source_url(relpath)
    if url is None:
        raise _not_found(relpath, data_dir, "no public source is registered for this file")
    if not download_missing or _offline():
        raise _not_found(relpath, data_dir, "disabled (download=False or HSINB_OFFLINE is set)")
    dest = cache_dir() / relpath
    try:
        return download(url, dest, relpath, timeout=timeout)
    except ChecksumMismatchError:
        raise
    except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, refused, truncated
        raise _not_found(relpath, data_dir, f"failed ({exc})") from exc
