"""Threads: how many deepbricks uses, and the shards its parallel loops run on."""

import contextlib
import multiprocessing
import os
import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from deepbricks import backend


@pytest.fixture
def threads(monkeypatch):
    """Sets deepbricks's thread count for one test without touching BLAS's."""

    def set_count(n):
        monkeypatch.setattr(backend, "_num_threads", n)
        monkeypatch.setattr(backend, "_shards_allowed", True)
        monkeypatch.setattr(backend, "_PARALLEL_SIZE", 0)

    return set_count


def blas_threads():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_the_thread_count_comes_from_the_environment(monkeypatch):
    monkeypatch.setattr(backend, "_num_threads", None)
    monkeypatch.setenv("DEEPBRICKS_NUM_THREADS", "3")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert backend.num_threads() == 3
    monkeypatch.delenv("DEEPBRICKS_NUM_THREADS")
    assert backend.num_threads() == 1


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_set_num_threads_rejects_anything_but_a_positive_int(bad):
    with pytest.raises(ValueError, match="positive int"):
        backend.set_num_threads(bad)


def test_set_num_threads_sets_blas_threads_too(monkeypatch):
    monkeypatch.setattr(backend, "_num_threads", None)
    before = blas_threads()
    try:
        backend.set_num_threads(2)
        assert backend.num_threads() == 2
        assert set(blas_threads()) == {2}
    finally:
        backend._blas_controller().limit(limits=max(before))


@pytest.mark.parametrize("count, size", [(1, 10), (2, 10), (3, 10), (4, 3), (2, 1)])
def test_shards_cover_the_range_once_in_order(threads, count, size):
    threads(count)
    shards = backend.parallel_shards(lambda s: s, size)
    assert len(shards) == min(count, size)
    assert [i for s in shards for i in range(s.start, s.stop)] == list(range(size))


def test_shards_run_on_several_threads_with_single_threaded_blas(threads):
    threads(2)
    barrier = threading.Barrier(2, timeout=10)

    def shard(_):
        barrier.wait()  # only returns when both shards run at the same time
        return threading.get_ident(), blas_threads()

    (first, blas_first), (second, blas_second) = backend.parallel_shards(shard, 8)
    assert first != second
    assert set(blas_first) == set(blas_second) == {1}


def test_an_exception_in_any_shard_reaches_the_caller_after_all_finish(threads):
    threads(2)
    finished = []

    def shard(s):
        if s.start > 0:
            raise ValueError("second shard failed")
        finished.append(s)
        return s

    with pytest.raises(ValueError, match="second shard failed"):
        backend.parallel_shards(shard, 4)
    assert finished == [slice(0, 2)]


def test_results_do_not_depend_on_timing(threads):
    threads(2)
    x = np.random.default_rng(0).standard_normal((64, 50))
    sums = [sum(backend.parallel_shards(lambda s: x[s].T @ x[s], 64)) for _ in range(3)]
    assert all(np.array_equal(sums[0], s) for s in sums)


@pytest.mark.parametrize("count", [1, 2, 3])
def test_batch_parallel_equals_the_function_on_the_whole_batch(threads, count):
    threads(count)
    x = np.random.default_rng(1).standard_normal((7, 4, 3))
    w = np.random.default_rng(2).standard_normal((7, 4, 3))
    out = np.empty((7, 4))
    result = backend.batch_parallel(lambda out, a, b: (a * b).sum(-1, out=out), out, x, w)
    assert result is out
    np.testing.assert_array_equal(result, (x * w).sum(-1))


class FakeBlas:
    def __init__(self, *libraries):
        self.libraries = [{"internal_api": api, "num_threads": n} for api, n in libraries]

    def info(self):
        return self.libraries

    def limit(self, limits):
        return contextlib.nullcontext()


@pytest.mark.parametrize(
    "libraries, sleeps, allowed",
    [
        ([("openblas", 1)], False, True),
        ([("openblas", 2)], True, True),
        ([("openblas", 2)], False, False),
        ([("mkl", 2)], True, False),
        ([("openblas", 2), ("mkl", 1)], True, True),
    ],
)
def test_shards_run_only_where_idle_blas_threads_sleep(monkeypatch, libraries, sleeps, allowed):
    monkeypatch.setattr(backend, "_blas_controller", lambda: FakeBlas(*libraries))
    monkeypatch.setattr(backend, "_BLAS_THREADS_SLEEP", sleeps)
    monkeypatch.setattr(backend, "_shards_allowed", None)
    monkeypatch.setattr(backend, "_num_threads", 2)
    assert backend.shards_allowed() is allowed
    assert len(backend.parallel_shards(lambda s: s, 10)) == (2 if allowed else 1)


def test_small_results_are_computed_in_one_piece(threads):
    threads(2)
    backend._PARALLEL_SIZE = 100
    calls = []
    for columns in (9, 10):
        backend.batch_parallel(lambda out, a: calls.append(len(a)), np.empty((10, columns)),
                               np.ones((10, columns)))
    assert calls == [10, 5, 5]


def _shards_in_a_forked_child(queue):
    queue.put(backend.parallel_shards(lambda s: (s.start, s.stop), 4))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.filterwarnings("ignore:This process.*fork:DeprecationWarning")
def test_a_forked_process_gets_its_own_threads(threads):
    threads(2)
    backend.parallel_shards(lambda s: s, 4)  # the parent's pool exists before the fork
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_shards_in_a_forked_child, args=(queue,))
    child.start()
    try:
        assert queue.get(timeout=30) == [(0, 2), (2, 4)]
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()


def test_a_parallel_loop_inside_a_shard_runs_on_that_shard_s_thread(threads):
    threads(2)

    def outer(s):
        return threading.get_ident(), backend.parallel_shards(
            lambda t: (threading.get_ident(), t), 4
        )

    results = backend.parallel_shards(outer, 4)
    assert len(results) == 2
    for outer_thread, inner in results:
        assert inner == [(outer_thread, slice(0, 4))]
