"""CSVLogger: write each epoch's logs as a row of a CSV file."""

import csv
import os

import numpy as np

from deepbricks.callbacks.callback import Callback


class CSVLogger(Callback):
    """Streams the epoch logs to a CSV file: a header 'epoch' plus the first epoch's keys
    in sorted order, then one row per epoch (epochs counted from 0), flushed at once so the
    file can be followed during training.

    As in Keras, when the first epoch has no 'val_*' key a 'val_' column is added for each
    key (filled with 'NA'), so a validation that starts later still has its columns; a key
    missing from an epoch is written 'NA'.

    Args:
        filename: str or path-like, the CSV file.
        separator: the field separator (one character).
        append: continue an existing file (its header is kept) instead of overwriting it.

    Example:
        >>> import numpy as np, tempfile, pathlib, deepbricks as db
        >>> model = db.Sequential([db.layers.Dense(1, input_shape=(3,))])
        >>> model.compile('sgd', 'mse')
        >>> path = pathlib.Path(tempfile.mkdtemp()) / 'log.csv'
        >>> _ = model.fit(np.ones((8, 3)), np.zeros((8, 1)), epochs=2, verbose=0,
        ...               callbacks=[db.callbacks.CSVLogger(path)])
        >>> path.read_text().splitlines()  # doctest: +ELLIPSIS
        ['epoch,loss,val_loss', '0,...,NA', '1,...,NA']
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        if not isinstance(filename, (str, os.PathLike)):
            raise TypeError(f"CSVLogger: `filename` must be a str or path-like, e.g. "
                            f"'training.csv'. Received: filename={filename!r}")
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"CSVLogger: `separator` must be one character, e.g. ',' or "
                             f"'\\t'. Received: separator={separator!r}")
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self.writer = None
        self.csv_file = None
        self._write_header = True

    def on_train_begin(self, logs=None):
        write_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="") as existing:
                write_header = not existing.readline()
        self._close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self._write_header = write_header
        self.keys = None
        self.writer = None

    def on_epoch_end(self, epoch, logs=None):
        if self.csv_file is None or self.csv_file.closed:
            raise RuntimeError("CSVLogger: on_train_begin() opens the file and on_train_end() "
                               "closes it; call on_epoch_end() in between (fit() does).")
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self.writer is None:
            self.writer = csv.writer(self.csv_file, delimiter=self.sep)
            if self._write_header:
                self.writer.writerow(["epoch", *self.keys])
        self.writer.writerow([epoch, *(_cell(logs.get(k, "NA")) for k in self.keys)])
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self._close()

    def _close(self):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _cell(value):
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        return f"[{', '.join(map(str, value))}]"
    return value
