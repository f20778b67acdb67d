"""Cross-entropy losses fused with their softmax or sigmoid, per sample (no reduction).

Fusing is what makes them stable: log(softmax(z)) is computed as z - max(z) - log(sum(exp(
z - max(z)))), never as the log of a probability that may have rounded to 0, and the gradient
takes the short closed forms softmax(z) - t and sigmoid(z) - t. Values and gradients stay
finite for logits of +-1000.
"""

import numpy as np

from deepbricks.autograd import Function
from deepbricks.autograd.tensor import Tensor
from deepbricks.ops.embedding import as_indices

__all__ = [
    "cross_entropy",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
]


def _operand(x):
    """Tensors and arrays as they are; lists and numbers as Tensors (floats -> floatx)."""
    return x if isinstance(x, (Tensor, np.ndarray)) else Tensor(x)


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def _float_logits(op, logits):
    z = _data(logits)
    if not np.issubdtype(z.dtype, np.floating):
        raise TypeError(
            f"{op}: logits must be floating-point; received dtype {z.dtype}. "
            f"Cast them first, e.g. logits.astype('float32')."
        )
    return z


def _class_axis(op, axis, shape):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be an int, the class axis. Received: axis={axis}")
    ndim = len(shape)
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{op}: axis {axis} is out of range for logits of shape {shape} (rank {ndim}); "
            f"the class axis must be in [{-ndim}, {ndim - 1}], usually -1."
        )
    return int(axis) % ndim


class SoftmaxCrossEntropy(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, z, t):
        self.t_dtype = t.dtype
        t = t.astype(z.dtype, copy=False)
        # Shifted so that the largest exponent is exp(0) = 1: no overflow, and total >= 1.
        log_softmax = z - z.max(axis=self.axis, keepdims=True)
        e = np.exp(log_softmax)
        total = e.sum(axis=self.axis, keepdims=True)
        log_softmax -= np.log(total)
        loss = -np.sum(t * log_softmax, axis=self.axis)
        e /= total
        self.softmax, self.t = e, t
        if self.needs_input_grad[1]:
            self.log_softmax = log_softmax
        return loss

    def backward(self, g):
        g = np.expand_dims(g, self.axis)
        gz = gt = None
        if self.needs_input_grad[0]:
            gz = self.softmax * self.t.sum(axis=self.axis, keepdims=True)
            gz -= self.t
            gz *= g
        if self.needs_input_grad[1]:
            gt = (-self.log_softmax * g).astype(self.t_dtype, copy=False)
        return gz, gt


def softmax_cross_entropy(logits, target, axis=-1):
    """Cross-entropy between a target distribution and softmax(logits), per sample.

    loss = -sum_k t_k * log_softmax(z)_k along ``axis``. Gradients:
    d/dz = softmax(z) * sum_k t_k - t (softmax(z) - t for a distribution) and
    d/dt = -log_softmax(z), the latter only when the target is a Tensor that requires grad
    (soft targets of a distillation teacher).

    Args:
        logits: floating-point Tensor or array of unnormalised scores, e.g. (N, C).
        target: one-hot or probability targets of the same shape.
        axis: the class axis.

    Returns:
        A Tensor of losses, logits' shape without ``axis``.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> z = db.Tensor(np.array([[2.0, 0.0], [0.0, 0.0]]), requires_grad=True)
        >>> loss = db.ops.softmax_cross_entropy(z, np.array([[1.0, 0.0], [0.5, 0.5]]))
        >>> loss.numpy().round(4)
        array([0.1269, 0.6931])
    """
    logits, target = _operand(logits), _operand(target)
    z = _float_logits("softmax_cross_entropy", logits)
    axis = _class_axis("softmax_cross_entropy", axis, z.shape)
    t_shape = _data(target).shape
    if t_shape != z.shape:
        raise ValueError(
            f"softmax_cross_entropy: target of shape {t_shape} does not match logits of shape "
            f"{z.shape}; it takes one-hot or probability targets of the logits' shape. For "
            f"integer class labels use sparse_softmax_cross_entropy (sparse_categorical_"
            f"crossentropy)."
        )
    return SoftmaxCrossEntropy.apply(logits, target, axis=axis)


class SparseSoftmaxCrossEntropy(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, z, labels):
        shifted = z - z.max(axis=self.axis, keepdims=True)
        self.labels = np.expand_dims(labels, self.axis)
        picked = np.take_along_axis(shifted, self.labels, axis=self.axis)
        softmax = np.exp(shifted, out=shifted)
        total = softmax.sum(axis=self.axis, keepdims=True)
        softmax /= total
        self.softmax = softmax
        return np.squeeze(np.log(total) - picked, axis=self.axis)

    def backward(self, g):
        g = np.expand_dims(g, self.axis)
        gz = self.softmax * g
        at_label = np.take_along_axis(gz, self.labels, axis=self.axis)
        np.put_along_axis(gz, self.labels, at_label - g, axis=self.axis)
        return gz, None


def sparse_softmax_cross_entropy(logits, labels, axis=-1):
    """Cross-entropy of softmax(logits) against integer class labels, per sample.

    loss = log(sum_k exp(z_k)) - z_label along ``axis``; d/dz = softmax(z) - one_hot(label).

    Args:
        logits: floating-point Tensor or array of scores, e.g. (N, C) or (N, T, C).
        labels: integers in [0, C) of logits' shape without ``axis``, e.g. (N,); a trailing
            axis of size 1, e.g. (N, 1), is accepted too. Floats holding whole numbers are
            accepted. Labels carry no gradient.
        axis: the class axis.

    Returns:
        A Tensor of losses, logits' shape without ``axis``.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> z = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
        >>> db.ops.sparse_softmax_cross_entropy(z, np.array([0, 2])).numpy().round(4)
        array([0.2395, 1.0986])
    """
    op = "sparse_softmax_cross_entropy"
    logits = _operand(logits)
    z = _float_logits(op, logits)
    axis = _class_axis(op, axis, z.shape)
    ids = as_indices(op, "labels", labels)
    expected = z.shape[:axis] + z.shape[axis + 1:]
    if ids.shape == expected + (1,):
        ids = ids.reshape(expected)
    if ids.shape != expected:
        raise ValueError(
            f"{op}: labels of shape {ids.shape} do not match logits of shape {z.shape} with "
            f"classes on axis {axis}; expected labels of shape {expected} or "
            f"{expected + (1,)}. For one-hot or probability targets use softmax_cross_entropy "
            f"(categorical_crossentropy)."
        )
    n_classes = z.shape[axis]
    if ids.size:
        low, high = ids.min(), ids.max()
        if low < 0 or high >= n_classes:
            bad = high if high >= n_classes else low
            raise ValueError(
                f"{op}: label {bad} out of range for {n_classes} classes; labels must be "
                f"integers in [0, {n_classes}). Check the labels, or give the last layer one "
                f"unit per class."
            )
    return SparseSoftmaxCrossEntropy.apply(logits, ids, axis=axis)


def cross_entropy(logits, target, axis=-1):
    """Softmax cross-entropy, dispatched on the target's dtype, per sample.

    Integer targets are class labels (:func:`sparse_softmax_cross_entropy`); floating-point
    targets are one-hot or probability vectors of the logits' shape
    (:func:`softmax_cross_entropy`).

    Args:
        logits: floating-point Tensor or array of scores.
        target: integer labels or float distributions.
        axis: the class axis.

    Returns:
        A Tensor of losses, logits' shape without ``axis``.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> z = np.array([[2.0, 0.0]])
        >>> db.ops.cross_entropy(z, np.array([0])).numpy().round(4)
        array([0.1269])
        >>> db.ops.cross_entropy(z, np.array([[1.0, 0.0]])).numpy().round(4)
        array([0.1269])
    """
    target = _operand(target)
    if np.issubdtype(_data(target).dtype, np.integer):
        return sparse_softmax_cross_entropy(logits, target, axis=axis)
    return softmax_cross_entropy(logits, target, axis=axis)


class SigmoidCrossEntropy(Function):
    def forward(self, z, t):
        self.t_dtype = t.dtype
        t = t.astype(z.dtype, copy=False)
        # e = exp(-|z|) and the loss terms built in place: fresh arrays cost a pass each.
        e = np.abs(z)
        np.negative(e, out=e)
        np.exp(e, out=e)
        loss = np.maximum(z, 0)
        scratch = np.multiply(z, t)
        loss -= scratch
        loss += np.log1p(e, out=scratch)
        self.z, self.t, self.e = z, t, e
        return loss

    def backward(self, g):
        gz = gt = None
        if self.needs_input_grad[0]:
            # sigmoid(z) = 1 / (1 + e) for z >= 0 and e / (1 + e) below, with e = exp(-|z|) <= 1.
            gz = np.where(self.z >= 0, 1.0, self.e)
            gz /= 1.0 + self.e
            gz -= self.t
            gz *= g
        if self.needs_input_grad[1]:
            gt = (-self.z * g).astype(self.t_dtype, copy=False)
        return gz, gt


def sigmoid_cross_entropy(logits, target):
    """Binary cross-entropy of sigmoid(logits) against targets in [0, 1], elementwise.

    loss = -t * log(sigmoid(z)) - (1 - t) * log(1 - sigmoid(z)), computed stably as
    max(z, 0) - z * t + log(1 + exp(-|z|)). Gradients: d/dz = sigmoid(z) - t; d/dt = -z when
    the target is a Tensor that requires grad.

    Args:
        logits: floating-point Tensor or array of scores.
        target: targets of the same shape (labels 0/1 or probabilities).

    Returns:
        A Tensor of losses, logits' shape.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.ops.sigmoid_cross_entropy(np.array([0.0, 1000.0]), np.array([1.0, 1.0])).numpy()
        array([0.69314718, 0.        ])
    """
    logits, target = _operand(logits), _operand(target)
    z = _float_logits("sigmoid_cross_entropy", logits)
    t_shape = _data(target).shape
    if t_shape != z.shape:
        raise ValueError(
            f"sigmoid_cross_entropy: target of shape {t_shape} does not match logits of shape "
            f"{z.shape}; reshape one of them (e.g. y.reshape(-1, 1) for a (N, 1) output). "
            f"They are not broadcast: (N,) against (N, 1) would compare every logit with "
            f"every target."
        )
    return SigmoidCrossEntropy.apply(logits, target)
