"""Dropout, Gaussian noise and Gaussian dropout: seeded forward vs NumPy, gradients with the
seed reset inside the function, noise statistics, determinism, inference and error messages."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks.backend import seed_generator
from deepbricks.ops import dropout, gaussian_dropout, gaussian_noise
from tests.ops.cases import Case, check_forward, check_gradient, check_torch

SEED = 7


def seeded(op, *args, **kwargs):
    """``op`` with the shared generator reseeded before each call, so it is deterministic (the
    finite differences of gradcheck call it again and again)."""
    def run(x):
        seed_generator(SEED)
        return op(x, *args, **kwargs)
    return run


def uniform():
    """The draws the ops make from a freshly seeded generator, for float64 inputs."""
    return np.random.default_rng(SEED)


def dropout_ref(rate, noise_shape=None):
    def ref(x):
        shape = x.shape if noise_shape is None else tuple(
            n if s is None else s for s, n in zip(noise_shape, x.shape, strict=True))
        keep = uniform().random(shape) >= rate
        return x * keep / (1 - rate)
    return ref


def noise_ref(stddev):
    return lambda x: x + stddev * uniform().standard_normal(x.shape)


def gaussian_dropout_ref(rate):
    return lambda x: x * (1 + np.sqrt(rate / (1 - rate)) * uniform().standard_normal(x.shape))


def normal(*shape):
    return lambda rng: [rng.standard_normal(shape)]


CASES = [
    Case("dropout", seeded(dropout, 0.4), normal(6, 5), dropout_ref(0.4)),
    Case("dropout_noise_shape", seeded(dropout, 0.5, noise_shape=(None, 1, 4)),
         normal(3, 5, 4), dropout_ref(0.5, (None, 1, 4))),
    Case("dropout_inference", seeded(dropout, 0.5, training=False), normal(4, 3),
         lambda x: x, lambda t, x: t.nn.functional.dropout(x, 0.5, training=False)),
    Case("gaussian_noise", seeded(gaussian_noise, 0.3), normal(4, 5), noise_ref(0.3)),
    Case("gaussian_dropout", seeded(gaussian_dropout, 0.2), normal(4, 5),
         gaussian_dropout_ref(0.2)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_forward_matches_numpy(case):
    check_forward(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_matches_finite_differences(case):
    check_gradient(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_pytorch(case):
    check_torch(case)


def test_dropout_drops_a_fraction_rate_and_keeps_the_mean():
    seed_generator(0)
    y = dropout(np.ones((1000, 1000), "float32"), 0.3).numpy()
    # 10^6 draws: the standard errors are 5e-4 (fraction) and 7e-4 (mean); 5e-3 is 7 sigma.
    assert abs((y == 0).mean() - 0.3) < 5e-3
    assert abs(y.mean() - 1.0) < 5e-3
    np.testing.assert_array_equal(np.unique(y), np.array([0.0, 1 / 0.7], "float32"))


def test_dropout_repeats_under_the_same_seed_and_draws_a_fresh_mask_each_call():
    x = np.ones((50, 40), "float32")
    seed_generator(11)
    first, second = dropout(x, 0.5).numpy(), dropout(x, 0.5).numpy()
    seed_generator(11)
    again = dropout(x, 0.5).numpy()
    np.testing.assert_array_equal(first, again)
    assert (first != second).any()


def test_noise_shape_shares_one_draw_along_its_unit_axes():
    seed_generator(1)
    y = dropout(np.ones((8, 5, 5, 16)), 0.5, noise_shape=(None, 1, 1, None)).numpy()
    np.testing.assert_array_equal(y, np.broadcast_to(y[:, :1, :1, :], y.shape))
    assert 0 < (y == 0).mean() < 1


def test_gradient_of_dropout_is_the_mask_it_applied():
    seed_generator(2)
    x = db.Tensor(np.ones((20, 30), "float32"), requires_grad=True)
    y = dropout(x, 0.25)
    y.backward(np.ones(y.shape, "float32"))
    np.testing.assert_array_equal(x.grad, y.numpy())
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("op, arg", [(dropout, 0.5), (gaussian_noise, 1.0),
                                     (gaussian_dropout, 0.5)])
@pytest.mark.parametrize("training", [False, None])
def test_inference_returns_the_input_itself(op, arg, training):
    x = db.Tensor(np.ones(3, "float32"))
    assert op(x, arg, training=training) is x


@pytest.mark.parametrize("op", [dropout, gaussian_dropout])
def test_rate_zero_is_the_identity(op):
    x = db.Tensor(np.ones(3))
    assert op(x, 0.0) is x


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op, arg", [(dropout, 0.5), (gaussian_noise, 0.5),
                                     (gaussian_dropout, 0.5)])
def test_noise_keeps_the_input_dtype(op, arg, dtype):
    assert op(np.ones((4, 4), dtype), arg).dtype == dtype


def test_gaussian_noise_has_the_requested_standard_deviation():
    seed_generator(3)
    noise = gaussian_noise(np.zeros(200_000, "float32"), 0.2).numpy()
    assert abs(noise.mean()) < 3e-3
    assert abs(noise.std() - 0.2) < 3e-3


def test_gaussian_dropout_keeps_the_mean_with_the_dropout_variance():
    seed_generator(4)
    y = gaussian_dropout(np.ones(200_000, "float32"), 0.2).numpy()
    assert abs(y.mean() - 1.0) < 5e-3
    assert abs(y.std() - np.sqrt(0.2 / 0.8)) < 5e-3


def test_python_lists_become_float32_tensors():
    assert dropout([1.0, 2.0], 0.5).dtype == np.float32
    assert dropout([1.0, 2.0], 0.5, training=False).dtype == np.float32


@pytest.mark.parametrize("call, error, message", [
    (lambda: dropout(np.ones(3), 1.5), ValueError,
     r"dropout: rate is the fraction of units to drop and must be a number in \[0, 1\)\. "
     r"Received: rate=1\.5"),
    (lambda: dropout(np.ones(3), 1.0), ValueError, r"Received: rate=1\.0"),
    (lambda: dropout(np.ones(3), -0.1), ValueError, r"Received: rate=-0\.1"),
    (lambda: dropout(np.ones(3), "0.5"), ValueError, r"Received: rate=0\.5"),
    (lambda: dropout(np.ones((2, 3, 4)), 0.5, noise_shape=(2, 5)), ValueError,
     r"dropout: noise_shape \(2, 5\) does not broadcast to the input shape \(2, 3, 4\); give "
     r"one entry per input axis"),
    (lambda: dropout(np.ones((2, 3)), 0.5, noise_shape=(None, 2)), ValueError,
     r"noise_shape \(None, 2\) does not broadcast to the input shape \(2, 3\)"),
    (lambda: dropout(np.ones(3, "int64"), 0.5), TypeError,
     r"dropout expects a floating-point input; received dtype int64\. Cast it first"),
    (lambda: gaussian_noise(np.ones(3), -1.0), ValueError,
     r"gaussian_noise: stddev must be a finite number >= 0\. Received: stddev=-1\.0"),
    (lambda: gaussian_dropout(np.ones(3), 1.0), ValueError,
     r"gaussian_dropout: rate is the fraction .* Received: rate=1\.0"),
])
def test_bad_arguments_raise_messages_naming_the_op_and_the_fix(call, error, message):
    with pytest.raises(error, match=message):
        call()
