"""TerminateOnNaN: stop fit as soon as the loss is NaN or infinite."""

import math

from deepbricks.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training at the first batch whose logged loss is NaN or +-inf: it prints
    "Batch N: Invalid loss, terminating training" and sets ``model.stop_training``, so fit
    finishes that epoch's bookkeeping, calls ``on_train_end`` everywhere and returns.

    Args:
        raise_error: raise a RuntimeError at once instead (other callbacks then get no
            ``on_train_end``, which keeps e.g. a backup from being overwritten).

    Example:
        >>> import numpy as np, warnings, deepbricks as db
        >>> model = db.Sequential([db.layers.Dense(1, input_shape=(3,))])
        >>> model.compile('sgd', 'mse')
        >>> y = np.array([[0.0], [np.nan]])
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore', RuntimeWarning)
        ...     history = model.fit(np.ones((2, 3)), y, batch_size=1, epochs=5, verbose=0,
        ...                         shuffle=False, callbacks=[db.callbacks.TerminateOnNaN()])
        Batch 1: Invalid loss, terminating training
        >>> len(history.history['loss'])
        1
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"TerminateOnNaN: the loss is {loss} at batch {batch}; "
                               f"training stopped. Lower the learning rate, clip gradients "
                               f"(clipnorm=1.0) or check the data for NaN values.")
        print(f"Batch {batch}: Invalid loss, terminating training", flush=True)
        self.model.stop_training = True
