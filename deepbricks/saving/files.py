"""Atomic writes and the one-file model format (safetensors with a JSON header)."""

import json
import os
import tempfile

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load, save

FORMAT = "deepbricks.model.v1"


def atomic_write(path, data):
    """Writes ``data`` to ``path`` through a temporary file in the same folder, then renames
    it, so an interrupted save never leaves a truncated file where a good one was."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(tmp, os.stat(path).st_mode & 0o777 if os.path.exists(path) else _default_mode())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _default_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write(path, arrays, metadata, overwrite=True):
    """Saves a dict of arrays and a dict of JSON-able metadata into one safetensors file."""
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it.")
    header = {key: json.dumps(value) for key, value in metadata.items()}
    header["format"] = FORMAT
    contiguous = {k: np.asarray(v, order="C") for k, v in arrays.items()}
    atomic_write(path, save(contiguous, metadata=header))


def read(path):
    """(arrays, metadata) from a file written by :func:`write`."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: {path}")
    with open(path, "rb") as f:
        data = f.read()
    try:
        arrays = load(data)
        header = _metadata(data)
    except (SafetensorError, ValueError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a deepbricks model/weights file (or it is "
                         f"corrupt): {error}") from None
    if header.get("format") != FORMAT:
        raise ValueError(f"{path} is not a deepbricks file (format {header.get('format')!r}, "
                         f"expected {FORMAT!r}).")
    return arrays, {k: json.loads(v) for k, v in header.items() if k != "format"}


def _metadata(data):
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + length])
    return header.get("__metadata__", {})
