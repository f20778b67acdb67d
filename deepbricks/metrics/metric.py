"""Metric: a running statistic over batches (Keras 3's ``keras.metrics.Metric``).

A metric keeps its state in plain NumPy arrays: ``update_state`` folds in one batch,
``result`` reads the statistic so far as a Python float, and ``reset_state`` starts over (a
trainer resets every metric at the start of each epoch). Metrics never take part in
gradients, so Tensors passed to them are read as arrays.

Example:
    >>> import numpy as np
    >>> from deepbricks import metrics
    >>> class MaxAbs(metrics.Metric):
    ...     def __init__(self, name='max_abs'):
    ...         super().__init__(name=name)
    ...         self.reset_state()
    ...     def update_state(self, values, sample_weight=None):
    ...         self.value = max(self.value, float(np.max(np.abs(values))))
    ...     def reset_state(self):
    ...         self.value = 0.0
    ...     def result(self):
    ...         return self.value
    >>> m = MaxAbs(); m.update_state([1.0, -3.0]); m.update_state([2.0]); m.result()
    3.0
"""

import numpy as np

from deepbricks import backend
from deepbricks.autograd import Tensor
from deepbricks.losses.loss import snake_case


class Metric:
    """Base class of every metric; subclasses write update_state, result and reset_state.

    Args:
        name: the name reported in logs and History (defaults to the class name in
            snake_case).
        dtype: float type per-sample values are computed in (default ``floatx()``).
    """

    def __init__(self, name=None, dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.dtype = dtype or backend.floatx()

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__} must implement update_state(y_true, y_pred, "
            f"sample_weight=None)."
        )

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def reset_state(self):
        raise NotImplementedError(f"{type(self).__name__} must implement reset_state().")

    def __call__(self, *args, **kwargs):
        """Updates the state with one batch and returns the result so far."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def as_array(x, dtype=None):
    """The array behind ``x`` (a Tensor, an array or a list), optionally cast to ``dtype``."""
    if isinstance(x, Tensor):
        x = x.data
    return np.asarray(x, dtype=dtype)


def divide_no_nan(numerator, denominator):
    """numerator / denominator, with 0 wherever the denominator is 0 (an empty count)."""
    numerator = np.asarray(numerator, np.float64)
    denominator = np.asarray(denominator, np.float64)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, 0.0, numerator / safe)


def to_python(value):
    """A 0-d result as a Python float; several results (one per threshold) as an array."""
    value = np.asarray(value)
    return float(value) if value.ndim == 0 else value
