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
        baseline: a value the model must beat; until it does, improvements do not reset
            ``wait``, so the first non-improving epoch after ``patience`` epochs stops.
        restore_best_weights: at the end of training (stopped early or not), set the
            weights back to those of the best monitored epoch.
        start_from_epoch: epochs of warm-up that are not monitored.

    Typical use: ``model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[
    EarlyStopping(patience=5, restore_best_weights=True)])``.

    Example:
        >>> import deepbricks as db
        >>> model = db.Sequential([db.layers.Dense(1, input_shape=(3,))])
        >>> stop = db.callbacks.EarlyStopping(patience=1)
        >>> stop.set_model(model); stop.on_train_begin()
        >>> for epoch, val_loss in enumerate([0.9, 0.7, 0.8, 0.75, 0.6]):
        ...     stop.on_epoch_end(epoch, {'val_loss': val_loss})
        ...     if model.stop_training:
        ...         break
        >>> stop.stopped_epoch, stop.best
        (2, 0.7)
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
