"""Running sums and (weighted) means, and the wrapper that averages a per-sample function.

Weights follow Keras: a value of shape (N, ...) with a sample weight of shape (N,) is first
averaged over its trailing axes, then weighted; ``Mean`` divides the weighted total by the
total weight (the number of samples when unweighted).
"""

import numpy as np

from deepbricks.autograd import Tensor, no_grad
from deepbricks.losses import functions as loss_functions
from deepbricks.losses.loss import squeeze_or_expand_to_same_rank
from deepbricks.metrics import functions as accuracy_functions
from deepbricks.metrics.metric import Metric, as_array

__all__ = ["Sum", "Mean", "MeanMetricWrapper"]


def samplewise(values, sample_weight, reduce, dtype):
    """Per-sample weighted values and per-sample weights, as Keras reduces them.

    Args:
        values: array (N, ...) or scalar.
        sample_weight: None or an array broadcastable to ``values`` once ranks are aligned.
        reduce: ``np.mean`` or ``np.sum``, applied over the axes after the first.
        dtype: float type of the values.

    Returns:
        (values of shape (N,) or (), weights of shape (N,) or None).
    """
    values = as_array(values, dtype)
    if sample_weight is not None:
        weights = as_array(sample_weight, dtype)
        values, weights = squeeze_or_expand_to_same_rank(values, weights)
        if values.ndim > weights.ndim:
            values = reduce(values, axis=tuple(range(weights.ndim, values.ndim)))
        try:
            weights = np.broadcast_to(weights, values.shape)
        except ValueError:
            raise ValueError(
                f"sample_weight of shape {weights.shape} does not fit values of shape "
                f"{values.shape}; pass one weight per sample (shape {values.shape[:1]})."
            ) from None
        values = values * weights
        if weights.ndim > 1:
            weights = reduce(weights, axis=tuple(range(1, weights.ndim)))
    else:
        weights = None
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, weights


class Sum(Metric):
    """Running (weighted) sum of the values seen: total = sum(w * values).

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.Sum(); m.update_state([1, 3, 5, 7]); m.result()
        16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def update_state(self, values, sample_weight=None):
        values, _ = samplewise(values, sample_weight, np.sum, self.dtype)
        # Totals are kept in float64: a float32 running sum drifts over a long epoch.
        self.total += float(np.sum(values, dtype=np.float64))

    def reset_state(self):
        self.total = 0.0

    def result(self):
        return self.total


class Mean(Metric):
    """Running weighted mean of the values seen: sum(w * values) / sum(w).

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.Mean()
        >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0]); m.result()
        2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def update_state(self, values, sample_weight=None):
        values, weights = samplewise(values, sample_weight, np.mean, self.dtype)
        self.total += float(np.sum(values, dtype=np.float64))
        if weights is not None:
            self.count += float(np.sum(weights, dtype=np.float64))
        else:
            self.count += values.shape[0] if values.ndim else 1

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def result(self):
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """Running weighted mean of a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Args:
        fn: function returning one value per sample (an array or a Tensor), e.g.
            ``metrics.categorical_accuracy`` or a loss function.
        name: reported name (defaults to ``fn.__name__``).
        dtype: float type of the values.
        **kwargs: passed to ``fn`` on every call.

    Example:
        >>> import numpy as np
        >>> from deepbricks import metrics
        >>> m = metrics.MeanMetricWrapper(metrics.binary_accuracy, threshold=0.7)
        >>> m.update_state(np.array([1, 1]), np.array([0.6, 0.8])); m.name, m.result()
        ('binary_accuracy', 0.5)
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(
                f"MeanMetricWrapper expects a function (y_true, y_pred) -> per-sample values; "
                f"received {fn!r}."
            )
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)
        self.fn = fn
        self.fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        with no_grad():
            values = self.fn(y_true, y_pred, **self.fn_kwargs)
        super().update_state(values.data if isinstance(values, Tensor) else values,
                             sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), "fn": self.fn.__name__, **self.fn_kwargs}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        fn = config.pop("fn")
        if isinstance(fn, str):
            known = per_sample_functions()
            if fn not in known:
                raise ValueError(
                    f"MeanMetricWrapper: unknown metric function {fn!r}. Known functions: "
                    f"{', '.join(sorted(known))}. Pass a custom function object instead."
                )
            fn = known[fn]
        return cls(fn, **config)


class FunctionMetric(MeanMetricWrapper):
    """A named metric around a fixed function: its config is its constructor arguments."""

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, **self.fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def per_sample_functions():
    """Every per-sample function a metric can wrap, by name: accuracies and losses."""
    return {
        name: getattr(module, name)
        for module in (accuracy_functions, loss_functions)
        for name in module.__all__
    }
