"""EarlyStopping: stop fit when a monitored quantity stops improving."""

from deepbricks.callbacks.monitor_callback import MonitorCallback, check_count, check_number


class EarlyStopping(MonitorCallback):
    """Stops training once ``monitor`` has not improved for ``patience`` epochs.

    At the end of each epoch from ``start_from_epoch`` on, a counter ``wait`` grows by one
    and restarts at 0 when the value improves on the best so far by more than
    ``min_delta`` (and, with a ``baseline``, also improves on the baseline). A
    non-improving epoch with ``wait >= patience`` (after the first epoch) sets
    ``model.stop_training``, so fit ends after that epoch.

    Args:
        monitor: the logs key to watch (default 'val_loss').
        min_delta: the smallest absolute change that counts as an improvement.
        patience: epochs without improvement after which training stops.
        verbose: 1 prints a line when training stops and when weights are restored.
        mode: 'min', 'max', or 'auto' (maximise accuracy-like names, minimise the rest).
        baseline: a value the model must beat; while it does not, ``wait`` keeps growing,
            so training stops ``patience`` epochs after the start unless it is beaten.
        restore_best_weights: at the end of training, set the weights back to those of the
            best epoch (the first monitored epoch if none improved).
        start_from_epoch: epochs of warm-up that are not monitored.

    Example:
        >>> import numpy as np, deepbricks as db
        >>> model = db.Sequential([db.layers.Dense(1, input_shape=(3,))])
        >>> model.compile('sgd', 'mse')
        >>> stop = db.callbacks.EarlyStopping(monitor='loss', patience=2)
        >>> history = model.fit(np.ones((8, 3)), np.zeros((8, 1)), epochs=50, verbose=0,
        ...                     callbacks=[stop])
        >>> len(history.history['loss']) <= 50
        True
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = check_count("EarlyStopping", "patience", patience)
        self.start_from_epoch = check_count("EarlyStopping", "start_from_epoch",
                                            start_from_epoch)
        self.baseline = check_number("EarlyStopping", "baseline", baseline, allow_none=True)
        self.verbose = verbose
        self.restore_best_weights = restore_best_weights
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        # The same instance may serve several fit() calls, each starting afresh.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        current = self._monitor_value(logs, "monitors")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping", flush=True)
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.", flush=True)
            self.model.set_weights(self.best_weights)
