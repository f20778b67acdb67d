"""ModelCheckpoint: save the model (or its weights) during training."""

import os
import warnings

from deepbricks.callbacks.monitor_callback import MonitorCallback, check_number


class ModelCheckpoint(MonitorCallback):
    """Saves the model with ``model.save`` (or ``model.save_weights``) at the end of every
    epoch, or every ``save_freq`` batches.

    ``filepath`` may hold format fields filled from the epoch (counted from 1), the batch
    (from 1, when saving by batches) and any logs key: 'ckpt-{epoch:02d}-{val_loss:.2f}.keras'
    becomes 'ckpt-03-0.41.keras'. With ``save_best_only`` a file is written only when
    ``monitor`` improves on the best value so far (which starts at
    ``initial_value_threshold``), so a fixed file name always holds the best model.

    Args:
        filepath: str or path-like, the file to write (with optional format fields).
        monitor: the logs key compared when ``save_best_only`` (default 'val_loss').
        verbose: 1 prints a line for each decision.
        save_best_only: save only improvements of ``monitor``.
        save_weights_only: write the weights only (``model.load_weights`` reads them)
            instead of the whole model (``deepbricks.load_model`` reads it).
        mode: 'min', 'max', or 'auto' (maximise accuracy-like names, minimise the rest).
        save_freq: 'epoch', or an integer number of batches between saves.
        initial_value_threshold: the value a first save must improve on.

    Example:
        >>> import numpy as np, tempfile, os, deepbricks as db
        >>> model = db.Sequential([db.layers.Dense(1, input_shape=(3,))])
        >>> model.compile('sgd', 'mse')
        >>> folder = tempfile.mkdtemp()
        >>> save = db.callbacks.ModelCheckpoint(os.path.join(folder, 'm-{epoch:02d}.keras'))
        >>> _ = model.fit(np.ones((8, 3)), np.zeros((8, 1)), epochs=2, verbose=0,
        ...               callbacks=[save])
        >>> sorted(os.listdir(folder))
        ['m-01.keras', 'm-02.keras']
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        initial_value_threshold = check_number("ModelCheckpoint", "initial_value_threshold",
                                               initial_value_threshold, allow_none=True)
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f"ModelCheckpoint: `filepath` must be a str or path-like, e.g. "
                            f"'checkpoints/model-{{epoch:02d}}.keras'. "
                            f"Received: filepath={filepath!r}")
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)
                                     or save_freq < 1):
            raise ValueError(f"ModelCheckpoint: `save_freq` must be 'epoch' or a positive "
                             f"number of batches. Received: save_freq={save_freq!r}")
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_since_save = 0
        self._current_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _save(self, epoch, batch, logs):
        logs = logs or {}
        filepath = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise ValueError(f"ModelCheckpoint: filepath {filepath!r} is an existing folder; "
                             f"give a file name inside it, e.g. "
                             f"{os.path.join(filepath, 'model.keras')!r}.")
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}", flush=True)
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"ModelCheckpoint: save_best_only needs '{self.monitor}' in the "
                          f"logs, which hold {', '.join(logs) or 'nothing'}; saving anyway. "
                          f"Set monitor= to one of the logged keys.", UserWarning,
                          stacklevel=4)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {filepath}", flush=True)
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}",
                  flush=True)
        return False

    def _file_path(self, epoch, batch, logs):
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise ValueError(f"ModelCheckpoint: filepath {self.filepath!r} names the field "
                             f"{error.args[0]!r}, which is not logged; the fields available "
                             f"are {sorted(fields)}.") from None
        except (IndexError, ValueError) as error:
            raise ValueError(f"ModelCheckpoint: cannot fill filepath {self.filepath!r} "
                             f"({error}); use named fields such as {{epoch:02d}} or "
                             f"{{val_loss:.2f}}.") from None
