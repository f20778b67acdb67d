"""Merging layers and their functional helpers against Keras: Add, Subtract, Multiply,
Average, Maximum, Minimum, Concatenate, Dot; broadcasting, shape errors, functional models."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import Input, Model
from deepbricks import layers as L
from tests.layers.reference import (
    Row,
    both,
    row_tests,
)

ROWS = [
    Row("add_three", *both("Add"), [(3, 4), (3, 4), (3, 4)]),
    Row("add_lower_rank_broadcasts", *both("Add"), [(3, 2, 4), (3, 4)]),
    Row("add_size_1_broadcasts", *both("Add"), [(3, 1, 4), (3, 5, 4)]),
    Row("subtract", *both("Subtract"), [(3, 4), (3, 4)]),
    Row("multiply", *both("Multiply"), [(3, 2, 4), (3, 2, 4)]),
    Row("average", *both("Average"), [(3, 4), (3, 4), (3, 4)]),
    Row("maximum", *both("Maximum"), [(3, 4), (3, 4)]),
    Row("minimum", *both("Minimum"), [(3, 4), (3, 4), (3, 4)]),
    Row("concatenate_last", *both("Concatenate"), [(3, 2, 4), (3, 2, 1)]),
    Row("concatenate_axis_1", *both("Concatenate", axis=1), [(3, 2, 4), (3, 5, 4)]),
    Row("dot_vectors", *both("Dot", axes=1), [(3, 4), (3, 4)]),
    Row("dot_sequences_axes_2", *both("Dot", axes=2), [(3, 5, 4), (3, 6, 4)]),
    Row("dot_attention_axes_2_1", *both("Dot", axes=(2, 1)), [(3, 5, 4), (3, 4, 6)]),
    Row("dot_matrix_vector", *both("Dot", axes=(2, 1)), [(3, 5, 4), (3, 4)]),
    Row("dot_cosine", *both("Dot", axes=-1, normalize=True), [(3, 2, 4), (3, 2, 4)]),
]


(test_matches_keras, test_config_round_trip, test_symbolic_output_shape,
 test_float64_is_kept) = row_tests(ROWS)


def test_helpers_build_a_residual_functional_model():
    inputs = Input(shape=(4,))
    hidden = L.Dense(4, activation="relu", name="hidden")(inputs)
    residual = L.add([inputs, hidden])
    both_views = L.concatenate([residual, L.multiply([inputs, hidden])], axis=-1)
    gate = L.Dense(1, name="gate")(L.subtract([residual, L.average([inputs, hidden])]))
    outputs = L.dot([both_views, L.concatenate([gate] * 8)], axes=1, name="score")
    model = Model(inputs, outputs)
    assert model.output_shape == (None, 1)

    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    h = np.maximum(x @ model.get_layer("hidden").kernel.numpy()
                   + model.get_layer("hidden").bias.numpy(), 0)
    r = x + h
    g = (r - (x + h) / 2) @ model.get_layer("gate").kernel.numpy() + model.get_layer(
        "gate").bias.numpy()
    want = (np.concatenate([r, x * h], -1) * g).sum(-1, keepdims=True)
    np.testing.assert_allclose(model(x).numpy(), want, rtol=1e-5, atol=1e-6)


def test_gradients_reach_every_branch_of_a_merge():
    a, b = (db.Tensor(np.full((2, 3), v, "float32"), requires_grad=True) for v in (2.0, 5.0))
    L.maximum([a, b]).sum().backward()
    np.testing.assert_array_equal(a.grad, 0.0)
    np.testing.assert_array_equal(b.grad, 1.0)
    c, d = (db.Tensor(np.full((2, 3), v, "float32"), requires_grad=True) for v in (2.0, 5.0))
    L.average([c, d]).sum().backward()
    np.testing.assert_array_equal(c.grad, 0.5)


def test_helpers_pass_layer_arguments_on():
    a, b = Input(shape=(3,)), Input(shape=(3,))
    out = L.add([a, b], name="residual_sum")
    assert out.node.layer.name == "residual_sum"
    assert isinstance(out.node.layer, L.Add)


def test_unknown_sizes_in_symbolic_shapes():
    a, b = Input(shape=(None, 3)), Input(shape=(None, 5))
    assert L.Concatenate()([a, b]).shape == (None, None, 8)
    assert L.Concatenate(axis=1)([a, Input(shape=(4, 3))]).shape == (None, None, 3)
    assert L.Add()([a, Input(shape=(7, 3))]).shape == (None, 7, 3)
    assert L.Dot(axes=2)([a, Input(shape=(6, 3))]).shape == (None, None, 6)


@pytest.mark.parametrize("call, message", [
    (lambda: L.Add(name="m")(np.ones((2, 3), "float32")),
     r"Add 'm' merges a list of inputs, e.g. layer\(\[x1, x2\]\)"),
    (lambda: L.Subtract(name="m")([np.ones((2, 3), "float32")] * 3),
     r"Subtract 'm' needs exactly 2 inputs, received 3"),
    (lambda: L.Add(name="m")([np.ones((2, 3), "float32"), np.ones((2, 4), "float32")]),
     r"Add 'm' cannot merge inputs of shapes \[\(2, 3\), \(2, 4\)\]: each non-batch axis must "
     r"have the same size or size 1"),
    (lambda: L.Multiply(name="m")([np.ones((2, 3), "float32"), np.ones((4, 3), "float32")]),
     r"Multiply 'm' cannot merge inputs with different batch sizes"),
    (lambda: L.Concatenate(name="m")([np.ones((2, 3, 4), "float32"),
                                      np.ones((2, 5, 4), "float32")]),
     r"Concatenate 'm' needs inputs whose sizes match on every axis except axis -1; received "
     r"shapes \[\(2, 3, 4\), \(2, 5, 4\)\]"),
    (lambda: L.Concatenate(name="m")([np.ones((2, 3), "float32"),
                                      np.ones((2, 3, 1), "float32")]),
     r"Concatenate 'm' needs inputs of the same rank"),
    (lambda: L.Dot(axes=1, name="m")([np.ones((2, 3), "float32"), np.ones((2, 4), "float32")]),
     r"Dot 'm': the contracted axes must have the same size; received shapes \(2, 3\) and "
     r"\(2, 4\) with axes=1 \(3 != 4\)"),
    (lambda: L.Dot(axes=0, name="m")([np.ones((2, 3), "float32")] * 2),
     r"Dot 'm': axes=0 must name a non-batch axis of each input"),
    (lambda: L.Dot(axes=1, name="m")([np.ones((2, 3), "float32")] * 3),
     r"Dot 'm' needs a list of exactly 2 inputs"),
])
def test_shape_errors_name_the_layer_and_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_symbolic_shape_errors_are_raised_when_the_graph_is_built():
    with pytest.raises(ValueError, match=r"Add 'bad' cannot merge inputs of shapes "
                                         r"\[\(None, 3\), \(None, 4\)\]"):
        L.add([Input(shape=(3,)), Input(shape=(4,))], name="bad")


@pytest.mark.parametrize("make, message", [
    (lambda: L.Dot(axes=(1, 2, 3)), r"Dot: `axes` must be an int or a pair of ints"),
    (lambda: L.Concatenate(axis="last"), r"Concatenate: `axis` must be an int\. Received: "
                                         r"axis='last'"),
])
def test_bad_arguments_raise_keras_style_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()
