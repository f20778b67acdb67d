"""MonitorCallback: the shared logic of callbacks that watch one logged quantity."""

import numbers
import warnings

from deepbricks.callbacks.callback import Callback

# Logged names that grow as the model gets better; every other name (losses, errors,
# divergences) is minimised in mode 'auto'.
_MAXIMIZED = ("acc", "auc", "precision", "recall", "f1_score", "fbeta_score", "iou",
              "cosine_similarity", "r2_score", "correlation", "sensitivity", "specificity")


def infers_max(monitor):
    """Whether mode 'auto' maximises ``monitor``: True for accuracy-like names
    ('accuracy', 'val_auc', 'precision', 'recall', ...), False for losses and errors.

    Example:
        >>> infers_max('val_accuracy'), infers_max('val_loss'), infers_max('mae')
        (True, False, False)
    """
    name = monitor.removeprefix("val_")
    if name == "loss" or name.endswith("_loss"):
        return False
    return any(token in name for token in _MAXIMIZED)


def check_count(owner, name, value):
    """``value`` as an int >= 0, or a ValueError naming the callback and the argument."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{owner}: `{name}` must be an integer >= 0 (a number of epochs). "
                         f"Received: {name}={value!r}")
    return int(value)


def check_number(owner, name, value, allow_none=False):
    """``value`` as a float (or None when allowed), or a ValueError naming the callback."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{owner}: `{name}` must be a number. Received: {name}={value!r}")
    return float(value)


class MonitorCallback(Callback):
    """Base of EarlyStopping, ModelCheckpoint and ReduceLROnPlateau: reads ``monitor``
    from the logs and decides whether a value improves on a reference.

    With mode 'min' a value improves when ``value + min_delta < reference``; with 'max'
    when ``value - min_delta > reference``; 'auto' picks 'max' for accuracy-like names
    (see :func:`infers_max`) and 'min' otherwise. Any value improves on ``None``.

    Args:
        monitor: the logs key to watch, e.g. 'val_loss' or 'accuracy'.
        mode: 'auto', 'min' or 'max'.
        min_delta: the smallest change that counts as an improvement (its sign is ignored).
        baseline: the initial ``best`` (None: the first value seen becomes the best).
    """

    def __init__(self, monitor="val_loss", mode="auto", min_delta=0.0, baseline=None):
        super().__init__()
        owner = type(self).__name__
        if not isinstance(monitor, str):
            raise TypeError(f"{owner}: `monitor` must be the name of a logged quantity such "
                            f"as 'val_loss'. Received: monitor={monitor!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"{owner}: `mode` must be 'auto', 'min' or 'max'. "
                             f"Received: mode={mode!r}")
        self.monitor = monitor
        self.mode = mode
        self.min_delta = abs(check_number(owner, "min_delta", min_delta))
        self.best = check_number(owner, "baseline", baseline, allow_none=True)
        self.maximize = infers_max(monitor) if mode == "auto" else mode == "max"

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        if self.maximize:
            return value - self.min_delta > reference
        return value + self.min_delta < reference

    def _monitor_value(self, logs, purpose):
        """The monitored value from ``logs``, or None with a warning listing what is there."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            available = ", ".join(logs) or "none"
            hint = (" Pass validation_data (or validation_split) to fit() to log 'val_*'."
                    if self.monitor.startswith("val_") else "")
            warnings.warn(f"{type(self).__name__} {purpose} '{self.monitor}', which is not in "
                          f"the logs. Available keys: {available}. Set monitor= to one of "
                          f"them.{hint}", UserWarning, stacklevel=3)
        return value
