"""The table row every layer test file is driven by, and the checks run on each row.

A row builds one of our layers and, when Keras has it, the same Keras layer. The checks:

- ``check_keras``: Keras (torch backend) and deepbricks run on the same random weights and
  data; outputs, gradients with respect to every input and every trainable weight, and the
  weights after the call (moving statistics) must agree in float32.
- ``check_config``: ``from_config(get_config())`` rebuilds a layer with the same JSON config
  that computes the same function.
- ``check_symbolic``: calling the layer on ``Input`` gives the shape of the eager output, with
  the batch axis unknown.
- ``check_float64``: with floatx float64, weights and outputs stay float64.
"""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import deepbricks as db
from deepbricks import backend
from deepbricks.layers import Input


@dataclass
class Row:
    id: str
    ours: Callable  # () -> deepbricks layer
    keras: Callable | None  # keras module -> the same Keras layer (None: no counterpart)
    shapes: object  # input shape with the batch axis, or a list of them (merging layers)
    training: bool = False
    inputs: Callable | None = None  # rng -> list of float32 arrays (default: standard normal)
    tol: float = 1e-5

    def __str__(self):
        return self.id


def keras_torch():
    """Keras on its PyTorch backend, whose tensors expose autograd."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras", reason="Keras is an optional reference")
    if keras.backend.backend() != "torch":
        pytest.skip("the Keras reference runs on the torch backend")
    return keras


def keras_weights(layer):
    # Keras's own get_weights() trips NumPy 2's __array__ deprecation; read the tensors.
    return [w.value.detach().numpy().copy() for w in layer.weights]


def is_multi(row):
    return isinstance(row.shapes, list)


def draw(row, seed=0):
    rng = np.random.default_rng(seed)
    if row.inputs is not None:
        return [np.asarray(a, np.float32) for a in row.inputs(rng)]
    shapes = row.shapes if is_multi(row) else [row.shapes]
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


def pack(row, items):
    return list(items) if is_multi(row) else items[0]


def assert_close(got, want, tol, what):
    scale = max(1.0, float(np.abs(want).max())) if np.size(want) else 1.0
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale, err_msg=what)


def check_keras(row):
    if row.keras is None:
        pytest.skip(f"{row.id}: no Keras counterpart")
    keras = keras_torch()
    import torch

    arrays = draw(row)
    rng = np.random.default_rng(1)
    theirs = row.keras(keras)
    theirs.build(row.shapes)
    theirs.set_weights([
        rng.standard_normal(w.shape).astype(np.float32) if w.trainable
        else rng.uniform(0.5, 1.5, w.shape).astype(np.float32)
        for w in theirs.weights
    ])
    ours = row.ours()
    ours.build_from_shape(row.shapes)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    ours.set_weights(keras_weights(theirs))

    x_theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    x_ours = [db.Tensor(a, requires_grad=True) for a in arrays]
    want = theirs(pack(row, x_theirs), training=row.training)
    got = ours(pack(row, x_ours), training=row.training)
    assert got.dtype == np.float32, f"{row.id}: float32 input gave {got.dtype}"
    assert_close(got.numpy(), want.detach().numpy(), row.tol, f"{row.id} forward")
    for mine, keras_weight in zip(ours.get_weights(), keras_weights(theirs), strict=True):
        assert_close(mine, keras_weight, row.tol, f"{row.id} weights after the call")

    upstream = rng.standard_normal(got.shape).astype(np.float32)
    got.backward(upstream)
    want.backward(torch.tensor(upstream))
    for i, (mine, keras_x) in enumerate(zip(x_ours, x_theirs, strict=True)):
        assert_close(mine.grad, keras_x.grad.numpy(), row.tol, f"{row.id} d/d input {i}")
    for mine, keras_weight in zip(ours.weights, theirs.weights, strict=True):
        if keras_weight.trainable:
            assert_close(mine.grad, keras_weight.value.grad.numpy(), row.tol,
                         f"{row.id} d/d {mine.name}")
        else:
            assert mine.grad is None


def check_config(row):
    layer = row.ours()
    arrays = draw(row)
    before = layer(pack(row, arrays))
    config = layer.get_config()
    assert json.loads(json.dumps(config)) == config, "the config must be plain JSON"
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone.build_from_shape(row.shapes)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(pack(row, arrays)).numpy(), before.numpy())


def check_symbolic(row):
    shapes = row.shapes if is_multi(row) else [row.shapes]
    symbolic = row.ours()(pack(row, [Input(shape=s[1:]) for s in shapes]))
    eager = row.ours()(pack(row, draw(row)))
    assert symbolic.shape == (None,) + eager.shape[1:]


def check_float64(row):
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        layer = row.ours()
        out = layer(pack(row, [a.astype(np.float64) for a in draw(row)]), training=row.training)
    finally:
        backend.set_floatx(previous)
    assert out.dtype == np.float64
    assert all(w.dtype == np.float64 for w in layer.weights)


def both(name, *args, **kwargs):
    """Our layer and Keras's, built from the same class name and arguments."""
    return (lambda: getattr(db.layers, name)(*args, **kwargs),
            lambda k: getattr(k.layers, name)(*args, **kwargs))


def row_tests(rows):
    """The four checks above as tests parametrized over ``rows``, for a test file to bind:

    ``test_matches_keras, test_config_round_trip, test_symbolic_output_shape,
    test_float64_is_kept = row_tests(ROWS)``.
    """
    each_row = pytest.mark.parametrize("row", rows, ids=str)

    @each_row
    def test_matches_keras(row):
        check_keras(row)

    @each_row
    def test_config_round_trip(row):
        check_config(row)

    @each_row
    def test_symbolic_output_shape(row):
        check_symbolic(row)

    @each_row
    def test_float64_is_kept(row):
        check_float64(row)

    return (test_matches_keras, test_config_round_trip, test_symbolic_output_shape,
            test_float64_is_kept)
