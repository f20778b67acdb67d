"""One epoch of training, batch by batch, lands on the same weights as Keras 3."""

import numpy as np
import pytest

import deepbricks as db

keras = pytest.importorskip("keras", reason="Keras 3 is an optional reference")


def mlp(lib, layers_cfg):
    model = lib.Sequential([lib.Input(shape=(12,))] + [
        lib.layers.Dense(units, activation=act) for units, act in layers_cfg])
    return model


@pytest.mark.parametrize("optimizer, loss, last", [
    (lambda lib: lib.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
     "sparse_categorical_crossentropy", (3, "softmax")),
    (lambda lib: lib.optimizers.Adam(0.01), "categorical_crossentropy", (3, "softmax")),
    (lambda lib: lib.optimizers.RMSprop(0.01), "mse", (3, None)),
], ids=["sgd-nesterov-sparse-ce", "adam-ce", "rmsprop-mse"])
def test_one_epoch_with_shuffle_false_matches_keras(optimizer, loss, last):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 12)).astype("float32")
    labels = rng.integers(0, 3, 100)
    y = labels if loss.startswith("sparse") else np.eye(3, dtype="float32")[labels]
    cfg = [(16, "relu"), (8, "tanh"), last]
    ours, theirs = mlp(db, cfg), mlp(keras, cfg)
    ours.set_weights(theirs.get_weights())
    ours.compile(optimizer=optimizer(db), loss=loss, metrics=["accuracy"])
    theirs.compile(optimizer=optimizer(keras), loss=loss, metrics=["accuracy"])
    h_ours = ours.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    h_theirs = theirs.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)
    assert h_ours.history["loss"][0] == pytest.approx(h_theirs.history["loss"][0], rel=1e-4)
    assert h_ours.history["accuracy"][0] == pytest.approx(
        h_theirs.history["accuracy"][0], abs=1e-6)


def test_masked_sequence_loss_ignores_padding_like_keras():
    rng = np.random.default_rng(1)
    tokens = rng.integers(1, 9, (6, 7))
    tokens[:, 4:] = 0  # padding, masked by Embedding(mask_zero=True)
    tokens[0, 2:] = 0
    tags = rng.integers(0, 3, (6, 7))

    def tagger(lib):
        return lib.Sequential([
            lib.Input(shape=(7,), dtype="int32"),
            lib.layers.Embedding(10, 4, mask_zero=True),
            lib.layers.LSTM(5, return_sequences=True),
            lib.layers.Dense(3, activation="softmax"),
        ])

    ours, theirs = tagger(db), tagger(keras)
    ours.set_weights(theirs.get_weights())
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    (loss, accuracy), (keras_loss, keras_accuracy) = (
        model.evaluate(tokens, tags, verbose=0) for model in (ours, theirs))
    assert loss == pytest.approx(keras_loss, rel=1e-5)
    assert accuracy == pytest.approx(keras_accuracy, abs=1e-6)
    padded = tags.copy()
    padded[tokens == 0] = 2 - padded[tokens == 0]  # changing padded targets changes nothing
    assert ours.evaluate(tokens, padded, verbose=0)[0] == pytest.approx(
        ours.evaluate(tokens, tags, verbose=0)[0], rel=1e-6)
