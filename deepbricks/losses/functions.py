"""Per-sample loss functions with Keras 3's names, formulas and constants.

Each function takes ``y_true`` (an array, or a Tensor: it is differentiated only if it
requires grad) and ``y_pred`` (a Tensor) and returns a Tensor with one loss per sample: the
last axis is averaged (regression, hinge, binary cross-entropy, Poisson) or summed
(categorical cross-entropy, KL divergence, cosine similarity) away. Every function is a
composition of deepbricks ops, so gradients flow back to ``y_pred``; the ``from_logits=True``
cross-entropies call the fused, numerically stable ops of ``deepbricks.ops``, and the
cross-entropies on probabilities (the classic softmax-output model) the fused ops of
``deepbricks.losses.fused``.

Probabilities are clipped to [EPSILON, 1 - EPSILON] before a logarithm, as in Keras.
"""

import math
import warnings

import numpy as np

from deepbricks import ops
from deepbricks.autograd import Tensor
from deepbricks.losses import fused
from deepbricks.losses.loss import as_prediction, squeeze_or_expand_to_same_rank

__all__ = [
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "huber",
    "log_cosh",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kl_divergence",
    "poisson",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "cosine_similarity",
]

EPSILON = fused.EPSILON
_LOG_2 = math.log(2.0)


def as_target(y_true, y_pred):
    """``y_true`` as a Tensor of ``y_pred``'s dtype; a Tensor requiring grad stays in the graph."""
    if isinstance(y_true, Tensor):
        if y_true.dtype == y_pred.dtype:
            return y_true
        if y_true.requires_grad:
            return ops.astype(y_true, y_pred.dtype)
        y_true = y_true.data
    return Tensor(np.asarray(y_true, dtype=y_pred.dtype))


def _pair(loss, y_true, y_pred, same_shape=False):
    """Converts and rank-aligns the operands; checks their shapes fit ``loss``."""
    y_pred = as_prediction(y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(as_target(y_true, y_pred), y_pred)
    if same_shape:
        if y_true.shape != y_pred.shape:
            fix = (
                " Use sparse_categorical_crossentropy for integer labels, or one-hot encode "
                "them with to_categorical."
                if loss == "categorical_crossentropy"
                else " Give one target per prediction."
            )
            raise ValueError(
                f"{loss} expects y_true and y_pred of the same shape; received "
                f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}.{fix}"
            )
    else:
        try:
            np.broadcast_shapes(y_true.shape, y_pred.shape)
        except ValueError:
            raise ValueError(
                f"{loss} expects y_true and y_pred of the same shape; received "
                f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}. Give one "
                f"target per prediction."
            ) from None
    return y_true, y_pred


def mean_squared_error(y_true, y_pred):
    """Mean squared error over the last axis: loss = mean((y_true - y_pred)^2, axis=-1).

    Args:
        y_true: targets, shape (N, ..., d) (or (N,) against predictions (N, 1)).
        y_pred: predictions, same shape.

    Returns:
        Tensor of shape (N, ...).

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.mean_squared_error(np.array([[0., 1.]]), np.array([[1., 1.]]))
        Tensor([0.5], dtype=float64)
    """
    y_true, y_pred = _pair("mean_squared_error", y_true, y_pred)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean absolute error over the last axis: loss = mean(|y_true - y_pred|, axis=-1).

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.mean_absolute_error(np.array([[0., 1.]]), np.array([[1., 1.]]))
        Tensor([0.5], dtype=float64)
    """
    y_true, y_pred = _pair("mean_absolute_error", y_true, y_pred)
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute percentage error over the last axis.

    loss = 100 * mean(|y_true - y_pred| / max(|y_true|, EPSILON), axis=-1)

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.mean_absolute_percentage_error(np.array([[2., 4.]]), np.array([[1., 5.]]))
        Tensor([37.5], dtype=float64)
    """
    y_true, y_pred = _pair("mean_absolute_percentage_error", y_true, y_pred)
    scale = ops.maximum(ops.abs(y_true), EPSILON)
    return ops.mean(ops.abs((y_true - y_pred) / scale), axis=-1) * 100.0


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared logarithmic error over the last axis.

    loss = mean((log(max(y_pred, EPSILON) + 1) - log(max(y_true, EPSILON) + 1))^2, axis=-1)

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.mean_squared_logarithmic_error(np.array([[1.]]), np.array([[3.]]))  # log(2)^2
        Tensor([0.48045301], dtype=float64)
    """
    y_true, y_pred = _pair("mean_squared_logarithmic_error", y_true, y_pred)
    log_pred = ops.log(ops.maximum(y_pred, EPSILON) + 1.0)
    log_true = ops.log(ops.maximum(y_true, EPSILON) + 1.0)
    return ops.mean(ops.square(log_pred - log_true), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss: quadratic for small errors, linear for large ones, averaged over the last axis.

    With e = y_pred - y_true:
    loss = mean(0.5 * e^2 if |e| <= delta else delta * |e| - 0.5 * delta^2, axis=-1)

    Args:
        y_true: targets.
        y_pred: predictions, same shape.
        delta: the error size where the loss turns from quadratic to linear.

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.huber(np.array([[0., 0.]]), np.array([[0.5, 3.]]))
        Tensor([1.3125], dtype=float64)
    """
    y_true, y_pred = _pair("huber", y_true, y_pred)
    delta = float(delta)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = ops.square(error) * 0.5
    linear = abs_error * delta - 0.5 * delta * delta
    return ops.mean(ops.where(abs_error.data <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """Logarithm of the hyperbolic cosine of the error, averaged over the last axis.

    loss = mean(log(cosh(y_pred - y_true)), axis=-1), computed as
    x + softplus(-2x) - log(2) so that it stays finite for errors of any size.

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.log_cosh(np.array([[0.]]), np.array([[1000.]]))
        Tensor([999.30685282], dtype=float64)
    """
    y_true, y_pred = _pair("log_cosh", y_true, y_pred)
    error = y_pred - y_true
    return ops.mean(error + ops.softplus(error * -2.0) - _LOG_2, axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy of independent 0/1 targets, averaged over ``axis``.

    With p = clip(y_pred, EPSILON, 1 - EPSILON) (or p = sigmoid(y_pred) for logits):
    loss = mean(-(y log p + (1 - y) log(1 - p)), axis)
    Label smoothing pulls the targets towards 1/2: y = y * (1 - label_smoothing) +
    0.5 * label_smoothing.

    Args:
        y_true: targets in [0, 1], same shape as y_pred ((N,) is accepted for (N, 1)).
        y_pred: probabilities, or logits when ``from_logits`` (the stable fused op is used
            then: no overflow even at logits of +-1000).
        from_logits: whether y_pred holds logits.
        label_smoothing: float in [0, 1].
        axis: the axis averaged over.

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.binary_crossentropy(np.array([[1., 0.]]), np.array([[0.9, 0.2]]))
        Tensor([0.16425203], dtype=float64)
    """
    y_true, y_pred = _pair("binary_crossentropy", y_true, y_pred, same_shape=True)
    label_smoothing = _check_smoothing("binary_crossentropy", label_smoothing)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        return ops.mean(ops.sigmoid_cross_entropy(y_pred, y_true), axis=axis)
    return ops.mean(fused.BinaryCrossentropy.apply(y_pred, y_true), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy between one-hot (or soft) targets and a distribution, summed over ``axis``.

    Without logits, y_pred is first renormalised to sum to 1 and clipped:
    p = clip(y_pred / sum(y_pred, axis), EPSILON, 1 - EPSILON); with logits,
    log p = log_softmax(y_pred) (fused and stable). Then loss = -sum(y_true * log p, axis).
    Label smoothing spreads mass over the C classes: y = y * (1 - label_smoothing) +
    label_smoothing / C.

    Args:
        y_true: one-hot targets, same shape as y_pred.
        y_pred: probabilities, or logits when ``from_logits``.
        from_logits: whether y_pred holds logits.
        label_smoothing: float in [0, 1].
        axis: the class axis.

    Raises:
        ValueError: if the shapes differ (integer labels belong to
            sparse_categorical_crossentropy).

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.categorical_crossentropy(np.array([[0., 1.]]), np.array([[0.5, 0.5]]))
        Tensor([0.69314718], dtype=float64)
    """
    y_true, y_pred = _pair("categorical_crossentropy", y_true, y_pred, same_shape=True)
    axis = _check_axis("categorical_crossentropy", axis, y_pred.shape)
    num_classes = y_pred.shape[axis]
    if num_classes == 1:
        warnings.warn(
            f"categorical_crossentropy over a single class is always 0 (y_pred.shape="
            f"{y_pred.shape}). Use binary_crossentropy for two classes with one output.",
            stacklevel=2,
        )
    label_smoothing = _check_smoothing("categorical_crossentropy", label_smoothing)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if from_logits:
        return ops.softmax_cross_entropy(y_pred, y_true, axis=axis)
    return fused.CategoricalCrossentropy.apply(y_pred, y_true, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Categorical cross-entropy with integer class labels: loss = -log p[label].

    p is y_pred renormalised over ``axis`` and clipped to [EPSILON, 1 - EPSILON], or
    softmax(y_pred) when ``from_logits`` (fused and stable).

    Args:
        y_true: integer labels in [0, C), shape y_pred.shape without ``axis`` (a trailing
            axis of size 1 is accepted too, e.g. (N, 1) for y_pred (N, C)).
        y_pred: probabilities or logits, C classes along ``axis``.
        from_logits: whether y_pred holds logits.
        ignore_class: a label value whose samples get loss 0 (e.g. padding); the loss
            classes also leave them out of the average.
        axis: the class axis.

    Raises:
        ValueError: for labels of the wrong shape, non-integer labels or labels outside
            [0, C).

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.sparse_categorical_crossentropy(np.array([1]), np.array([[0.5, 0.5]]))
        Tensor([0.69314718], dtype=float64)
    """
    y_pred = as_prediction(y_pred)
    axis = _check_axis("sparse_categorical_crossentropy", axis, y_pred.shape)
    labels, valid = sparse_labels("sparse_categorical_crossentropy", y_true, y_pred.shape, axis,
                                  ignore_class)
    if from_logits:
        losses = ops.sparse_softmax_cross_entropy(y_pred, labels, axis=axis)
    else:
        losses = fused.SparseCategoricalCrossentropy.apply(y_pred, labels, axis=axis)
    if valid is not None:
        losses = losses * valid.astype(losses.dtype)
    return losses


def sparse_labels(loss, y_true, pred_shape, axis, ignore_class=None):
    """Checked integer labels shaped like y_pred without its class axis.

    Returns:
        (labels, valid): int64 labels (``ignore_class`` entries replaced by 0) and the
        boolean mask of entries that are not ``ignore_class`` (None without ignore_class).
    """
    labels = np.asarray(y_true.data if isinstance(y_true, Tensor) else y_true)
    ndim = len(pred_shape)
    class_axis = axis % ndim if ndim else 0
    expected = tuple(pred_shape[:class_axis]) + tuple(pred_shape[class_axis + 1:])
    if ndim and labels.ndim == ndim and labels.shape[class_axis] == 1:
        labels = np.squeeze(labels, axis=class_axis)
    if ndim == 0 or labels.shape != expected:
        raise ValueError(
            f"{loss} expects integer labels of shape {expected} for y_pred of shape "
            f"{tuple(pred_shape)}; received y_true.shape={labels.shape}. For one-hot labels "
            f"use categorical_crossentropy (or turn them into integers with argmax)."
        )
    if labels.dtype.kind not in "iub":
        if labels.dtype.kind != "f" or not np.all(labels == np.round(labels)):
            raise ValueError(
                f"{loss} expects integer class labels; received y_true of dtype "
                f"{labels.dtype} with non-integer values. For one-hot or soft targets use "
                f"categorical_crossentropy."
            )
    labels = labels.astype(np.int64)
    valid = None
    if ignore_class is not None:
        valid = labels != int(ignore_class)
        labels = np.where(valid, labels, 0)
    num_classes = pred_shape[class_axis]
    low, high = (labels.min(), labels.max()) if labels.size else (0, 0)
    if low < 0 or high >= num_classes:
        fix = (
            f"Negative labels often mark padding: pass ignore_class={low} to leave them out."
            if low < 0
            else f"Give the model {high + 1} outputs (one per class), or shift 1-based labels "
            f"down by 1."
        )
        raise ValueError(
            f"{loss}: labels must lie in [0, {num_classes}) for y_pred of shape "
            f"{tuple(pred_shape)} ({num_classes} classes); received labels from {low} to "
            f"{high}. {fix}"
        )
    return labels, valid


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence of y_pred from y_true, summed over the last axis.

    Both are clipped to [EPSILON, 1] first: loss = sum(y log(y / p), axis=-1) with
    y = clip(y_true, EPSILON, 1), p = clip(y_pred, EPSILON, 1).

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.kl_divergence(np.array([[0.5, 0.5]]), np.array([[0.5, 0.5]]))
        Tensor([0.], dtype=float64)
    """
    y_true, y_pred = _pair("kl_divergence", y_true, y_pred)
    y_true = ops.clip(y_true, EPSILON, 1.0)
    y_pred = ops.clip(y_pred, EPSILON, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Poisson negative log-likelihood (without the log y! term), averaged over the last axis.

    loss = mean(y_pred - y_true * log(y_pred + EPSILON), axis=-1), for a predicted rate y_pred.

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.poisson(np.array([[1.]]), np.array([[1.]]))
        Tensor([0.9999999], dtype=float64)
    """
    y_true, y_pred = _pair("poisson", y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + EPSILON), axis=-1)


def _signed_labels(y_true):
    """Hinge targets in {-1, 1}: 0/1 labels are mapped to -1/1, other values are kept."""
    values = y_true.data
    if np.all((values == 0) | (values == 1)):
        return y_true * 2.0 - 1.0
    return y_true


def hinge(y_true, y_pred):
    """Hinge loss of a margin classifier, averaged over the last axis.

    loss = mean(max(1 - y_true * y_pred, 0), axis=-1), with y_true in {-1, 1} (0/1 labels
    are converted).

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.hinge(np.array([[1., 0.]]), np.array([[0.5, -2.]]))
        Tensor([0.25], dtype=float64)
    """
    y_true, y_pred = _pair("hinge", y_true, y_pred)
    return ops.mean(ops.relu(1.0 - _signed_labels(y_true) * y_pred), axis=-1)


def squared_hinge(y_true, y_pred):
    """Squared hinge loss: mean(max(1 - y_true * y_pred, 0)^2, axis=-1), y_true in {-1, 1}.

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.squared_hinge(np.array([[1., 0.]]), np.array([[0.5, -2.]]))
        Tensor([0.125], dtype=float64)
    """
    y_true, y_pred = _pair("squared_hinge", y_true, y_pred)
    return ops.mean(ops.square(ops.relu(1.0 - _signed_labels(y_true) * y_pred)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """Multi-class hinge loss with one-hot targets.

    loss = max(max((1 - y_true) * y_pred, axis=-1) - sum(y_true * y_pred, axis=-1) + 1, 0):
    the best wrong score must trail the true score by a margin of 1.

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.categorical_hinge(np.array([[0., 1.]]), np.array([[0.3, 0.8]]))
        Tensor([0.5], dtype=float64)
    """
    y_true, y_pred = _pair("categorical_hinge", y_true, y_pred)
    positive = ops.sum(y_true * y_pred, axis=-1)
    negative = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.relu(negative - positive + 1.0)


def _l2_normalize(x, axis):
    squared_norm = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return x / ops.sqrt(ops.maximum(squared_norm, EPSILON * EPSILON))


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along ``axis`` (so that minimising aligns the vectors).

    loss = -sum(y_true / ||y_true|| * y_pred / ||y_pred||, axis), norms floored at EPSILON
    (a zero vector gives 0, not NaN). -1 means same direction, 1 opposite.

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> losses.cosine_similarity(np.array([[0., 2.]]), np.array([[0., 3.]]))
        Tensor([-1.], dtype=float64)
    """
    y_true, y_pred = _pair("cosine_similarity", y_true, y_pred)
    return -ops.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def _check_axis(loss, axis, shape):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(
            f"{loss}: axis must be an int (the class axis, usually -1); received "
            f"axis={axis!r}."
        )
    if not -len(shape) <= axis < len(shape):
        raise ValueError(
            f"{loss}: axis={axis} is out of range for y_pred of shape {tuple(shape)}; the "
            f"class axis is usually -1."
        )
    return int(axis)


def _check_smoothing(loss, label_smoothing):
    label_smoothing = float(label_smoothing)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(
            f"{loss}: label_smoothing must lie in [0, 1]; received "
            f"label_smoothing={label_smoothing}. Typical values are 0.1 or 0.2."
        )
    return label_smoothing

