"""Probabilistic metrics: running weighted means of the cross-entropy, KL and Poisson losses."""

import numpy as np

from deepbricks.losses import functions as losses
from deepbricks.losses.loss import squeeze_or_expand_to_same_rank
from deepbricks.metrics.metric import as_array
from deepbricks.metrics.reduction import FunctionMetric

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
]


class BinaryCrossentropy(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.binary_crossentropy`.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.BinaryCrossentropy()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]); round(m.result(), 4)
        0.8149
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(losses.binary_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits, self.label_smoothing = from_logits, label_smoothing


class CategoricalCrossentropy(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.categorical_crossentropy`."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(losses.categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.sparse_categorical_crossentropy`.

    Samples labelled ``ignore_class`` count neither in the total nor in the count.
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(losses.sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.ignore_class is not None:
            labels = as_array(y_true)
            if labels.ndim == np.ndim(as_array(y_pred)) and labels.shape[-1:] == (1,):
                labels = labels[..., 0]
            valid = (labels != self.ignore_class).astype(self.dtype)
            if sample_weight is None:
                sample_weight = valid
            else:
                valid, weights = squeeze_or_expand_to_same_rank(
                    valid, as_array(sample_weight, self.dtype))
                sample_weight = valid * weights
        super().update_state(y_true, y_pred, sample_weight=sample_weight)


class KLDivergence(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.kl_divergence`."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(losses.kl_divergence, name=name, dtype=dtype)


class Poisson(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.poisson`."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(losses.poisson, name=name, dtype=dtype)
