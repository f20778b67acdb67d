"""ReduceLROnPlateau: lower the learning rate when a monitored quantity stalls."""

import numpy as np

from deepbricks.callbacks.monitor_callback import MonitorCallback, check_count, check_number


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by ``factor`` after ``patience`` epochs without
    improvement of ``monitor``, never going below ``min_lr``.

    At each epoch end the current rate is logged as ``logs['learning_rate']``. An epoch
    that improves on the best value by more than ``min_delta`` resets the counter ``wait``;
    otherwise ``wait`` grows and, once ``wait >= patience``,

        new_lr = max(lr * factor, min_lr)

    (only while lr > min_lr), after which ``cooldown`` epochs pass with ``wait`` held at 0.

    Args:
        monitor: the logs key to watch (default 'val_loss').
        factor: multiplier of the rate, in [0, 1).
        patience: epochs without improvement before the rate is reduced.
        verbose: 1 prints a line at each reduction.
        mode: 'min', 'max', or 'auto' (maximise accuracy-like names, minimise the rest).
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs after a reduction during which no reduction happens.
        min_lr: lower bound of the rate.

    Example:
        >>> import numpy as np, deepbricks as db
        >>> model = db.Sequential([db.layers.Dense(1, input_shape=(3,))])
        >>> model.compile(db.optimizers.SGD(0.1), 'mse')
        >>> plateau = db.callbacks.ReduceLROnPlateau('loss', factor=0.5, patience=1)
        >>> plateau.set_model(model); plateau.on_train_begin()
        >>> for epoch, loss in enumerate([1.0, 1.0, 1.0]):
        ...     plateau.on_epoch_end(epoch, {'loss': loss})
        >>> round(model.optimizer.learning_rate, 6)
        0.025
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        factor = check_number("ReduceLROnPlateau", "factor", factor)
        if not 0.0 <= factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: `factor` multiplies the learning rate and "
                             f"must be in [0, 1), e.g. 0.1 or 0.5. Received: factor={factor}")
        min_lr = check_number("ReduceLROnPlateau", "min_lr", min_lr)
        if min_lr < 0:
            raise ValueError(f"ReduceLROnPlateau: `min_lr` must be >= 0. "
                             f"Received: min_lr={min_lr}")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = check_count("ReduceLROnPlateau", "patience", patience)
        self.cooldown = check_count("ReduceLROnPlateau", "cooldown", cooldown)
        self.verbose = verbose
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_epoch_end(self, epoch, logs=None):
        optimizer = self.model.optimizer
        logs = logs if logs is not None else {}
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = self._monitor_value(logs, "reduces the learning rate on")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait >= self.patience and self._reduce(optimizer, epoch):
            self.cooldown_counter = self.cooldown
            self.wait = 0

    def _reduce(self, optimizer, epoch):
        old_lr = float(optimizer.learning_rate)
        # Compared in float32, the precision rates are stored in by Keras, so a rate that
        # reached min_lr (up to rounding) counts as at the floor.
        if np.float32(old_lr) <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                  f"{new_lr}.", flush=True)
        return True
