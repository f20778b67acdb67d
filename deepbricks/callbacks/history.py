"""History: per-epoch logs of a fit, returned by ``fit``."""

from deepbricks.callbacks.callback import Callback


class History(Callback):
    """Records each epoch's logs: ``history.history['loss']`` is a list with one value per
    epoch, and ``history.epoch`` the epoch indices."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
