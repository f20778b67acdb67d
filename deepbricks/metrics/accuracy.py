"""Accuracy metrics: running weighted means of the per-sample accuracy functions."""

from deepbricks.metrics import functions
from deepbricks.metrics.reduction import FunctionMetric

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
]


class Accuracy(FunctionMetric):
    """How often predictions equal labels exactly; see :func:`accuracy`.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.Accuracy(); m.update_state([1, 2, 3, 4], [0, 2, 3, 4]); m.result()
        0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(functions.accuracy, name=name, dtype=dtype)


class BinaryAccuracy(FunctionMetric):
    """How often (y_pred > threshold) matches a 0/1 label; see :func:`binary_accuracy`.

    Args:
        name: reported name.
        dtype: float type of the values.
        threshold: a prediction is positive when strictly above it.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.BinaryAccuracy()
        >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]); m.result()
        0.75
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(functions.binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(FunctionMetric):
    """How often argmax(y_pred) matches a one-hot label; see :func:`categorical_accuracy`.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.CategoricalAccuracy()
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> m.result()
        0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(functions.categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(FunctionMetric):
    """How often argmax(y_pred) matches an integer label; see
    :func:`sparse_categorical_accuracy`.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.SparseCategoricalAccuracy()
        >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]); m.result()
        0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(functions.sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(FunctionMetric):
    """How often the one-hot label is among the k highest scores; see
    :func:`top_k_categorical_accuracy`.

    Args:
        k: number of top scores that count as a hit.
        name: reported name.
        dtype: float type of the values.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.TopKCategoricalAccuracy(k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> m.result()
        0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(functions.top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(FunctionMetric):
    """How often the integer label is among the k highest scores; see
    :func:`sparse_top_k_categorical_accuracy`.

    Args:
        k: number of top scores that count as a hit.
        name: reported name.
        dtype: float type of the values.
        from_sorted_ids: whether y_pred holds class ids sorted by decreasing score.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.SparseTopKCategoricalAccuracy(k=1)
        >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]); m.result()
        0.5
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        super().__init__(functions.sparse_top_k_categorical_accuracy, name=name, dtype=dtype,
                         k=k, from_sorted_ids=from_sorted_ids)
        self.k, self.from_sorted_ids = k, from_sorted_ids
