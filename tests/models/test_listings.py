"""The course's listings run with only the import changed, and they learn."""

import numpy as np
import pytest

import deepbricks as keras
from deepbricks import layers
from deepbricks.layers import Activation, Dense
from deepbricks.models import Model, Sequential
from deepbricks.optimizers import SGD
from deepbricks.utils import set_random_seed
from deepbricks.utils.data import to_categorical


def blobs(n=512, dim=20, classes=4, seed=0):
    """Separable Gaussian clusters: a tiny stand-in for MNIST that any listing can learn."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, (classes, dim))
    y = rng.integers(0, classes, n)
    x = centers[y] + rng.normal(0, 1, (n, dim))
    return x.astype("float32"), y


def test_sequential_listing_with_add_learns():
    set_random_seed(0)
    X_train, labels = blobs()
    y_train = to_categorical(labels, 4)
    model = Sequential()
    model.add(Dense(4, input_shape=(20,), name="fc1"))
    model.add(Activation("softmax"))
    model.compile(loss="categorical_crossentropy", optimizer=SGD(0.5), metrics=["accuracy"])
    history = model.fit(X_train, y_train, batch_size=128, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9


def test_keras1_spellings_warn_and_work():
    X, labels = blobs(dim=100)
    with pytest.warns(DeprecationWarning) as caught:
        dense = Dense(output_dim=64, input_dim=100)
    assert {"output_dim=", "input_dim="} <= {str(w.message).split("`")[1] for w in caught}
    model = Sequential([dense, Dense(4, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    with pytest.warns(DeprecationWarning, match="nb_epoch"):
        history = model.fit(X, labels, nb_epoch=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_course_listing_with_input_dim_runs():
    X_train, labels = blobs(dim=28)
    with pytest.warns(DeprecationWarning, match="input_dim"):
        first = Dense(10, input_dim=28, name="fc1")
    model = Sequential()
    model.add(first)
    model.add(Activation("softmax"))
    model.compile(loss="categorical_crossentropy", optimizer=SGD(0.5), metrics=["accuracy"])
    model.fit(X_train, to_categorical(labels, 10), batch_size=128, epochs=1, verbose=0)
    assert model.get_layer("fc1").kernel.shape == (28, 10)


def test_functional_residual_unit_with_layers_add_learns():
    set_random_seed(1)
    X, labels = blobs(dim=16)
    inputs = keras.Input(shape=(16,))
    res = layers.Dense(16, activation="relu")(inputs)
    out = layers.Dense(16)(res)
    out = keras.layers.add([res, out])
    out = layers.Activation("relu")(out)
    outputs = layers.Dense(4, activation="softmax")(out)
    model = Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(X, labels, epochs=10, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9
