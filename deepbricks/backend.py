"""The array module, the default float type and the one random generator.

Everything numeric in deepbricks goes through ``xp`` (NumPy today) so that a GPU array module
can replace it later, and everything random draws from :func:`rng`, so that
``deepbricks.utils.set_random_seed`` makes whole runs repeatable.
"""

import ctypes
import os
import sys

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


def _keep_freed_memory_for_reuse():
    """Asks glibc to keep freed memory instead of returning it to the operating system.

    A training step allocates the same large temporaries (im2col matrices, padded inputs,
    gradients) every time. By default glibc serves each from a fresh mmap and unmaps it when
    freed, so every step page-faults all of it back in: measured here, 34,700 faults and
    130 ms of system time per step of a small ResNet, and 3x the CPU time of an
    allocate-fill-free loop. Disabling mmap allocations and heap trimming lets the freed
    blocks be reused. The process's resident memory then stays at its peak, which training
    reaches on its first step anyway. Set DEEPBRICKS_MALLOC_TUNING=0 to leave glibc alone.
    """
    if not sys.platform.startswith("linux") or os.environ.get("DEEPBRICKS_MALLOC_TUNING") == "0":
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_mmap_max = -1, -4
    libc.mallopt(m_trim_threshold, 2**30)
    libc.mallopt(m_mmap_max, 0)


_keep_freed_memory_for_reuse()
