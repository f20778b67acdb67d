"""The array module, the default float type and the one random generator.

Everything numeric in deepbricks goes through ``xp`` (NumPy today) so that a GPU array module
can replace it later, and everything random draws from :func:`rng`, so that
``deepbricks.utils.set_random_seed`` makes whole runs repeatable.
"""

import numpy as np

xp = np

_floatx = "float32"
_rng = np.random.default_rng()


def floatx():
    """Returns the default float type, ``'float32'`` unless changed with :func:`set_floatx`."""
    return _floatx


def set_floatx(dtype):
    """Sets the default float type used for weights and for Tensors made from Python floats.

    Args:
        dtype: ``'float16'``, ``'float32'`` or ``'float64'``.
    """
    global _floatx
    if dtype not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown floatx {dtype!r}; expected 'float16', 'float32' or 'float64'.")
    _floatx = dtype


def rng():
    """Returns the generator every random draw in deepbricks comes from."""
    return _rng


def seed_generator(seed):
    """Replaces the shared generator with a fresh one seeded with ``seed``."""
    global _rng
    _rng = np.random.default_rng(seed)


def is_float(dtype):
    return np.issubdtype(dtype, np.floating)
