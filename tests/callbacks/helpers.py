"""Shared pieces of the callback tests: a tiny model, its data, and a scripted fit."""

import types

import numpy as np

import deepbricks as db
from deepbricks.utils import set_random_seed


def tiny_model(lr=0.01, seed=0):
    """Dense(1) on 3 features, compiled with SGD and MSE."""
    set_random_seed(seed)
    model = db.Sequential([db.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=db.optimizers.SGD(lr), loss="mse")
    return model


def regression_data(n=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.1).astype("float32")
    return x, y


class StubModel:
    """What the monitoring callbacks touch on a model: stop_training, an optimizer with a
    learning rate, and weights (one array whose value the test scripts)."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = types.SimpleNamespace(learning_rate=learning_rate)
        self.weights = [np.zeros(2)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def drive(callback, values, monitor="val_loss", model=None, on_epoch=None):
    """Runs ``callback`` through the epochs of a fit whose logs hold ``values`` of
    ``monitor`` in turn, stopping as fit does; returns the logs dicts after each epoch."""
    model = model if model is not None else StubModel()
    callback.set_model(model)
    callback.on_train_begin()
    seen = []
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch)
        if on_epoch is not None:
            on_epoch(model, epoch)
        logs = {"loss": 1.0, monitor: value}
        callback.on_epoch_end(epoch, logs)
        seen.append(logs)
        if model.stop_training:
            break
    callback.on_train_end()
    return seen
