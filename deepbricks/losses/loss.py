"""Loss: turns per-sample losses into the one number a model minimises (``keras.losses.Loss``).

A loss class computes per-sample losses with ``call(y_true, y_pred)`` (a function of
``deepbricks.losses``), then ``__call__`` weights them by ``sample_weight`` and reduces them:

- ``'sum_over_batch_size'`` (the default) and ``'mean'``: sum(w * loss) / number of entries
  (not the sum of the weights: a zero weight still counts in the denominator),
- ``'mean_with_sample_weight'``: sum(w * loss) / sum(w),
- ``'sum'``: sum(w * loss),
- ``'none'`` or ``None``: the weighted per-sample losses themselves.

Example:
    >>> import numpy as np
    >>> from deepbricks import losses, ops
    >>> class MeanFourthPower(losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.mean(ops.square(ops.square(y_pred - y_true)), axis=-1)
    >>> MeanFourthPower()(np.zeros((2, 2)), np.full((2, 2), 2.0))
    Tensor(16., dtype=float64)
"""

import re

import numpy as np

from deepbricks import backend, ops
from deepbricks.autograd import Tensor

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def snake_case(name):
    """'TopKCategoricalAccuracy' -> 'top_k_categorical_accuracy', as Keras derives names."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


class Loss:
    """Base class of the loss classes; a subclass writes ``call(y_true, y_pred)``.

    Args:
        name: name shown in logs (defaults to the class name in snake_case).
        reduction: ``'sum_over_batch_size'`` (default), ``'sum'``, ``'mean'``,
            ``'mean_with_sample_weight'``, ``'none'`` or ``None``; see the module docstring.
        dtype: float type to compute in; by default that of ``y_pred`` (float32 for a float32
            model, float64 in gradient checks).
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction, self.name)
        self.dtype = dtype

    def __call__(self, y_true, y_pred, sample_weight=None, mask=None):
        """Weighted, reduced loss: a scalar Tensor (per-sample Tensor for reduction 'none').

        Args:
            y_true: targets, an array or a Tensor (differentiated only if it requires grad).
            y_pred: predictions, a Tensor (or an array).
            sample_weight: optional weights, one per sample (shape (N,)) or one per
                per-sample loss entry; an array, a Tensor or a scalar.
            mask: optional boolean array shaped like the per-sample losses (e.g. (N, T) for
                a sequence model whose Embedding has mask_zero=True): False entries do not
                count, and averages run over the True ones, as Keras does with a model's
                output mask.
        """
        y_pred = as_prediction(y_pred, self.dtype)
        losses = self.call(y_true, y_pred)
        valid = self.valid_mask(y_true, losses)
        if mask is not None:
            mask = np.broadcast_to(np.asarray(mask, bool), losses.shape)
            valid = mask if valid is None else valid & mask
        return reduce_weighted_values(
            losses,
            sample_weight=sample_weight,
            mask=valid,
            reduction=self.reduction,
            name=self.name,
        )

    def call(self, y_true, y_pred):
        raise NotImplementedError(
            f"{type(self).__name__} must implement call(y_true, y_pred) returning per-sample "
            f"losses."
        )

    def valid_mask(self, y_true, losses):
        """Boolean array marking the per-sample losses that count, or None (all count)."""
        return None

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


def standardize_reduction(reduction, name="loss"):
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Loss '{name}': invalid reduction={reduction!r}. Expected one of "
            f"'sum_over_batch_size' (the default), 'sum', 'mean', 'mean_with_sample_weight', "
            f"'none' or None."
        )
    return reduction


def as_prediction(y_pred, dtype=None):
    """``y_pred`` as a float Tensor: arrays are wrapped, integers become ``floatx()``."""
    if not isinstance(y_pred, Tensor):
        y_pred = Tensor(y_pred)
    if dtype is not None and y_pred.dtype != np.dtype(dtype):
        return ops.astype(y_pred, dtype)
    if not backend.is_float(y_pred.dtype):
        return Tensor(y_pred.data.astype(backend.floatx()))
    return y_pred


def _reshape(x, shape):
    return ops.reshape(x, shape) if isinstance(x, Tensor) else x.reshape(shape)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Aligns ranks that differ by one trailing axis of size 1, as Keras does.

    The operand with the extra size-1 axis loses it, except that a rank-1 partner gains one
    instead when ``expand_rank_1``: ((N,), (N, 1)) becomes ((N, 1), (N, 1)) and
    ((N, T), (N, T, 1)) becomes ((N, T), (N, T)). Other shapes are returned unchanged.
    Works on Tensors and arrays alike.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = _reshape(x2, (*x2.shape, 1))
        else:
            x1 = _reshape(x1, x1.shape[:-1])
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = _reshape(x1, (*x1.shape, 1))
        else:
            x2 = _reshape(x2, x2.shape[:-1])
    return x1, x2


def _weights_for_mask(mask, reduction, dtype):
    """Mask as weights; for averaging reductions, valid entries weigh total/valid so that the
    average runs over the valid entries only."""
    mask = np.asarray(mask, bool)
    if reduction in ("sum_over_batch_size", "mean"):
        valid = int(mask.sum())
        scale = mask.size / valid if valid else 0.0
        return np.where(mask, scale, 0.0).astype(dtype)
    return mask.astype(dtype)


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", name="loss"):
    """Applies ``sample_weight`` (and a validity ``mask``) to per-sample losses, then reduces.

    Args:
        values: Tensor of per-sample losses.
        sample_weight: None, a scalar, an array or a Tensor broadcastable to ``values`` once
            ranks are aligned (a (N,) weight also weighs every entry of sample n in a (N, T)
            loss).
        mask: None or a boolean array shaped like ``values``: False entries are dropped.
        reduction: one of ``REDUCTIONS``.
        name: the loss's name, for error messages.

    Returns:
        A scalar Tensor, or the weighted ``values`` for reduction 'none'/None.
    """
    reduction = standardize_reduction(reduction, name)
    dtype = values.dtype
    weights = None
    if sample_weight is not None:
        weights = np.asarray(
            sample_weight.data if isinstance(sample_weight, Tensor) else sample_weight, dtype
        )
    if mask is not None:
        mask_weights = _weights_for_mask(mask, reduction, dtype)
        if weights is None:
            weights = mask_weights
        else:
            mask_weights, weights = squeeze_or_expand_to_same_rank(mask_weights, weights)
            weights = _broadcast_weights(name, weights, mask_weights.shape) * mask_weights
    if weights is not None:
        values, weights = squeeze_or_expand_to_same_rank(values, weights)
        values = values * _broadcast_weights(name, weights, values.shape)
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    if reduction == "sum" or values.size == 0:
        return ops.sum(values)
    if reduction == "mean_with_sample_weight" and weights is not None:
        divisor = float(np.sum(weights))
        loss = ops.sum(values)
        return loss / divisor if divisor else loss * 0.0
    return ops.mean(values)


def _broadcast_weights(name, weights, shape):
    """Weights with trailing axes added so that a per-sample weight reaches every entry."""
    if weights.ndim < len(shape):
        weights = weights.reshape(weights.shape + (1,) * (len(shape) - weights.ndim))
    try:
        np.broadcast_shapes(weights.shape, tuple(shape))
    except ValueError:
        per_entry = f" or one per loss entry (shape {tuple(shape)})" if len(shape) > 1 else ""
        raise ValueError(
            f"Loss '{name}': sample_weight of shape {weights.shape} does not fit the "
            f"per-sample losses of shape {tuple(shape)}. Pass one weight per sample "
            f"(shape {tuple(shape[:1])}){per_entry}."
        ) from None
    return weights
