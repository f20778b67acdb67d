"""Writers of small data-set files in the published formats, for the loader tests."""

import gzip
import hashlib
import io
import pickle
import struct
import tarfile

import numpy as np

from deepbricks.datasets._files import Remote

IDX_CODES = {np.dtype("u1"): 0x08, np.dtype("i1"): 0x09, np.dtype("i2"): 0x0B,
             np.dtype("i4"): 0x0C, np.dtype("f4"): 0x0D, np.dtype("f8"): 0x0E}


def idx_bytes(array):
    """The IDX encoding of ``array``: magic, big-endian sizes, big-endian elements."""
    array = np.asarray(array)
    header = struct.pack(">HBB", 0, IDX_CODES[array.dtype], array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, payload, gz):
    """Writes ``payload`` to ``path`` (gzipped when ``gz``) and returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(payload) if gz else payload)
    return path


def mnist_like(n_train=3, n_test=2, label=0, seed=0):
    """Images and labels for the four MNIST files; all labels equal ``label``."""
    rng = np.random.default_rng(seed)
    return {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.full(n_train, label, np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": np.full(n_test, label, np.uint8),
    }


def write_mnist(directory, arrays=None, gz=True):
    """Writes the four MNIST-style IDX files into ``directory``; returns the arrays."""
    arrays = mnist_like() if arrays is None else arrays
    for name, array in arrays.items():
        write(directory / (name + ".gz" * gz), idx_bytes(array), gz)
    return arrays


def remotes_serving(files):
    """Remotes for ``{filename: bytes}`` with correct digests, and a fake ``urlopen``.

    The fake records every address asked for in its ``requested`` list.
    """
    remotes = tuple(
        Remote(name, hashlib.sha256(payload).hexdigest(), (f"https://example.org/{name}",))
        for name, payload in files.items()
    )

    def urlopen(url, timeout=None):
        urlopen.requested.append(url)
        return io.BytesIO(files[url.rsplit("/", 1)[1]])

    urlopen.requested = []
    return remotes, urlopen


def cifar_images(n, seed):
    return np.random.default_rng(seed).integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)


def cifar_batch_bytes(images, labels):
    """A CIFAR-10 batch as the published pickles hold it: rows of R, then G, then B planes."""
    batch = {
        b"batch_label": b"test fixture",
        b"labels": [int(v) for v in labels],
        b"data": images.transpose(0, 3, 1, 2).reshape(len(images), 3072),
        b"filenames": [b"img%d.png" % i for i in range(len(images))],
    }
    return pickle.dumps(batch, protocol=2)


def cifar_files(per_batch=2, n_test=3):
    """``{batch_name: bytes}`` for the six batches, and the expected (x, y) of each split."""
    files, xs, ys = {}, [], []
    for i in range(1, 6):
        x, y = cifar_images(per_batch, seed=i), np.arange(per_batch) % 10
        files[f"data_batch_{i}"] = cifar_batch_bytes(x, y)
        xs.append(x)
        ys.append(y)
    x_test, y_test = cifar_images(n_test, seed=9), (np.arange(n_test) + 7) % 10
    files["test_batch"] = cifar_batch_bytes(x_test, y_test)
    train = np.concatenate(xs), np.concatenate(ys).astype(np.uint8).reshape(-1, 1)
    return files, train, (x_test, y_test.astype(np.uint8).reshape(-1, 1))


def cifar_tarball(files):
    """The bytes of a ``cifar-10-python.tar.gz`` holding ``files`` in cifar-10-batches-py/."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, payload in files.items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()
