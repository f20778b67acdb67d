"""Activations by name: NumPy formulas, float64 gradients, Keras parity, extremes, get/serialize."""

import math
import os

import numpy as np
import pytest
from scipy.special import erf, expit

from deepbricks import Tensor, activations
from deepbricks.autograd import gradcheck

os.environ.setdefault("KERAS_BACKEND", "torch")

# Inputs kept away from every kink used below: 0, +-1, +-3, 6 and the threshold 0.5.
GRID = np.array([[-4.3, -2.7, -1.4, -0.6],
                 [-0.2, 0.3, 0.8, 1.7],
                 [2.6, 4.1, 6.8, 0.15]])  # fmt: skip


def softplus(x):
    return np.logaddexp(0.0, x)


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805

REFERENCES = {
    "relu": lambda x: np.maximum(x, 0.0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "relu6": lambda x: np.clip(x, 0.0, 6.0),
    "sigmoid": expit,
    "tanh": np.tanh,
    "softmax": softmax,
    "log_softmax": lambda x: np.log(softmax(x)),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)),
    "softplus": softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * expit(x),
    "swish": lambda x: x * expit(x),
    "gelu": lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))),
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "exponential": np.exp,
    "linear": lambda x: x,
    "gaussian": lambda x: np.exp(-x * x),
    "mish": lambda x: x * np.tanh(softplus(x)),
    "log_sigmoid": lambda x: -softplus(-x),
    "hard_silu": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "hard_swish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "celu": lambda x: np.where(x > 0, x, np.expm1(x)),
}
NAMES = sorted(REFERENCES)
NOT_IN_KERAS = {"gaussian"}


def test_every_name_has_a_reference():
    assert set(NAMES) == {n for n in activations._BY_NAME}


@pytest.mark.parametrize("name", NAMES)
def test_forward_matches_numpy(name):
    got = activations.get(name)(Tensor(GRID))
    np.testing.assert_allclose(got.numpy(), REFERENCES[name](GRID), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "linear"])
def test_gradient_matches_finite_differences(name):
    assert gradcheck(activations.get(name), [GRID])


@pytest.mark.parametrize("name", [n for n in NAMES if n not in NOT_IN_KERAS])
def test_matches_keras_in_float32(name):
    keras = pytest.importorskip("keras", reason="Keras is the optional reference")
    x = GRID.astype("float32")
    got = activations.get(name)(Tensor(x))
    want = keras.activations.get(name)(keras.ops.convert_to_tensor(x)).detach().cpu().numpy()
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "exponential"])
def test_extreme_inputs_stay_finite(name):
    x = Tensor(np.array([[-1000.0, -30.0, 30.0, 1000.0]], "float32"), requires_grad=True)
    y = activations.get(name)(x)
    assert np.all(np.isfinite(y.numpy()))
    if name != "linear":
        y.sum().backward()
        assert np.all(np.isfinite(x.grad))


KERAS_RELU_ARGS = [
    dict(negative_slope=0.1),
    dict(max_value=6.0),
    dict(max_value=4.0),
    dict(threshold=0.5),
    dict(negative_slope=0.1, max_value=4.0, threshold=0.5),
    dict(negative_slope=0.3, max_value=2.0),
]


@pytest.mark.parametrize("kwargs", KERAS_RELU_ARGS, ids=str)
def test_relu_options_match_keras_and_have_gradients(kwargs):
    keras = pytest.importorskip("keras", reason="Keras is the optional reference")
    x = GRID.astype("float32")
    got = activations.relu(Tensor(x), **kwargs).numpy()
    want = keras.activations.relu(keras.ops.convert_to_tensor(x), **kwargs)
    np.testing.assert_allclose(got, want.detach().cpu().numpy(), rtol=1e-6, atol=1e-7)
    assert gradcheck(lambda t: activations.relu(t, **kwargs), [GRID])


@pytest.mark.parametrize("fn, kwargs", [
    (activations.elu, dict(alpha=0.5)), (activations.celu, dict(alpha=2.0)),
    (activations.leaky_relu, dict(negative_slope=0.01)), (activations.softmax, dict(axis=0)),
    (activations.log_softmax, dict(axis=0)), (activations.gelu, dict(approximate=True)),
])  # fmt: skip
def test_keyword_arguments_match_keras(fn, kwargs):
    keras = pytest.importorskip("keras", reason="Keras is the optional reference")
    x = GRID.astype("float32")
    want = getattr(keras.activations, fn.__name__)(keras.ops.convert_to_tensor(x), **kwargs)
    np.testing.assert_allclose(fn(Tensor(x), **kwargs).numpy(), want.detach().cpu().numpy(),
                               rtol=1e-5, atol=1e-6)
    assert gradcheck(lambda t: fn(t, **kwargs), [GRID])


def test_leaky_relu_function_slope_is_0_2():
    np.testing.assert_allclose(activations.get("leaky_relu")(Tensor([-1.0])).numpy(), [-0.2])


def test_gelu_is_exact_by_default():
    x = np.array([1.0])
    exact = 0.5 * (1 + math.erf(1 / math.sqrt(2)))
    np.testing.assert_allclose(activations.gelu(Tensor(x)).numpy(), [exact], rtol=1e-12)


def test_arrays_are_accepted():
    np.testing.assert_allclose(activations.relu(np.array([-1.0, 2.0])).numpy(), [0.0, 2.0])
    np.testing.assert_allclose(activations.mish(np.array([0.0])).numpy(), [0.0])


def test_get_none_callables_and_unknown_names():
    assert activations.get(None) is activations.linear

    def square(x):
        return x * x

    assert activations.get(square) is square
    with pytest.raises(ValueError, match="Unknown activation 'rleu'. Valid names: celu, elu"):
        activations.get("rleu")
    with pytest.raises(ValueError, match="Could not interpret activation identifier 3"):
        activations.get(3)


@pytest.mark.parametrize("name", NAMES)
def test_serialize_gives_back_the_keras_name(name):
    fn = activations.get(name)
    expected = {"swish": "silu", "hard_swish": "hard_silu"}.get(name, name)
    assert activations.serialize(fn) == expected
    assert activations.deserialize(activations.serialize(fn)) is fn


def test_serialize_rejects_foreign_functions():
    with pytest.raises(ValueError, match="not one of deepbricks.activations"):
        activations.serialize(lambda x: x)
