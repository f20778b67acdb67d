"""Highway: y = T * H(x) + (1 - T) * x against NumPy, float64 gradients of the input and of
all four weights against finite differences, the carry behaviour of the gate bias, configs
and errors."""

import numpy as np
import pytest

from deepbricks import backend
from deepbricks import layers as L
from deepbricks.autograd import Tensor
from deepbricks.autograd.gradcheck import gradcheck
from tests.layers.reference import Row, check_config, check_float64, check_symbolic

ROWS = [
    Row("relu", lambda: L.Highway(), None, (4, 6)),
    Row("tanh_gate_bias_minus_2", lambda: L.Highway("tanh", transform_gate_bias=-2.0), None,
        (3, 5)),
    Row("linear_on_sequences", lambda: L.Highway(None, transform_gate_bias=0.5), None,
        (2, 3, 4)),
]


def reference(x, kernel, bias, transform_kernel, transform_bias, activation):
    transformed = activation(x @ kernel + bias)
    gate = 1.0 / (1.0 + np.exp(-(x @ transform_kernel + transform_bias)))
    return gate * transformed + (1.0 - gate) * x


ACTIVATIONS = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}


def random_weights(layer, rng):
    layer.set_weights([rng.standard_normal(w.shape) for w in layer.weights])


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_matches_numpy(row):
    rng = np.random.default_rng(0)
    layer = row.ours()
    x = rng.standard_normal(row.shapes).astype(np.float32)
    layer.build_from_shape(row.shapes)
    random_weights(layer, rng)
    got = layer(x)
    assert got.dtype == np.float32
    want = reference(x.astype(np.float64), *[w.astype(np.float64) for w in layer.get_weights()],
                     ACTIVATIONS[layer.activation.__name__])
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_float64_gradients_of_input_and_weights(row):
    rng = np.random.default_rng(1)
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        layer = row.ours()
        layer.build_from_shape(row.shapes)
    finally:
        backend.set_floatx(previous)
    # Keep relu's pre-activations away from its kink at 0.
    weights = [rng.standard_normal(w.shape) for w in layer.weights]
    x = rng.standard_normal(row.shapes)
    while np.abs(x @ weights[0] + weights[1]).min() < 1e-3:
        x = rng.standard_normal(row.shapes)
    variables = [Tensor(w, requires_grad=True) for w in weights]

    def highway(x, *weights):
        # The layer reads its weights from these attributes, so the checked Tensors stand in.
        layer.kernel, layer.bias, layer.transform_kernel, layer.transform_bias = weights
        return layer(x)

    assert gradcheck(highway, [x, *variables])


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_config_round_trip(row):
    check_config(row)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_symbolic_output_shape(row):
    check_symbolic(row)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_float64_is_kept(row):
    check_float64(row)


def test_weights_in_order_with_the_gate_bias_filled_in():
    layer = L.Highway(transform_gate_bias=-3.0)
    layer(np.ones((2, 5), np.float32))
    assert [(w.name, w.shape) for w in layer.weights] == [
        ("kernel", (5, 5)), ("bias", (5,)), ("transform_kernel", (5, 5)),
        ("transform_bias", (5,))]
    np.testing.assert_array_equal(layer.transform_bias.numpy(), np.full(5, -3.0, np.float32))
    assert all(w.trainable for w in layer.weights)


def test_a_closed_gate_carries_the_input_and_its_gradient_through():
    layer = L.Highway(transform_gate_bias=-40.0)
    x = Tensor(np.random.default_rng(2).standard_normal((3, 4)).astype(np.float32),
               requires_grad=True)
    y = layer(x)
    np.testing.assert_allclose(y.numpy(), x.numpy(), atol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, np.ones((3, 4)), atol=1e-6)


def test_rejects_inputs_of_another_width_after_building():
    layer = L.Highway()
    layer(np.ones((2, 5), np.float32))
    with pytest.raises(ValueError, match=r"Highway .* expected last axis 5, received input "
                                         r"shape \(2, 6\)"):
        layer(np.ones((2, 6), np.float32))


def test_bad_gate_bias_is_named():
    with pytest.raises(ValueError, match=r"Highway: `transform_gate_bias` must be a number. "
                                         r"Received: transform_gate_bias='low'"):
        L.Highway(transform_gate_bias="low")


def test_docstring_example_runs():
    import doctest

    from deepbricks.layers.core import highway

    assert doctest.testmod(highway, raise_on_error=True).attempted > 0
