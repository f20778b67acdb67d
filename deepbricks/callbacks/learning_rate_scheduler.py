"""LearningRateScheduler: set the learning rate from a function of the epoch."""

import inspect
import math
import numbers

import numpy as np

from deepbricks.autograd import Tensor
from deepbricks.callbacks.callback import Callback


def _takes_rate(schedule):
    """Whether ``schedule`` accepts (epoch, lr) rather than only (epoch)."""
    try:
        parameters = inspect.signature(schedule).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature; assume the full form
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY,
                                                       p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in parameters)


class LearningRateScheduler(Callback):
    """Before each epoch sets ``model.optimizer.learning_rate = schedule(epoch, lr)``, where
    ``epoch`` counts from 0 and ``lr`` is the current rate; a ``schedule(epoch)`` taking one
    argument works too. At each epoch end the rate is logged as ``logs['learning_rate']``,
    so ``history.history['learning_rate']`` records it.

    Args:
        schedule: a function (epoch, lr) -> new learning rate (a float >= 0).
        verbose: 1 prints the rate set at each epoch.

    Example:
        >>> import numpy as np, deepbricks as db
        >>> model = db.Sequential([db.layers.Dense(1, input_shape=(3,))])
        >>> model.compile(db.optimizers.SGD(0.1), 'mse')
        >>> halve = db.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
        >>> history = model.fit(np.ones((8, 3)), np.zeros((8, 1)), epochs=3, verbose=0,
        ...                     callbacks=[halve])
        >>> [round(lr, 4) for lr in history.history['learning_rate']]
        [0.05, 0.025, 0.0125]
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: `schedule` must be a function "
                            f"(epoch, lr) -> new lr, e.g. lambda epoch, lr: lr * 0.9. "
                            f"Received: schedule={schedule!r}")
        self.schedule = schedule
        self.verbose = verbose
        self._takes_rate = _takes_rate(schedule)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if self._takes_rate:
            value = self.schedule(epoch, float(optimizer.learning_rate))
        else:
            value = self.schedule(epoch)
        learning_rate = _as_rate(value, epoch)
        optimizer.learning_rate = learning_rate
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{learning_rate}.", flush=True)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


def _as_rate(value, epoch):
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not math.isfinite(value) or value < 0):
        raise ValueError(f"LearningRateScheduler: the schedule must return a finite float "
                         f">= 0; at epoch {epoch} it returned {value!r}. Return e.g. "
                         f"lr * 0.9 from schedule(epoch, lr).")
    return float(value)
