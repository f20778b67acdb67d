"""The Callback base: Keras's older batch-hook names still fire during fit."""

import numpy as np

import deepbricks as db
from deepbricks.callbacks import Callback


def test_a_callback_overriding_on_batch_end_is_called_each_training_batch():
    seen = []

    class Legacy(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append((batch, sorted(logs)))

    model = db.Sequential([db.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 3)), np.ones((8, 1)), batch_size=4, epochs=1, verbose=0,
              callbacks=[Legacy()])
    assert seen == [(0, ["loss"]), (1, ["loss"])]
