"""Sequential, functional and subclassed models: building, sharing layers, summary."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import layers


def test_sequential_builds_at_once_from_input_shape_or_input():
    a = db.Sequential([layers.Dense(5, input_shape=(3,)), layers.Dense(2)])
    b = db.Sequential([db.Input(shape=(3,)), layers.Dense(5), layers.Dense(2)])
    for model in (a, b):
        assert model.built and model.output_shape == (None, 2)
        assert model.count_params() == 3 * 5 + 5 + 5 * 2 + 2
        assert len(model.layers) == 2


def test_sequential_without_input_shape_builds_on_first_call():
    model = db.Sequential()
    model.add(layers.Dense(4))
    assert not model.built
    out = model(np.ones((2, 7), "float32"))
    assert out.shape == (2, 4) and model.built and model.layers[0].kernel.shape == (7, 4)


def test_functional_model_with_two_inputs_two_outputs_and_a_shared_layer():
    left, right = db.Input(shape=(4,), name="left"), db.Input(shape=(4,), name="right")
    shared = layers.Dense(3, name="shared")
    merged = layers.concatenate([shared(left), shared(right)])
    out1 = layers.Dense(1, name="out1")(merged)
    out2 = layers.Dense(2, name="out2")(shared(left))
    model = db.Model([left, right], [out1, out2])
    assert [la.name for la in model.layers].count("shared") == 1
    assert model.count_params() == (4 * 3 + 3) + (6 + 1) + (3 * 2 + 2)
    x1, x2 = np.ones((5, 4), "float32"), np.zeros((5, 4), "float32")
    y1, y2 = model([x1, x2])
    assert y1.shape == (5, 1) and y2.shape == (5, 2)
    np.testing.assert_allclose(y2.numpy(), model.get_layer("out2")(shared(x1)).numpy())


def test_functional_model_rejects_inputs_of_the_wrong_shape():
    x = db.Input(shape=(4,), name="features")
    model = db.Model(x, layers.Dense(1)(x))
    with pytest.raises(ValueError, match=r"features.*\(None, 4\).*\(2, 5\)"):
        model(np.zeros((2, 5), "float32"))


def test_subclassed_model_tracks_its_layers_and_trains():
    class TwoLayers(db.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))

    model = TwoLayers()
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, epochs=5, verbose=0)
    assert len(model.trainable_weights) == 4
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_models_nest_as_layers():
    inner = db.Sequential([layers.Dense(4, activation="relu", input_shape=(3,))])
    x = db.Input(shape=(3,))
    model = db.Model(x, layers.Dense(1)(inner(x)))
    assert model.output_shape == (None, 1)
    assert model.count_params() == 16 + 5


def test_frozen_layers_keep_their_weights():
    model = db.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(1)])
    model.layers[0].trainable = False
    frozen = model.layers[0].get_weights()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 3)), np.ones((8, 1)), verbose=0)
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    for before, after in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(before, after)


def test_summary_prints_the_keras_table(capsys):
    model = db.Sequential([layers.Dense(10, input_shape=(784,), name="fc1"),
                           layers.Activation("softmax", name="softmax")], name="mlp")
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "mlp"' in out
    assert "fc1 (Dense)" in out and "(None, 10)" in out and "7,850" in out
    assert "Total params: 7,850 (30.66 KB)" in out
    assert "Trainable params: 7,850" in out and "Non-trainable params: 0 (0.00 B)" in out


def test_get_and_set_weights_check_the_shapes():
    layer = layers.Dense(2, name="fc")
    layer(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match=r"fc/kernel has shape \(3, 2\).*\(2, 3\)"):
        layer.set_weights([np.zeros((2, 3)), np.zeros(2)])
    with pytest.raises(ValueError, match="expects 2 weight arrays"):
        layer.set_weights([np.zeros((3, 2))])


def test_reset_states_reaches_stateful_layers_inside_models():
    model = db.Sequential([layers.LSTM(3, stateful=True, batch_input_shape=(2, 4, 5)),
                           layers.Dense(1)])
    x = np.ones((2, 4, 5), "float32")
    first = model.predict(x, verbose=0)
    assert not np.allclose(model.predict(x, verbose=0), first)
    model.reset_states()
    np.testing.assert_allclose(model.predict(x, verbose=0), first, rtol=1e-6)
