"""Reductions over axes (sum, mean, max, var, logsumexp, argmax, ...), forward and backward.

``axis`` is None (every axis), an int or a tuple of ints, negative ones counting from the
end, as in NumPy. The backward of a reduction spreads the gradient back over the reduced
axes; for sum and mean that is a broadcast view, not a copy.
"""

import numpy as np

from deepbricks.autograd import Function, Tensor
from deepbricks.ops.elementwise import float_operand, operand, sqrt

__all__ = ["sum", "mean", "max", "min", "var", "std", "logsumexp", "argmax", "argmin"]


def reduction_axes(op, axis, shape):
    """``axis`` as a sorted tuple of non-negative axes of ``shape`` (all of them for None).

    Raises:
        TypeError: if ``axis`` is not None, an int or a tuple of ints.
        ValueError: naming ``op``, if an axis is out of range or repeated.
    """
    ndim = len(shape)
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"{op}: axis must be None, an int or a tuple of ints; received {axis!r}.")
    bad = [a for a in axes if not -ndim <= a < ndim]
    if bad:
        raise ValueError(
            f"{op}: axis {bad[0]} is out of range for a tensor of shape {shape}; valid axes "
            f"are {-ndim} to {ndim - 1} (negative ones count from the end)."
        )
    normalized = sorted(int(a) % ndim for a in axes)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: axis {axis!r} names the same axis twice for shape {shape}.")
    return tuple(normalized)


def _expand(grad, axes, keepdims):
    """Puts back the reduced axes (as size 1) that ``keepdims=False`` dropped."""
    return grad if keepdims else np.expand_dims(grad, axes)


def _count(shape, axes):
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))


class _Reduction(Function):
    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims


class Sum(_Reduction):
    def forward(self, x):
        self.shape = x.shape
        return x.sum(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        return (np.broadcast_to(_expand(gy, self.axes, self.keepdims), self.shape),)


def sum(x, axis=None, keepdims=False):
    """Sum over axes: y = sum_i x_i; every summed element gets the gradient dy.

    Args:
        x: a Tensor or array.
        axis: None (all axes), an int or a tuple of ints; negative counts from the end.
        keepdims: keep the reduced axes with size 1.

    Returns:
        A Tensor with the reduced axes removed (or of size 1 with ``keepdims``).

    Example:
        >>> import deepbricks as db
        >>> x = db.Tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> db.ops.sum(x, axis=0)
        Tensor([4., 6.], dtype=float32)
        >>> x.sum()
        Tensor(10., dtype=float32)
    """
    x = operand(x, "sum")
    return Sum.apply(x, axes=reduction_axes("sum", axis, x.shape), keepdims=keepdims)


class Mean(_Reduction):
    def forward(self, x):
        self.shape = x.shape
        return x.mean(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        scale = 1 / _count(self.shape, self.axes)
        return (np.broadcast_to(_expand(gy * scale, self.axes, self.keepdims), self.shape),)


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over axes: y = (1/n) sum_i x_i; each element gets dy / n.

    Args:
        x: a Tensor or array (integers become floatx).
        axis: None (all axes), an int or a tuple of ints; negative counts from the end.
        keepdims: keep the reduced axes with size 1.

    Returns:
        A float Tensor with the reduced axes removed (or of size 1 with ``keepdims``).

    Example:
        >>> import deepbricks as db
        >>> db.ops.mean(db.Tensor([[1.0, 2.0], [3.0, 5.0]]), axis=-1)
        Tensor([1.5, 4. ], dtype=float32)
    """
    x = float_operand(x, "mean")
    return Mean.apply(x, axes=reduction_axes("mean", axis, x.shape), keepdims=keepdims)


class _Extreme(_Reduction):
    """Shared by max and min; ``pick`` is the NumPy reduction."""

    def forward(self, x):
        self.x = x
        self.y = self.pick(x, axis=self.axes, keepdims=True)
        return self.y if self.keepdims else np.squeeze(self.y, self.axes)

    def backward(self, gy):
        hit = self.x == self.y
        # Tied extremes share the gradient evenly, so its total is the same with or without
        # ties (what PyTorch's amax/amin and TensorFlow do).
        count = hit.sum(axis=self.axes, keepdims=True, dtype=gy.dtype)
        return (hit * (_expand(gy, self.axes, self.keepdims) / count),)


class Max(_Extreme):
    pick = staticmethod(np.max)


class Min(_Extreme):
    pick = staticmethod(np.min)


def check_nonempty(op, x, axes):
    """Raises a ValueError naming ``op`` if one of ``axes`` of ``x`` has length 0."""
    if any(x.shape[a] == 0 for a in axes):
        raise ValueError(
            f"{op}: cannot reduce a tensor of shape {x.shape} over an empty axis "
            f"(axis {axes}); there is no {op} of nothing. Check the input's shape."
        )


def max(x, axis=None, keepdims=False):
    """Maximum over axes: y = max_i x_i.

    The gradient goes to the element(s) holding the maximum, split evenly among ties.

    Args:
        x: a Tensor or array.
        axis: None (all axes), an int or a tuple of ints; negative counts from the end.
        keepdims: keep the reduced axes with size 1.

    Returns:
        A Tensor with the reduced axes removed (or of size 1 with ``keepdims``).

    Raises:
        ValueError: if a reduced axis is empty.

    Example:
        >>> import deepbricks as db
        >>> x = db.Tensor([[1.0, 3.0], [3.0, 2.0]], requires_grad=True)
        >>> x.max().backward()
        >>> x.grad
        array([[0. , 0.5],
               [0.5, 0. ]], dtype=float32)
    """
    x = operand(x, "max")
    axes = reduction_axes("max", axis, x.shape)
    check_nonempty("max", x, axes)
    return Max.apply(x, axes=axes, keepdims=keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum over axes: y = min_i x_i.

    The gradient goes to the element(s) holding the minimum, split evenly among ties.

    Args:
        x: a Tensor or array.
        axis: None (all axes), an int or a tuple of ints; negative counts from the end.
        keepdims: keep the reduced axes with size 1.

    Returns:
        A Tensor with the reduced axes removed (or of size 1 with ``keepdims``).

    Raises:
        ValueError: if a reduced axis is empty.

    Example:
        >>> import deepbricks as db
        >>> db.ops.min(db.Tensor([[1.0, 3.0], [0.0, 2.0]]), axis=1)
        Tensor([1., 0.], dtype=float32)
    """
    x = operand(x, "min")
    axes = reduction_axes("min", axis, x.shape)
    check_nonempty("min", x, axes)
    return Min.apply(x, axes=axes, keepdims=keepdims)


class Var(_Reduction):
    def forward(self, x):
        self.x = x
        self.mu = x.mean(axis=self.axes, keepdims=True)
        d = x - self.mu
        d *= d
        return d.mean(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        scale = 2 / _count(self.x.shape, self.axes)
        return ((self.x - self.mu) * _expand(gy * scale, self.axes, self.keepdims),)


def var(x, axis=None, keepdims=False):
    """Biased variance over axes (as Keras): y = (1/n) sum_i (x_i - mean)^2.

    dy/dx_i = 2 (x_i - mean) / n.

    Args:
        x: a Tensor or array (integers become floatx).
        axis: None (all axes), an int or a tuple of ints; negative counts from the end.
        keepdims: keep the reduced axes with size 1.

    Returns:
        A float Tensor with the reduced axes removed (or of size 1 with ``keepdims``).

    Example:
        >>> import deepbricks as db
        >>> db.ops.var(db.Tensor([1.0, 2.0, 3.0, 4.0]))
        Tensor(1.25, dtype=float32)
    """
    x = float_operand(x, "var")
    return Var.apply(x, axes=reduction_axes("var", axis, x.shape), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Biased standard deviation over axes (as Keras): y = sqrt(var(x)).

    dy/dx_i = (x_i - mean) / (n y); undefined (infinite) where all values are equal.

    Args:
        x: a Tensor or array (integers become floatx).
        axis: None (all axes), an int or a tuple of ints; negative counts from the end.
        keepdims: keep the reduced axes with size 1.

    Returns:
        A float Tensor with the reduced axes removed (or of size 1 with ``keepdims``).

    Example:
        >>> import deepbricks as db
        >>> db.ops.std(db.Tensor([1.0, 3.0]))
        Tensor(1., dtype=float32)
    """
    return sqrt(var(x, axis=axis, keepdims=keepdims))


class LogSumExp(_Reduction):
    def forward(self, x):
        self.x = x
        m = x.max(axis=self.axes, keepdims=True)
        # Rows of -inf (fully masked) would give -inf - -inf = nan; shifting by 0 instead
        # lets them come out as log(0) = -inf.
        m[~np.isfinite(m)] = 0
        with np.errstate(divide="ignore"):
            log_s = np.log(np.exp(x - m).sum(axis=self.axes, keepdims=True))
        # m and log(s) are kept apart for backward: x - m is exact near the maximum, while
        # x - (m + log s) would lose the last bits of log s to the rounding of y (1e-4 at
        # 1000 in float32).
        y = m + log_s
        # A fully masked row (log s = -inf) gets a zero gradient rather than exp(nan).
        log_s[np.isneginf(log_s)] = 0
        self.m, self.log_s = m, log_s
        return y if self.keepdims else np.squeeze(y, self.axes)

    def backward(self, gy):
        softmax = self.x - self.m
        softmax -= self.log_s
        np.exp(softmax, out=softmax)
        softmax *= _expand(gy, self.axes, self.keepdims)
        return (softmax,)


def logsumexp(x, axis=None, keepdims=False):
    """Log of the sum of exponentials, computed stably: y = m + log(sum_i exp(x_i - m)).

    m is the maximum over the axes, so nothing overflows even for x = 1000; the gradient
    is the softmax, dy/dx_i = exp(x_i - y).

    Args:
        x: a Tensor or array (integers become floatx).
        axis: None (all axes), an int or a tuple of ints; negative counts from the end.
        keepdims: keep the reduced axes with size 1.

    Returns:
        A float Tensor with the reduced axes removed (or of size 1 with ``keepdims``).

    Example:
        >>> import deepbricks as db
        >>> db.ops.logsumexp(db.Tensor([1000.0, 1000.0])).numpy().round(2)
        np.float32(1000.69)
    """
    x = float_operand(x, "logsumexp")
    axes = reduction_axes("logsumexp", axis, x.shape)
    check_nonempty("logsumexp", x, axes)
    return LogSumExp.apply(x, axes=axes, keepdims=keepdims)


def _arg(op, pick, x, axis, keepdims):
    array = operand(x, op)
    array = array.data if isinstance(array, Tensor) else array
    if axis is not None and (isinstance(axis, bool) or not isinstance(axis, (int, np.integer))):
        raise TypeError(f"{op}: axis must be None or an int; received {axis!r}.")
    axes = reduction_axes(op, axis, array.shape)
    check_nonempty(op, array, axes)
    return Tensor(pick(array, axis=axis, keepdims=keepdims).astype(np.int32))


def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along an axis (the first one among ties); no gradient.

    Args:
        x: a Tensor or array.
        axis: an int, or None to index into the flattened tensor.
        keepdims: keep the reduced axis with size 1.

    Returns:
        An int32 Tensor (as Keras), never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.argmax(db.Tensor([[1.0, 3.0], [4.0, 2.0]]), axis=1)
        Tensor([1, 0], dtype=int32)
    """
    return _arg("argmax", np.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along an axis (the first one among ties); no gradient.

    Args:
        x: a Tensor or array.
        axis: an int, or None to index into the flattened tensor.
        keepdims: keep the reduced axis with size 1.

    Returns:
        An int32 Tensor (as Keras), never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.argmin(db.Tensor([[1.0, 3.0], [4.0, 2.0]]), axis=1)
        Tensor([0, 1], dtype=int32)
    """
    return _arg("argmin", np.argmin, x, axis, keepdims)
