"""Where the loaders look for data, in which order, and how downloads are kept safe."""

import gzip
import hashlib
import io
import urllib.error

import numpy as np
import pytest

from deepbricks.datasets import _files, fashion_mnist, mnist
from tests.datasets.helpers import idx_bytes, mnist_like, remotes_serving, write_mnist


def serve_mnist(monkeypatch, label):
    """Makes mnist 'download' four gzipped files whose labels all equal ``label``."""
    files = {f"{name}.gz": gzip.compress(idx_bytes(array))
             for name, array in mnist_like(label=label).items()}
    remotes, urlopen = remotes_serving(files)
    monkeypatch.setattr(mnist, "REMOTES", remotes)
    monkeypatch.setattr(_files, "urlopen", urlopen)
    return urlopen


def test_places_are_searched_in_order_path_env_cache_system_then_download(
        tmp_path, monkeypatch, isolated):
    given, env_root, system = tmp_path / "given", tmp_path / "env", tmp_path / "system"
    cache = isolated / ".deepbricks" / "datasets" / "mnist"
    for label, place in enumerate([given, env_root / "mnist", cache, system], start=1):
        write_mnist(place, mnist_like(label=label))
    monkeypatch.setenv("DEEPBRICKS_DATA", str(env_root))
    monkeypatch.setattr(mnist, "SYSTEM_DIRS", (str(system),))
    urlopen = serve_mnist(monkeypatch, label=5)

    def label_loaded(path=None):
        (_, y_train), _ = mnist.load_data(path=path)
        return int(y_train[0])

    assert label_loaded(path=given) == 1
    assert label_loaded() == 2
    monkeypatch.delenv("DEEPBRICKS_DATA")
    assert label_loaded() == 3
    for name in mnist_like():
        (cache / f"{name}.gz").unlink()
    assert label_loaded() == 4
    assert urlopen.requested == []
    monkeypatch.setattr(mnist, "SYSTEM_DIRS", ())
    assert label_loaded() == 5
    assert len(urlopen.requested) == 4


def test_a_path_without_the_files_falls_back_to_the_next_places(tmp_path, isolated):
    write_mnist(isolated / ".deepbricks" / "datasets" / "mnist", mnist_like(label=7))
    (_, y_train), _ = mnist.load_data(path=tmp_path / "empty")
    assert y_train[0] == 7


def test_a_place_missing_one_of_the_four_files_does_not_count(tmp_path, isolated):
    arrays = mnist_like(label=1)
    write_mnist(tmp_path / "partial", {k: v for k, v in arrays.items() if "t10k-labels" not in k})
    write_mnist(isolated / ".deepbricks" / "datasets" / "mnist", mnist_like(label=2))
    (_, y_train), _ = mnist.load_data(path=tmp_path / "partial")
    assert y_train[0] == 2


def test_download_goes_to_the_home_cache_and_is_reused(monkeypatch, isolated):
    urlopen = serve_mnist(monkeypatch, label=3)
    mnist.load_data()
    cache = isolated / ".deepbricks" / "datasets" / "mnist"
    assert sorted(p.name for p in cache.iterdir()) == sorted(r.filename for r in mnist.REMOTES)
    mnist.load_data()
    assert len(urlopen.requested) == 4


def test_download_goes_to_deepbricks_data_when_it_is_set(tmp_path, monkeypatch, isolated):
    monkeypatch.setenv("DEEPBRICKS_DATA", str(tmp_path / "data"))
    serve_mnist(monkeypatch, label=3)
    mnist.load_data()
    assert len(list((tmp_path / "data" / "mnist").iterdir())) == 4
    assert not (isolated / ".deepbricks").exists()


def test_only_the_files_missing_from_the_cache_are_downloaded(monkeypatch, isolated):
    cache = isolated / ".deepbricks" / "datasets" / "mnist"
    arrays = mnist_like(label=3)
    write_mnist(cache, {k: v for k, v in arrays.items() if k.startswith("train")})
    urlopen = serve_mnist(monkeypatch, label=3)
    mnist.load_data()
    assert sorted(url.rsplit("/", 1)[1] for url in urlopen.requested) == [
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]


def test_a_failing_mirror_is_skipped_for_the_next(tmp_path, monkeypatch):
    payload = b"the data"
    remote = _files.Remote("f.bin", hashlib.sha256(payload).hexdigest(),
                           ("https://down.example/f.bin", "https://up.example/f.bin"))

    def urlopen(url, timeout=None):
        if "down" in url:
            raise urllib.error.URLError("connection refused")
        return io.BytesIO(payload)

    monkeypatch.setattr(_files, "urlopen", urlopen)
    assert _files.download(remote, tmp_path / "cache").read_bytes() == payload
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["f.bin"]


def test_a_digest_mismatch_keeps_no_file_and_says_so(monkeypatch, isolated):
    serve_mnist(monkeypatch, label=3)
    tampered = tuple(
        _files.Remote(r.filename, "0" * 64, r.urls) for r in mnist.REMOTES
    )
    monkeypatch.setattr(mnist, "REMOTES", tampered)
    mismatch = r"SHA-256 mismatch \(expected 0{64}, got [0-9a-f]{64}\); the file was discarded"
    with pytest.raises(FileNotFoundError, match=mismatch):
        mnist.load_data()
    assert list((isolated / ".deepbricks" / "datasets" / "mnist").iterdir()) == []


def test_a_download_broken_off_midway_keeps_no_partial_file(monkeypatch, isolated):
    serve_mnist(monkeypatch, label=3)

    class Dropping(io.BytesIO):
        def read(self, size=-1):
            if self.tell():
                raise ConnectionResetError("connection reset by peer")
            return super().read(4)

    monkeypatch.setattr(_files, "urlopen", lambda url, timeout=None: Dropping(b"partial data"))
    with pytest.raises(FileNotFoundError, match="connection reset by peer"):
        mnist.load_data()
    assert list((isolated / ".deepbricks" / "datasets" / "mnist").iterdir()) == []


def test_nothing_found_lists_every_place_and_how_to_get_the_data(tmp_path, monkeypatch, isolated):
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", ("/nonexistent/fashion-mnist",))
    with pytest.raises(FileNotFoundError) as info:
        fashion_mnist.load_data(path=tmp_path / "mine")
    message = str(info.value)
    cache = isolated / ".deepbricks" / "datasets" / "fashion_mnist"
    for expected in [
        "Fashion-MNIST data set not found. Looked in:",
        str(tmp_path / "mine"), str(cache), "/nonexistent/fashion-mnist",
        "no network in tests", "apt-get install dataset-fashion-mnist",
        "load_data(path=...)", "$DEEPBRICKS_DATA/fashion_mnist/", "train-images-idx3-ubyte.gz",
    ]:
        assert expected in message
    assert message.index(str(tmp_path / "mine")) < message.index(str(cache)) \
        < message.index("/nonexistent/fashion-mnist")


def test_the_published_digests_are_sha256_hex_strings():
    for remote in mnist.REMOTES + fashion_mnist.REMOTES:
        assert len(remote.sha256) == 64 and int(remote.sha256, 16) >= 0
        assert all(url.endswith("/" + remote.filename) for url in remote.urls)
    assert np.unique([r.sha256 for r in mnist.REMOTES + fashion_mnist.REMOTES]).size == 8
