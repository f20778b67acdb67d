"""Activations: forward vs NumPy, float64 gradients vs finite differences, PyTorch, stability."""

import doctest
import math
import os

import numpy as np
import pytest
from scipy import special

import deepbricks as db
from deepbricks import ops
from deepbricks.ops import activation
from tests.ops.cases import Case, check_forward, check_gradient, check_torch
from tests.ops.test_elementwise import check_float32

os.environ.setdefault("KERAS_BACKEND", "torch")


def normal(*shapes, scale=1.0):
    return lambda rng: [scale * rng.standard_normal(s) for s in shapes]


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(x, axis=-1):
    return x - special.logsumexp(x, axis=axis, keepdims=True)


def np_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def torch_log_softmax_over(t, a, dims):
    return a - t.logsumexp(a, dim=dims, keepdim=True)


CASES = [
    Case("sigmoid", ops.sigmoid, normal((3, 4), scale=3), np_sigmoid, lambda t, a: t.sigmoid(a)),
    Case("tanh", ops.tanh, normal((3, 4), scale=2), np.tanh, lambda t, a: t.tanh(a)),
    Case("relu", ops.relu, normal((3, 4)), lambda x: np.maximum(x, 0), lambda t, a: t.relu(a)),
    Case("relu6", ops.relu6, normal((3, 4), scale=5), lambda x: np.minimum(np.maximum(x, 0), 6),
         lambda t, a: t.nn.functional.relu6(a)),
    Case("leaky_relu", ops.leaky_relu, normal((3, 4)), lambda x: np.where(x > 0, x, 0.2 * x),
         lambda t, a: t.nn.functional.leaky_relu(a, 0.2)),
    Case("leaky_relu_slope", lambda x: ops.leaky_relu(x, negative_slope=0.01), normal((3, 4)),
         lambda x: np.where(x > 0, x, 0.01 * x), lambda t, a: t.nn.functional.leaky_relu(a, 0.01)),
    Case("elu", ops.elu, normal((3, 4), scale=2), np_elu, lambda t, a: t.nn.functional.elu(a)),
    Case("elu_alpha", lambda x: ops.elu(x, alpha=0.5), normal((3, 4), scale=2),
         lambda x: np_elu(x, 0.5), lambda t, a: t.nn.functional.elu(a, alpha=0.5)),
    Case("selu", ops.selu, normal((3, 4), scale=2), lambda x: SELU_SCALE * np_elu(x, SELU_ALPHA),
         lambda t, a: t.nn.functional.selu(a)),
    Case("softplus", ops.softplus, normal((3, 4), scale=3), lambda x: np.log1p(np.exp(x)),
         lambda t, a: t.nn.functional.softplus(a)),
    Case("softsign", ops.softsign, normal((3, 4), scale=2), lambda x: x / (1 + np.abs(x)),
         lambda t, a: t.nn.functional.softsign(a)),
    Case("silu", ops.silu, normal((3, 4), scale=2), lambda x: x * np_sigmoid(x),
         lambda t, a: t.nn.functional.silu(a)),
    Case("swish", ops.swish, normal((2, 3)), lambda x: x * np_sigmoid(x),
         lambda t, a: t.nn.functional.silu(a)),
    Case("gelu", ops.gelu, normal((3, 4), scale=2),
         lambda x: 0.5 * x * (1 + special.erf(x / math.sqrt(2))),
         lambda t, a: t.nn.functional.gelu(a)),
    Case("gelu_tanh", lambda x: ops.gelu(x, approximate=True), normal((3, 4), scale=2),
         lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
         lambda t, a: t.nn.functional.gelu(a, approximate="tanh")),
    Case("gaussian", ops.gaussian, normal((3, 4)), lambda x: np.exp(-x * x),
         lambda t, a: t.exp(-a * a)),
    # torch's hardsigmoid backward multiplies by 1/6 rounded to float32, even in float64.
    Case("hard_sigmoid", ops.hard_sigmoid, normal((3, 4), scale=3),
         lambda x: np.clip(x + 3, 0, 6) / 6, lambda t, a: t.nn.functional.relu6(a + 3) / 6),
    Case("linear", ops.linear, normal((3, 4)), lambda x: x, lambda t, a: a),
    Case("softmax", ops.softmax, normal((3, 5), scale=3), np_softmax,
         lambda t, a: t.softmax(a, dim=-1)),
    Case("softmax_axis0", lambda x: ops.softmax(x, axis=0), normal((3, 4, 2)),
         lambda x: np_softmax(x, axis=0), lambda t, a: t.softmax(a, dim=0)),
    Case("softmax_tuple_axes", lambda x: ops.softmax(x, axis=(1, -1)), normal((2, 3, 4)),
         lambda x: np_softmax(x, axis=(1, -1)),
         lambda t, a: torch_log_softmax_over(t, a, (1, -1)).exp()),
    Case("log_softmax", ops.log_softmax, normal((3, 5), scale=3), np_log_softmax,
         lambda t, a: t.log_softmax(a, dim=-1)),
    Case("log_softmax_axis1", lambda x: ops.log_softmax(x, axis=1), normal((2, 3, 4)),
         lambda x: np_log_softmax(x, axis=1), lambda t, a: t.log_softmax(a, dim=1)),
    Case("log_softmax_tuple_axes", lambda x: ops.log_softmax(x, axis=(0, 2)), normal((2, 3, 4)),
         lambda x: np_log_softmax(x, axis=(0, 2)),
         lambda t, a: torch_log_softmax_over(t, a, (0, 2))),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=str)
def test_forward_matches_numpy(case):
    check_forward(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_matches_finite_differences(case):
    check_gradient(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_pytorch(case):
    check_torch(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_float32_inputs_give_float32_outputs_and_gradients(case):
    check_float32(case)


EXTREME = [-1000.0, -100.0, -20.0, 0.0, 20.0, 100.0, 1000.0]
STABLE = [ops.sigmoid, ops.softplus, ops.softmax, ops.log_softmax, ops.tanh, ops.elu, ops.selu,
          ops.silu, ops.gelu, ops.softsign, ops.gaussian]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op", STABLE, ids=lambda op: op.__name__)
def test_extreme_inputs_give_finite_values_and_gradients(op, dtype):
    # Overflow would surface twice: as inf/nan here and as a RuntimeWarning (an error in
    # this test suite).
    x = db.Tensor(np.array(EXTREME, dtype), requires_grad=True)
    y = op(x)
    assert np.isfinite(y.numpy()).all(), y
    y.backward(np.linspace(-1.0, 1.0, len(EXTREME)).astype(dtype))
    assert x.grad.dtype == dtype and np.isfinite(x.grad).all(), x.grad


def test_sigmoid_and_softplus_saturate_to_the_right_limits():
    x = db.Tensor(np.array([-1000.0, 1000.0], np.float32), requires_grad=True)
    np.testing.assert_array_equal(ops.sigmoid(x).numpy(), [0.0, 1.0])
    np.testing.assert_array_equal(ops.softplus(x).numpy(), [0.0, 1000.0])
    ops.softplus(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0])


def test_softmax_of_extreme_logits_is_exact_and_log_softmax_keeps_the_gap():
    x = db.Tensor(np.array([[1000.0, -1000.0, 0.0]], np.float32), requires_grad=True)
    np.testing.assert_array_equal(ops.softmax(x).numpy(), [[1.0, 0.0, 0.0]])
    y = ops.log_softmax(x)
    np.testing.assert_array_equal(y.numpy(), [[0.0, -2000.0, -1000.0]])
    y.backward(np.array([[0.0, 1.0, 0.0]], np.float32))
    np.testing.assert_array_equal(x.grad, [[-1.0, 1.0, 0.0]])


def test_softmax_rows_sum_to_one_and_its_gradient_sums_to_zero():
    x = db.Tensor(np.random.default_rng(0).normal(size=(4, 6)), requires_grad=True)
    y = ops.softmax(x)
    np.testing.assert_allclose(y.numpy().sum(axis=1), np.ones(4))
    y.backward(np.random.default_rng(1).normal(size=(4, 6)))
    np.testing.assert_allclose(x.grad.sum(axis=1), np.zeros(4), atol=1e-12)


def test_softmax_axis_out_of_range_names_the_op():
    with pytest.raises(ValueError, match=r"softmax: axis 2 is out of range .*\(3, 4\)"):
        ops.softmax(db.Tensor(np.zeros((3, 4))), axis=2)


def test_leaky_relu_rejects_a_non_numeric_slope():
    with pytest.raises(TypeError, match="leaky_relu: negative_slope must be a number"):
        ops.leaky_relu(db.Tensor([1.0]), negative_slope="0.2")


def test_relu_gradient_is_zero_at_and_below_zero():
    x = db.Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
    ops.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])


def test_activation_defaults_follow_keras():
    keras = pytest.importorskip("keras", reason="Keras is an optional reference")
    x = np.linspace(-4.0, 4.0, 17).astype(np.float32)
    for name in ["leaky_relu", "elu", "selu", "gelu", "hard_sigmoid", "softplus", "silu"]:
        want = np.asarray(getattr(keras.activations, name)(x))
        np.testing.assert_allclose(
            getattr(ops, name)(x).numpy(), want, rtol=2e-6, atol=1e-6, err_msg=name
        )


def test_tensor_methods_call_these_activations():
    data = np.array([[-1.0, 0.5, 2.0]])
    x = db.Tensor(data)
    np.testing.assert_allclose(x.sigmoid().numpy(), np_sigmoid(data))
    np.testing.assert_allclose(x.tanh().numpy(), np.tanh(data))
    np.testing.assert_allclose(x.relu().numpy(), np.maximum(data, 0))
    np.testing.assert_allclose(x.softmax().numpy(), np_softmax(data))
    np.testing.assert_allclose(x.log_softmax(axis=0).numpy(), np.zeros((1, 3)))


def test_integer_inputs_become_floatx():
    assert ops.softmax(np.arange(3)).dtype == np.float32
    assert ops.sigmoid(db.Tensor([0, 1])).dtype == np.float32


def test_linear_returns_its_tensor_unchanged():
    x = db.Tensor([1.0, -1.0], requires_grad=True)
    assert ops.linear(x) is x


def test_docstring_examples_run():
    result = doctest.testmod(activation)
    assert result.attempted > 0 and result.failed == 0
