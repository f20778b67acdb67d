"""Embedding and Masking against Keras 3: lookups and their gradients, the masks they emit,
id dtypes, initial values, configs, symbolic shapes and error messages."""

import json

import numpy as np
import pytest

import deepbricks as db
from deepbricks import backend
from deepbricks import layers as L
from deepbricks.layers import Input
from tests.layers.reference import assert_close, keras_torch, keras_weights

IDS = np.array([[3, 1, 3, 0], [9, 3, 1, 1], [0, 0, 7, 3]])  # repeats on purpose, 0 pads


@pytest.mark.parametrize("ids", [IDS, IDS[:, 0], IDS.reshape(3, 2, 2)], ids=["2d", "1d", "3d"])
def test_embedding_matches_keras_with_the_table_gradient(ids):
    keras = keras_torch()
    import torch

    theirs = keras.layers.Embedding(10, 4, mask_zero=True)
    theirs.build(ids.shape)
    ours = L.Embedding(10, 4, mask_zero=True)
    ours.build_from_shape(ids.shape)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights] == ["embeddings"]
    ours.set_weights(keras_weights(theirs))
    got, want = ours(ids), theirs(torch.tensor(ids))
    assert got.dtype == np.float32 and got.shape == tuple(want.shape)
    assert_close(got.numpy(), want.detach().numpy(), 1e-6, "lookup")
    upstream = np.random.default_rng(0).standard_normal(got.shape).astype(np.float32)
    got.backward(upstream)
    want.backward(torch.tensor(upstream))
    assert_close(ours.embeddings.grad, theirs.embeddings.value.grad.numpy(), 1e-6, "d/d table")
    np.testing.assert_array_equal(ours.compute_mask(ids).numpy(),
                                  theirs.compute_mask(torch.tensor(ids)).numpy())


def test_mask_zero_marks_padding_and_is_off_by_default():
    mask = L.Embedding(10, 2, mask_zero=True).compute_mask(IDS)
    assert mask.dtype == np.bool_
    np.testing.assert_array_equal(mask.numpy(), IDS != 0)
    assert L.Embedding(10, 2).compute_mask(IDS) is None
    assert not L.Embedding(10, 2).supports_masking


def test_float_ids_holding_whole_numbers_are_accepted():
    layer = L.Embedding(10, 3)
    np.testing.assert_array_equal(layer(IDS.astype(np.float32)).numpy(), layer(IDS).numpy())
    np.testing.assert_array_equal(layer(db.Tensor(IDS.astype(np.int32))).numpy(),
                                  layer.embeddings.numpy()[IDS])


def test_initial_table_is_uniform_within_five_hundredths():
    table = L.Embedding(2000, 50)
    table.build_from_shape((None, 4))
    values = table.embeddings.numpy()
    assert values.dtype == np.float32 and np.abs(values).max() <= 0.05
    assert abs(values.mean()) < 2e-3 and abs(values.std() - 0.1 / np.sqrt(12)) < 2e-3


def test_regularizer_penalises_the_table():
    layer = L.Embedding(5, 2, embeddings_initializer="ones", embeddings_regularizer="l2")
    layer(IDS[:1] % 5)
    (penalty,) = layer.losses
    np.testing.assert_allclose(penalty.numpy(), 0.01 * 10.0, rtol=1e-6)


def test_symbolic_shape_config_and_float64():
    layer = L.Embedding(10, 4, mask_zero=True, name="words")
    assert layer(Input(shape=(None,), dtype="int32")).shape == (None, None, 4)
    config = layer.get_config()
    assert json.loads(json.dumps(config)) == config
    assert config["mask_zero"] and config["embeddings_initializer"]["class_name"] == "RandomUniform"
    assert L.Embedding.from_config(config).get_config() == config
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        assert L.Embedding(10, 4)(IDS).dtype == np.float64
    finally:
        backend.set_floatx(previous)


def test_input_length_is_deprecated_but_accepted():
    with pytest.warns(DeprecationWarning, match=r"Embedding: `input_length` is deprecated"):
        layer = L.Embedding(10, 4, input_length=4)
    assert layer(IDS).shape == (3, 4, 4)


@pytest.mark.parametrize("make, call, error, message", [
    (lambda: L.Embedding(0, 4), None, ValueError,
     r"Embedding: `input_dim` must be a positive integer\. Received: input_dim=0"),
    (lambda: L.Embedding(10, 2.5), None, ValueError,
     r"Embedding: `output_dim` must be a positive integer\. Received: output_dim=2\.5"),
    (lambda: L.Embedding(5, 4, name="small"), IDS, ValueError,
     r"Embedding 'small': embedding: index 9 out of range for a table of 5 rows"),
    (lambda: L.Embedding(10, 4, name="ids"), IDS + 0.5, TypeError,
     r"Embedding 'ids': embedding: indices must be integers; received dtype float64 with "
     r"non-integer values"),
])  # fmt: skip
def test_bad_arguments_and_ids_name_the_layer(make, call, error, message):
    with pytest.raises(error, match=message):
        make()(call)


# -- Masking --------------------------------------------------------------------------------


def padded_sequences():
    x = np.random.default_rng(1).standard_normal((3, 4, 2)).astype(np.float32)
    x[0, 2:] = 0.0
    x[1, 0] = 0.0
    x[2, 1, 0] = 0.0  # one zero feature does not mask a step
    return x


def test_masking_matches_keras_output_gradient_and_mask():
    keras = keras_torch()
    import torch

    x = padded_sequences()
    theirs, ours = keras.layers.Masking(), L.Masking()
    x_theirs, x_ours = torch.tensor(x, requires_grad=True), db.Tensor(x, requires_grad=True)
    want, got = theirs(x_theirs), ours(x_ours)
    np.testing.assert_array_equal(got.numpy(), want.detach().numpy())
    upstream = np.random.default_rng(2).standard_normal(x.shape).astype(np.float32)
    want.backward(torch.tensor(upstream))
    got.backward(upstream)
    np.testing.assert_array_equal(x_ours.grad, x_theirs.grad.numpy())
    np.testing.assert_array_equal(ours.compute_mask(x).numpy(),
                                  theirs.compute_mask(torch.tensor(x)).numpy())
    np.testing.assert_array_equal(ours.compute_mask(x).numpy(),
                                  [[1, 1, 0, 0], [0, 1, 1, 1], [1, 1, 1, 1]])


def test_masking_with_another_padding_value_zeroes_the_padded_steps():
    x = np.full((1, 3, 2), -1.0, np.float32)
    x[0, 1] = [2.0, -1.0]
    layer = L.Masking(mask_value=-1.0)
    np.testing.assert_array_equal(layer(x).numpy(), [[[0, 0], [2, -1], [0, 0]]])
    np.testing.assert_array_equal(layer.compute_mask(x).numpy(), [[False, True, False]])
    assert L.Masking.from_config(layer.get_config()).mask_value == -1.0
    assert layer(Input(shape=(None, 2))).shape == (None, None, 2)


def test_masking_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"Masking: `mask_value` must be a number\. "
                                         r"Received: mask_value='pad'"):
        L.Masking("pad")
    with pytest.raises(ValueError, match=r"Masking 'flat' expected inputs of rank >= 2"):
        L.Masking(name="flat")(np.zeros(3, np.float32))


@pytest.mark.parametrize("module", ["embedding", "masking"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    found = doctest.testmod(importlib.import_module(f"deepbricks.layers.core.{module}"),
                            raise_on_error=True)
    assert found.attempted > 0
