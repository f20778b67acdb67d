"""The IDX file format of MNIST and Fashion-MNIST, and the loader the two share.

An IDX file is a 4-byte magic number ``0x0000TTNN`` (``TT`` the element type, ``NN`` the
number of dimensions), then ``NN`` big-endian 32-bit sizes, then the elements in row-major
order. The published files are gzipped; both forms are read, told apart by their first bytes.
"""

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from deepbricks.datasets import _files

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801

_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"

SPLITS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
FILENAMES = tuple(name for pair in SPLITS.values() for name in pair)


def _read_exact(stream, buffer):
    """Fills ``buffer`` from ``stream``; returns how many bytes were available."""
    view = memoryview(buffer).cast("B")
    filled = 0
    while filled < len(view):
        count = stream.readinto(view[filled:])
        if not count:
            break
        filled += count
    return filled


def _remaining(stream):
    total = 0
    while chunk := stream.read(1 << 20):
        total += len(chunk)
    return total


def _matches(dims, shape):
    return len(dims) == len(shape) and all(
        want is None or want == size for want, size in zip(shape, dims, strict=True)
    )


def read_idx(path, magic=None, shape=None):
    """Reads an IDX file, gzipped or raw, into a NumPy array in native byte order.

    Args:
        path: the file.
        magic: the expected magic number (``0x00000803`` for images, ``0x00000801`` for
            labels), or None to accept any valid one.
        shape: the expected shape, with None for any size along an axis, e.g.
            ``(None, 28, 28)``; or None to accept any.

    Returns:
        The array, shaped as the file's header says.

    Raises:
        ValueError: the file is not a valid IDX file of the expected kind: the message names
            the file and what is wrong (bad magic number, unknown element type, unexpected
            dimensions, truncated or oversized data, corrupt gzip stream).

    Example:
        >>> images = read_idx("train-images-idx3-ubyte.gz", 0x803, (None, 28, 28))
    """
    path = Path(path)
    with open(path, "rb") as raw:
        opener = gzip.open if raw.read(2) == _GZIP_MAGIC else open
    try:
        with opener(path, "rb") as stream:
            return _parse(path, stream, magic, shape)
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise ValueError(
            f"{path}: corrupt gzip stream ({err}); delete the file and download it again."
        ) from None


def _parse(path, stream, magic, shape):
    def fail(problem):
        return ValueError(f"{path}: {problem}; delete the file and download it again.")

    header = stream.read(4)
    if len(header) < 4:
        raise fail(f"truncated: expected at least 4 bytes, found {len(header)}")
    found_magic = int.from_bytes(header, "big")
    if magic is not None and found_magic != magic:
        raise fail(f"bad magic number 0x{found_magic:08X} (expected 0x{magic:08X})")
    if header[:2] != b"\0\0" or header[2] not in _DTYPES:
        raise fail(f"bad magic number 0x{found_magic:08X}: not an IDX file")
    dtype, ndim = _DTYPES[header[2]], header[3]
    dims_bytes = stream.read(4 * ndim)
    header_size = 4 + 4 * ndim
    if len(dims_bytes) < 4 * ndim:
        raise fail(f"truncated: expected at least {header_size} bytes, found {4 + len(dims_bytes)}")
    dims = struct.unpack(f">{ndim}I", dims_bytes)
    if shape is not None and not _matches(dims, shape):
        wanted = ", ".join("N" if s is None else str(s) for s in shape)
        raise fail(f"bad dimensions {dims} (expected ({wanted}{',' * (len(shape) == 1)}))")
    expected = header_size + int(np.prod(dims)) * dtype.itemsize
    data = np.empty(dims, dtype)
    found = header_size + _read_exact(stream, data)
    if found < expected:
        raise fail(f"truncated: expected {expected} bytes, found {found}")
    extra = _remaining(stream)
    if extra:
        raise fail(f"wrong size: expected {expected} bytes, found {expected + extra}")
    return data.astype(dtype.newbyteorder("="), copy=False)


def locate(place):
    """Returns ``{filename: path}`` when ``place`` holds all four files (gzipped or raw)."""
    found = {}
    for name in FILENAMES:
        for candidate in (place / name, place / f"{name}.gz"):
            if candidate.is_file():
                found[name] = candidate
                break
        else:
            return None
    return found


def load(name, title, remotes, path=None, system_dirs=(), hint=""):
    """Finds and reads an MNIST-style data set: ``((x_train, y_train), (x_test, y_test))``."""
    files = _files.resolve(name, title, locate, remotes, path, system_dirs, hint)
    splits = []
    for images_name, labels_name in SPLITS.values():
        images = read_idx(files[images_name], IMAGES_MAGIC, (None, 28, 28))
        labels = read_idx(files[labels_name], LABELS_MAGIC, (None,))
        if len(images) != len(labels):
            raise ValueError(
                f"{title}: {files[images_name]} holds {len(images)} images but "
                f"{files[labels_name]} holds {len(labels)} labels; the two files come from "
                "different releases. Replace them with a matching pair."
            )
        splits.append((images, labels))
    return tuple(splits)
