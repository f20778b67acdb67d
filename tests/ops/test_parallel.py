"""Ops that split the batch across threads give one thread's results with several.

Each row runs forward and backward (with a seeded random upstream gradient) in float64 with
one thread and with two and three (shards of unequal size), and compares outputs and
gradients.
"""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import backend, ops

rng = np.random.default_rng(0)
CASES = {
    "conv2d_relu": (lambda x, k: ops.conv2d(x, k, padding="same", activation="relu"),
                    [(5, 6, 6, 8), (3, 3, 8, 4)]),
    "conv2d_scatter": (lambda x, k: ops.conv2d(x, k, strides=2, padding="same"),
                       [(5, 7, 7, 3), (3, 3, 3, 6)]),
    "max_pool2d": (lambda x: ops.max_pool2d(x, 2), [(5, 6, 6, 3)]),
    "max_pool2d_overlapping": (lambda x: ops.max_pool2d(x, 3, 2, padding="same"),
                               [(5, 7, 7, 3)]),
    "avg_pool2d": (lambda x: ops.avg_pool2d(x, 2), [(5, 6, 6, 3)]),
    "relu": (ops.relu, [(5, 4, 4, 3)]),
    "batch_norm": (lambda x, g, b: ops.batch_norm(x, g, b)[0], [(5, 4, 4, 3), (3,), (3,)]),
    "batch_norm_dense": (lambda x, g, b: ops.batch_norm(x, g, b)[0], [(5, 6), (6,), (6,)]),
}


def run(op, arrays, threads):
    backend._num_threads = threads
    inputs = [db.Tensor(a, requires_grad=True) for a in arrays]
    y = op(*inputs)
    y.backward(np.random.default_rng(1).standard_normal(y.shape))
    return [y.numpy()] + [t.grad for t in inputs]


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("threads", [2, 3])
def test_several_threads_give_the_single_thread_results(monkeypatch, name, threads):
    monkeypatch.setattr(backend, "_num_threads", 1)
    monkeypatch.setattr(backend, "_shards_allowed", True)
    monkeypatch.setattr(backend, "_PARALLEL_SIZE", 0)
    op, shapes = CASES[name]
    arrays = [rng.standard_normal(s) for s in shapes]
    expected = run(op, arrays, 1)
    for got, want in zip(run(op, arrays, threads), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
