"""Keras 3 as the reference implementation: loading it (skipping cleanly without it) and
reading its results back as NumPy arrays."""

import os

import numpy as np
import pytest


def load_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras", reason="Keras 3 is the reference these tests compare to")


def to_numpy(value):
    """A Keras result (a backend tensor, a NumPy value or a float) as a NumPy array."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)
