"""Download and verification, against a web server on the loopback interface."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading

import pytest

from hsinb.errors import ChecksumMismatchError, DataFileNotFoundError
from hsinb.scenes import fetch
from hsinb.scenes.fetch import expand_url, fetch_file, git_blob_id_of, search_dirs, verify_file
from hsinb.scenes.registry import SourceFile


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))

    class Quiet(handler.func):  # type: ignore[name-defined]
        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("HSINB_CACHE", str(cache))
    monkeypatch.delenv("HSINB_DATA", raising=False)
    monkeypatch.delenv("HSINB_OFFLINE", raising=False)
    monkeypatch.setenv("CI", "1")  # no progress bar
    return cache


def test_download_verifies_and_places(server, isolated, monkeypatch):
    root, base = server
    content = b"hyperspectral" * 1000
    (root / "x.mat").write_bytes(content)
    monkeypatch.setitem(fetch.FILES, "demo/x.mat", SourceFile("demo/x.mat", url=base + "x.mat",
                                                              sha256=hashlib.sha256(content).hexdigest()))
    path = fetch_file("demo/x.mat")
    assert path == isolated / "demo" / "x.mat" and path.read_bytes() == content
    # found locally the second time, no network needed
    monkeypatch.setitem(fetch.FILES, "demo/x.mat", SourceFile("demo/x.mat", url=base + "gone.mat"))
    assert fetch_file("demo/x.mat") == path


def test_checksum_mismatch_leaves_nothing(server, isolated, monkeypatch):
    root, base = server
    (root / "x.mat").write_bytes(b"corrupt")
    monkeypatch.setitem(fetch.FILES, "demo/x.mat", SourceFile("demo/x.mat", url=base + "x.mat", sha256="0" * 64))
    with pytest.raises(ChecksumMismatchError, match="expected 0000"):
        fetch_file("demo/x.mat")
    leftovers = list((isolated / "demo").iterdir()) if (isolated / "demo").exists() else []
    assert leftovers == []


def test_git_blob_id_and_parts(server, isolated, monkeypatch):
    root, base = server
    parts = [b"part-a-" * 50, b"part-b-" * 50, b"part-c"]
    for i, p in enumerate(parts):
        (root / f"h.{i}").write_bytes(p)
    whole = b"".join(parts)
    blob = hashlib.sha1(b"blob %d\0" % len(whole) + whole).hexdigest()
    monkeypatch.setitem(fetch.FILES, "demo/h.mat", SourceFile("demo/h.mat", url=base + "h.{0..2}", git_blob=blob))
    path = fetch_file("demo/h.mat")
    assert path.read_bytes() == whole
    assert git_blob_id_of(path) == blob
    assert verify_file(path, "demo/h.mat") == "git-blob"


def test_offline_error_lists_everything(isolated, tmp_path, monkeypatch):
    monkeypatch.setenv("HSINB_DATA", str(tmp_path / "shared"))
    monkeypatch.setenv("HSINB_OFFLINE", "1")
    with pytest.raises(DataFileNotFoundError) as err:
        fetch_file("paviaU/PaviaU.mat", data_dir=tmp_path / "mine")
    msg = str(err.value)
    for place in (tmp_path / "mine", tmp_path / "shared", isolated):
        assert str(place / "paviaU" / "PaviaU.mat") in msg
    assert "http://www.ehu.eus/ccwintco/uploads/e/ee/PaviaU.mat" in msg
    assert "HSINB_OFFLINE" in msg


def test_unreachable_server_is_a_clear_error(isolated, monkeypatch):
    monkeypatch.setitem(fetch.FILES, "demo/y.mat", SourceFile("demo/y.mat", url="http://127.0.0.1:9/y.mat"))  # refused
    with pytest.raises(DataFileNotFoundError, match="failed"):
        fetch_file("demo/y.mat", timeout=5)


def test_search_order(tmp_path, monkeypatch):
    monkeypatch.setenv("HSINB_DATA", f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    monkeypatch.setenv("HSINB_CACHE", str(tmp_path / "c"))
    assert search_dirs(tmp_path / "x") == [tmp_path / d for d in ("x", "a", "b", "c")]


def test_expand_url():
    assert expand_url("u/p.{0..2}") == ["u/p.0", "u/p.1", "u/p.2"]
    assert expand_url("u/p.mat") == ["u/p.mat"]


def test_shared_files_match_manifest(data_dir):
    """Every file with a registered sha256 that the shared folder holds verifies."""
    checked = 0
    for rel in (r for r, f in fetch.FILES.items() if f.sha256):
        path = data_dir / rel
        if path.exists():
            assert verify_file(path, rel) == "sha256"
            checked += 1
    assert checked >= 15


def test_every_manifest_file_has_a_pinned_verified_source(data_dir):
    import csv

    rows = list(csv.DictReader(open(data_dir / "MANIFEST.tsv"), delimiter="\t"))
    assert len({r["file"] for r in rows}) >= 29
    for r in rows:
        assert fetch.FILES[r["file"]].sha256 == r["sha256"]
        url = fetch.source_url(r["file"])
        assert r["source_commit"] in url and url.endswith(r["source_path"])


def test_every_file_is_one_record_with_a_source():
    from hsinb.scenes.registry import FILES, SCENES

    for rel, f in FILES.items():
        assert f.path == rel and f.source, rel
        assert f.pinned is None or f.sha256, f"{rel}: a pinned copy must carry its sha256"
    for spec in SCENES.values():  # every file a real scene reads has a record
        assert all(rel in FILES for rel in spec.files), spec.name


def test_without_hsinb_data_the_shared_folder_beside_the_checkout_is_searched(tmp_path, monkeypatch):
    monkeypatch.delenv("HSINB_DATA", raising=False)
    monkeypatch.setenv("HSINB_CACHE", str(tmp_path / "c"))
    monkeypatch.setattr(fetch, "SHARED_DATA", tmp_path / "shared")
    assert search_dirs() == [tmp_path / "c"]  # no such folder: only the cache
    (tmp_path / "shared").mkdir()
    assert search_dirs() == [tmp_path / "shared", tmp_path / "c"]
    with pytest.raises(DataFileNotFoundError, match="HSINB_DATA is not set"):
        fetch_file("nowhere/none.mat", download_missing=False)
