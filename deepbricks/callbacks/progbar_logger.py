"""ProgbarLogger: the progress bar (verbose=1) or one line per epoch (verbose=2)."""

from deepbricks.callbacks.callback import Callback
from deepbricks.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints training progress; added by fit/evaluate/predict when verbose is not 0."""

    def __init__(self):
        super().__init__()
        self.bar = None

    def _start(self):
        self.bar = Progbar(self.params.get("steps"), verbose=self.params.get("verbose", 1))

    def on_epoch_begin(self, epoch, logs=None):
        print(f"Epoch {epoch + 1}/{self.params['epochs']}", flush=True)
        self._start()

    def on_train_batch_end(self, batch, logs=None):
        self.bar.update(batch + 1, logs, finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self.bar.update(self.bar.seen, logs, finalize=True)

    def on_test_begin(self, logs=None):
        if self.params.get("mode") == "test":
            self._start()

    def on_test_batch_end(self, batch, logs=None):
        if self.params.get("mode") == "test":
            self.bar.update(batch + 1, logs, finalize=False)

    def on_test_end(self, logs=None):
        if self.params.get("mode") == "test":
            self.bar.update(self.bar.seen, logs, finalize=True)

    def on_predict_begin(self, logs=None):
        self._start()

    def on_predict_batch_end(self, batch, logs=None):
        self.bar.update(batch + 1, None, finalize=False)

    def on_predict_end(self, logs=None):
        self.bar.update(self.bar.seen, None, finalize=True)
