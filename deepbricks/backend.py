"""The array module, the default float type, the one random generator and the threads.

Everything numeric in deepbricks goes through ``xp`` (NumPy today) so that a GPU array module
can replace it later, and everything random draws from :func:`rng`, so that
``deepbricks.utils.set_random_seed`` makes whole runs repeatable. The ops that split a batch
across the cores (convolution, pooling, normalization) do it through
:func:`parallel_shards` and :func:`batch_parallel`, with :func:`num_threads` threads.
"""

import ctypes
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, wait

# After each product OpenBLAS's idle threads spin for 2^28 cycles (~0.1 s) before sleeping;
# meanwhile they take the cores that parallel_shards needs, which made the course CNN's
# step 1.7x slower than with either kind of threads alone. 2^18 cycles (~0.1 ms) keeps
# back-to-back products as fast (measured on the MLP). OpenBLAS reads the variable once, when
# NumPy loads it, so it only counts if deepbricks is imported first (or the user set it).
_BLAS_THREADS_SLEEP = "numpy" not in sys.modules or "OPENBLAS_THREAD_TIMEOUT" in os.environ
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "18")

import numpy as np  # noqa: E402

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


# ----------------------------------------------------------------------------------------
# Threads
# ----------------------------------------------------------------------------------------

_num_threads = None
_executor, _executor_workers = None, 0
_blas = None


def num_threads():
    """Returns how many threads deepbricks computes with (BLAS and its own parallel loops).

    Unless set with :func:`set_num_threads`: ``DEEPBRICKS_NUM_THREADS``, else
    ``OMP_NUM_THREADS``, else the number of CPUs this process may run on.
    """
    if _num_threads is None:
        return _threads_from_environment()
    return _num_threads


def set_num_threads(n):
    """Sets the threads used by BLAS and by deepbricks's parallel loops (like PyTorch's).

    Args:
        n: a positive int.
    """
    global _num_threads, _shards_allowed
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"set_num_threads expects a positive int. Received: n={n!r}")
    _num_threads = n
    _blas_controller().limit(limits=n)
    _shards_allowed = None


def _threads_from_environment():
    for name in ("DEEPBRICKS_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _blas_controller():
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController().select(user_api="blas")
    return _blas


def shards_allowed():
    """Whether parallel loops may run: False when idle BLAS threads would spin meanwhile.

    True when every BLAS library is single-threaded, or is OpenBLAS loaded after deepbricks
    shortened its spinning; otherwise (NumPy imported before deepbricks, or MKL) the loops run
    on one thread and BLAS's threads keep the cores. Import deepbricks first, or set
    OPENBLAS_THREAD_TIMEOUT before NumPy loads, to let convolutions use every core.
    """
    global _shards_allowed
    if _shards_allowed is None:
        _shards_allowed = all(
            library["num_threads"] == 1
            or (library["internal_api"] == "openblas" and _BLAS_THREADS_SLEEP)
            for library in _blas_controller().info()
        )
    return _shards_allowed


_shards_allowed = None


def _forget_threads():
    """In a forked child the pool's threads do not exist: start a new pool when needed."""
    global _executor, _executor_workers
    _executor, _executor_workers = None, 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_threads)


def parallel_shards(function, size):
    """Calls ``function(shard)`` on contiguous shards of ``range(size)``, one per thread.

    NumPy releases the interpreter lock inside its copies, ufuncs and BLAS calls, so shards
    of a batch (a group of images each) run on all cores at once: the memory-bound passes
    (im2col copies, scatters) that NumPy runs on one core get parallel too, which a
    multithreaded BLAS product alone cannot give. BLAS is single-threaded meanwhile so that
    the shards do not oversubscribe the cores. Shards are fixed by ``size`` and
    :func:`num_threads` alone, so results are reproducible for a given thread count; the
    loop runs on one thread when :func:`shards_allowed` says BLAS's threads would spin.

    Args:
        function: called with a ``slice``; its return value is collected.
        size: the length of the axis to shard (usually the batch).

    Returns:
        The list of ``function``'s results, in shard order.

    Example:
        >>> parallel_shards(lambda s: (s.start, s.stop), 10)  # doctest: +SKIP
        [(0, 5), (5, 10)]
    """
    count = min(num_threads(), size) if shards_allowed() else 1
    if count <= 1 or getattr(_in_shard, "active", False):
        # Inside a shard the pool's threads are busy with the outer loop: waiting for them
        # would deadlock, and the cores are taken anyway.
        return [function(slice(0, size))]
    global _executor, _executor_workers
    if _executor is None or _executor_workers < count - 1:
        _executor = ThreadPoolExecutor(count - 1, thread_name_prefix="deepbricks")
        _executor_workers = count - 1
    bounds = [size * i // count for i in range(count + 1)]
    shards = [slice(a, b) for a, b in zip(bounds, bounds[1:])]
    with _blas_controller().limit(limits=1):
        futures = [_executor.submit(_run_in_shard, function, shard) for shard in shards[1:]]
        try:
            first = _run_in_shard(function, shards[0])
        finally:
            wait(futures)
    return [first] + [future.result() for future in futures]


_in_shard = threading.local()


def _run_in_shard(function, shard):
    _in_shard.active = True
    try:
        return function(shard)
    finally:
        _in_shard.active = False


_PARALLEL_SIZE = 1 << 18


def batch_parallel(function, out, *arrays):
    """Runs ``function(out, *arrays)`` on shards of the batch (axis 0) at once; returns out.

    For a ``function`` that treats every sample independently (pooling, elementwise
    passes) and writes its result into its first argument, each thread gets a slice of
    ``out`` and the same slice of every array. Results smaller than _PARALLEL_SIZE elements
    are computed in one piece: handing work to another thread costs about 70 microseconds.

    Args:
        function: ``function(out, *arrays)`` fills ``out`` from slices of ``arrays``.
        out: the result array; ``out.shape[0]`` is the batch.
        *arrays: arrays whose axis 0 is the batch.

    Returns:
        ``out``.
    """
    if out.size < _PARALLEL_SIZE or min(num_threads(), len(out)) <= 1 or not shards_allowed():
        function(out, *arrays)
        return out

    def shard(rows):
        function(out[rows], *(a[rows] for a in arrays))

    parallel_shards(shard, len(out))
    return out
