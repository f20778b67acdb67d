"""Per-sample accuracy functions (Keras 3's ``keras.metrics.*_accuracy``), on NumPy arrays.

Each returns a float array with 1.0 where the prediction is right and 0.0 where it is wrong,
one entry per sample (per time step for sequence outputs); the accuracy metrics average it.
"""

import numpy as np

from deepbricks import backend
from deepbricks.losses.loss import squeeze_or_expand_to_same_rank
from deepbricks.metrics.metric import as_array

__all__ = [
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
]


def _matches(hits):
    return hits.astype(backend.floatx())


def accuracy(y_true, y_pred):
    """Exact equality: 1.0 where y_true == y_pred (for predictions that are labels already).

    Example:
        >>> from deepbricks import metrics
        >>> metrics.accuracy([1, 2, 3], [1, 2, 4])
        array([1., 1., 0.], dtype=float32)
    """
    y_pred = as_array(y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(as_array(y_true), y_pred)
    return _matches(y_true == y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Binary accuracy: 1.0 where (y_pred > threshold) equals the 0/1 label, averaged over the
    last axis by the metric.

    Args:
        y_true: 0/1 labels, shape (N, d) or (N,).
        y_pred: probabilities (or scores, with a matching threshold).
        threshold: decision threshold; a prediction is positive when strictly above it.

    Example:
        >>> from deepbricks import metrics
        >>> metrics.binary_accuracy([[1], [0]], [[0.7], [0.6]])
        array([[1.],
               [0.]], dtype=float32)
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(as_array(y_true), as_array(y_pred))
    return _matches(y_true == (y_pred > threshold))


def categorical_accuracy(y_true, y_pred):
    """Categorical accuracy: 1.0 where argmax(y_pred) equals argmax(y_true) (one-hot labels).

    Example:
        >>> from deepbricks import metrics
        >>> metrics.categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]])
        array([1., 0.], dtype=float32)
    """
    return _matches(np.argmax(as_array(y_true), axis=-1) == np.argmax(as_array(y_pred), axis=-1))


def _integer_labels(y_true, y_pred):
    """Labels with a trailing size-1 axis dropped when y_pred has the same rank."""
    labels = as_array(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1:] == (1,):
        labels = labels[..., 0]
    return labels


def sparse_categorical_accuracy(y_true, y_pred):
    """Sparse categorical accuracy: 1.0 where argmax(y_pred) equals the integer label.

    Args:
        y_true: integer labels, shape (N,) or (N, 1) (or (N, T) for sequences).
        y_pred: scores, shape (N, C) (or (N, T, C)).

    Example:
        >>> from deepbricks import metrics
        >>> metrics.sparse_categorical_accuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]])
        array([1., 0.], dtype=float32)
    """
    y_pred = as_array(y_pred)
    return _matches(_integer_labels(y_true, y_pred) == np.argmax(y_pred, axis=-1))


def in_top_k(labels, scores, k):
    """Whether each label's score is among the k largest of its row (ties count as in).

    Args:
        labels: integer array (M,).
        scores: array (M, C).
        k: number of top entries.
    """
    num_classes = scores.shape[-1]
    labels = labels.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"top-k accuracy: labels must lie in [0, {num_classes}) for predictions with "
            f"{num_classes} classes; received labels from {labels.min()} to {labels.max()}."
        )
    target = np.take_along_axis(scores, labels[:, None], axis=-1)
    return np.count_nonzero(scores > target, axis=-1) < k


def _check_k(k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"top-k accuracy: k must be a positive integer; received k={k!r}.")
    return int(k)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Top-k accuracy with one-hot labels: 1.0 where the true class is among the k highest
    scores.

    Example:
        >>> from deepbricks import metrics
        >>> metrics.top_k_categorical_accuracy([[0, 0, 1]], [[0.5, 0.3, 0.2]], k=2)
        array([0.], dtype=float32)
    """
    k = _check_k(k)
    y_pred = as_array(y_pred)
    labels = np.argmax(as_array(y_true), axis=-1)
    hits = in_top_k(labels.reshape(-1), y_pred.reshape(-1, y_pred.shape[-1]), k)
    return _matches(hits.reshape(labels.shape))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """Top-k accuracy with integer labels: 1.0 where the label is among the k highest scores.

    Args:
        y_true: integer labels, (N,) or (N, 1).
        y_pred: scores (N, C); or, with ``from_sorted_ids``, class ids sorted by decreasing
            score (N, >= k), as a retrieval model returns them.
        k: number of top entries.
        from_sorted_ids: whether y_pred holds sorted class ids instead of scores.

    Example:
        >>> from deepbricks import metrics
        >>> metrics.sparse_top_k_categorical_accuracy([2], [[0.5, 0.3, 0.2]], k=2)
        array([0.], dtype=float32)
    """
    k = _check_k(k)
    y_pred = as_array(y_pred)
    labels = as_array(y_true)
    flat_labels = labels.reshape(-1)
    flat_pred = y_pred.reshape(-1, y_pred.shape[-1])
    if flat_labels.shape[0] != flat_pred.shape[0]:
        raise ValueError(
            f"sparse_top_k_categorical_accuracy expects one integer label per row of y_pred; "
            f"received y_true.shape={labels.shape} and y_pred.shape={y_pred.shape}. For "
            f"one-hot labels use top_k_categorical_accuracy."
        )
    if from_sorted_ids:
        hits = np.any(flat_pred[:, :k] == flat_labels[:, None], axis=-1)
    else:
        hits = in_top_k(flat_labels, flat_pred, k)
    return _matches(hits.reshape(labels.shape) if labels.ndim > 1 else hits)
