"""Regression metrics: running weighted means of the regression losses, and RMSE."""

import math

import numpy as np

from deepbricks.losses import functions as losses
from deepbricks.losses.loss import squeeze_or_expand_to_same_rank
from deepbricks.metrics.metric import as_array
from deepbricks.metrics.reduction import FunctionMetric, Mean

__all__ = [
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "RootMeanSquaredError",
    "CosineSimilarity",
    "LogCoshError",
]


class MeanSquaredError(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.mean_squared_error`.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.MeanSquaredError(); m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> m.result()
        0.25
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.mean_absolute_error`."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.mean_absolute_percentage_error`."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.mean_squared_logarithmic_error`."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


class CosineSimilarity(FunctionMetric):
    """Running mean of the cosine similarity cos(y_true, y_pred) along ``axis``.

    Unlike the loss of the same name, the metric is not negated: 1 means same direction.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.CosineSimilarity(); m.update_state([[0, 1], [1, 1]], [[1, 0], [1, 1]])
        >>> round(m.result(), 6)
        0.5
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(_cosine, name=name, dtype=dtype, axis=axis)


def _cosine(y_true, y_pred, axis=-1):
    return -losses.cosine_similarity(y_true, y_pred, axis=axis).data


class LogCoshError(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.log_cosh`."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """Square root of the running weighted mean of squared errors: sqrt(sum w e^2 / sum w).

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.RootMeanSquaredError(); m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> m.result()
        0.5
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = squeeze_or_expand_to_same_rank(as_array(y_true, self.dtype),
                                                        as_array(y_pred, self.dtype))
        super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return math.sqrt(super().result())
