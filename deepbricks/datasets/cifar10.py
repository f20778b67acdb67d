"""CIFAR-10: 60,000 colour 32x32 images in 10 classes.

A. Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", technical report,
University of Toronto, 2009; https://www.cs.toronto.edu/~kriz/cifar.html. The "python
version" is read: five training batches and one test batch, each a pickled dict with
``data`` (N, 3072) uint8 rows (1024 red, 1024 green, 1024 blue values) and ``labels``.
The pickles are read with an unpickler that only builds NumPy arrays, so a tampered file cannot
run code, and the tarball is read in place, without extracting it.
"""

import codecs
import io
import pickle
import tarfile
import zlib
from pathlib import Path

import numpy as np

from deepbricks.datasets import _files
from deepbricks.datasets._files import Remote

CLASS_NAMES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)
TARBALL = "cifar-10-python.tar.gz"
BATCH_DIR = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"
REMOTES = (
    Remote(
        TARBALL,
        "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
        ("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",),
    ),
)
SYSTEM_DIRS = ()

_ARRAY = np.zeros(0)
_ALLOWED = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _ARRAY.__reduce__()[0],
    ("numpy._core.multiarray", "_reconstruct"): _ARRAY.__reduce__()[0],
    ("numpy.core.numeric", "_frombuffer"): _ARRAY.__reduce_ex__(5)[0],
    ("numpy._core.numeric", "_frombuffer"): _ARRAY.__reduce_ex__(5)[0],
    ("_codecs", "encode"): codecs.encode,
}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}")
        return _ALLOWED[module, name]


def _read_batch(stream, source):
    try:
        batch = _ArrayUnpickler(stream, encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError,
            KeyError) as err:
        raise ValueError(
            f"{source}: not a CIFAR-10 batch ({type(err).__name__}: {err}); delete it and "
            "download the data again."
        ) from None
    if isinstance(batch, dict):
        batch = {k.decode() if isinstance(k, bytes) else k: v for k, v in batch.items()}
    data = batch.get("data") if isinstance(batch, dict) else None
    labels = batch.get("labels") if isinstance(batch, dict) else None
    if not (isinstance(data, np.ndarray) and data.dtype == np.uint8 and data.ndim == 2
            and data.shape[1] == 3072 and labels is not None and len(labels) == len(data)):
        raise ValueError(
            f"{source}: not a CIFAR-10 batch: expected a dict with 'data' (N, 3072) uint8 and "
            "N 'labels'; delete it and download the data again."
        )
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"{source}: labels must lie in 0..9, found {labels.min()}..{labels.max()}")
    return data, labels


def _locate(place):
    """Returns ``('dir', batches_dir)`` or ``('tar', tarball)`` when ``place`` holds CIFAR-10."""
    if place.is_file() and place.name.endswith((".tar.gz", ".tgz")):
        return "tar", place
    for batches in (place / BATCH_DIR, place):
        if all((batches / name).is_file() for name in (*TRAIN_BATCHES, TEST_BATCH)):
            return "dir", batches
    if (place / TARBALL).is_file():
        return "tar", place / TARBALL
    return None


def _read_batches(kind, location):
    wanted = (*TRAIN_BATCHES, TEST_BATCH)
    if kind == "dir":
        batches = {}
        for name in wanted:
            with open(location / name, "rb") as stream:
                batches[name] = _read_batch(stream, location / name)
        return batches
    members = {}
    try:
        with tarfile.open(location, "r:*") as tar:
            for member in tar:
                name = Path(member.name).name
                if member.isfile() and name in wanted and name not in members:
                    members[name] = (member.name, tar.extractfile(member).read())
    except (tarfile.TarError, EOFError, OSError, zlib.error) as err:
        raise ValueError(
            f"{location}: corrupt archive ({err}); delete it and download it again."
        ) from None
    missing = [name for name in wanted if name not in members]
    if missing:
        raise ValueError(f"{location}: the archive lacks {', '.join(missing)}")
    return {
        name: _read_batch(io.BytesIO(payload), f"{location}:{member}")
        for name, (member, payload) in members.items()
    }


def _assemble(batches, source):
    total = sum(len(batches[name][0]) for name in source)
    x = np.empty((total, 32, 32, 3), np.uint8)
    y = np.empty((total, 1), np.uint8)
    start = 0
    for name in source:
        data, labels = batches[name]
        stop = start + len(data)
        planes, pixels = data.reshape(-1, 3, 1024), x[start:stop].reshape(-1, 1024, 3)
        # A plane at a time reads memory in order: twice as fast as one 4-D transposed copy.
        for channel in range(3):
            pixels[:, :, channel] = planes[:, channel]
        y[start:stop, 0] = labels
        start = stop
    return x, y


def load_data(path=None):
    """Loads the CIFAR-10 data set of small colour images.

    The data is looked for in ``path``, then in ``$DEEPBRICKS_DATA/cifar10/``, then in the
    cache ``~/.deepbricks/datasets/cifar10/``, and ``cifar-10-python.tar.gz`` (163 MB) is
    downloaded into the cache when it is nowhere.

    Args:
        path: the ``cifar-10-python.tar.gz`` archive, or a directory holding it, the
            extracted ``cifar-10-batches-py`` directory, or the batch files themselves.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images of shape (50000, 32, 32, 3)
        and (10000, 32, 32, 3) (channels last), and uint8 labels of shape (50000, 1) and
        (10000, 1) with values 0..9, which index :data:`CLASS_NAMES`.

    Raises:
        FileNotFoundError: the data is nowhere and could not be downloaded.
        ValueError: a file is corrupt or is not a CIFAR-10 batch.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = cifar10.load_data()
        >>> x_train.shape, y_train.shape
        ((50000, 32, 32, 3), (50000, 1))
    """
    kind, location = _files.resolve("cifar10", "CIFAR-10", _locate, REMOTES, path, SYSTEM_DIRS)
    batches = _read_batches(kind, location)
    return _assemble(batches, TRAIN_BATCHES), _assemble(batches, (TEST_BATCH,))
