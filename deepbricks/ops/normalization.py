"""Batch and layer normalisation, each fused into one op with a hand-written backward.

Both standardise the input over some axes with the biased variance,
x_hat = (x - mean) / sqrt(var + epsilon), then scale and shift it: y = gamma * x_hat + beta.
Batch normalisation takes its statistics over every axis except the channel axis (one mean
per channel, shared by the whole batch); layer normalisation over the feature axes (one mean
per sample). A graph of the elementary ops would save a dozen arrays and walk them back one by
one; the closed-form backward needs one saved array of x's size (x_hat, or the centred x for
batch normalisation) and the statistics. Batch normalisation runs its passes on batch shards,
one per thread (``backend.parallel_shards``), adding the shards' channel sums in order.
"""

import string

import numpy as np

from deepbricks.autograd import Function
from deepbricks.autograd.tensor import Tensor
from deepbricks.backend import parallel_shards

__all__ = ["batch_norm", "batch_norm_inference", "layer_norm"]


def _operand(x):
    """Tensors, arrays and None as they are; lists and numbers as Tensors (floats -> floatx)."""
    return x if x is None or isinstance(x, (Tensor, np.ndarray)) else Tensor(x)


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def _check_float(op, x):
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{op} expects a floating-point input; received dtype {x.dtype}. "
            f"Cast it first, e.g. x.astype('float32')."
        )


def _normalize_axes(op, axis, shape):
    """Sorted non-negative axes from an int or a tuple of ints, checked against ``shape``."""
    many = isinstance(axis, (tuple, list))
    axes = tuple(axis) if many else (axis,)
    ndim = len(shape)
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints. Received: axis={axis}")
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{op}: axis {a} is out of range for an input of shape {shape} (rank {ndim}); "
                f"use an axis in [{-ndim}, {ndim - 1}]."
            )
    positive = sorted(int(a) % ndim for a in axes)
    if len(set(positive)) != len(positive):
        raise ValueError(f"{op}: axis lists the same axis twice. Received: axis={axis}")
    return tuple(positive)


def _channel_axis(op, axis, shape):
    if isinstance(axis, (tuple, list)):
        raise TypeError(
            f"{op}: axis must be a single int, the channel axis (-1 for channels-last data). "
            f"Received: axis={axis}"
        )
    return _normalize_axes(op, axis, shape)


def _check_param(op, name, p, shape, axes):
    """Checks that ``p`` (gamma, beta, mean or variance) has the shape of x on ``axes``."""
    if p is None:
        return
    got = _data(p).shape
    expected = tuple(shape[a] for a in axes)
    if got != expected:
        raise ValueError(
            f"{op}: {name} has shape {got}, expected {expected} (the size of axis "
            f"{axes[0] if len(axes) == 1 else axes} of the input of shape {shape}). "
            f"Create it with shape {expected}."
        )


def _broadcastable(p, shape, axes):
    """A view of ``p`` with ones inserted so that it broadcasts along x's other axes."""
    if p is None:
        return None
    return p.reshape([n if i in axes else 1 for i, n in enumerate(shape)])


def _sum_of_products(a, b, keep):
    """sum(a * b) over every axis not in ``keep``, with size-1 axes kept for broadcasting.

    einsum reads a and b once; the product followed by a sum would also write and reread a
    third array of the full size (2 to 3 times slower here).
    """
    letters = string.ascii_letters[: a.ndim]
    kept = "".join(letters[i] for i in keep)
    total = np.einsum(f"{letters},{letters}->{kept}", a, b)
    return total.reshape([n if i in keep else 1 for i, n in enumerate(a.shape)])


def _centre(x, axes):
    """x - mean and the biased variance, both statistics over ``axes`` (size-1 axes kept)."""
    mean = x.mean(axis=axes, keepdims=True)
    x_c = x - mean
    others = tuple(a for a in range(x.ndim) if a not in axes)
    var = _sum_of_products(x_c, x_c, others) / (x.size // max(mean.size, 1))
    return x_c, mean, var


def _channel_sums(a, axis, b=None):
    """Per-channel sums over every axis but ``axis``, shape (C,): of a, or of a * b."""
    if axis != a.ndim - 1:
        others = tuple(i for i in range(a.ndim) if i != axis)
        if b is None:
            return a.sum(axis=others)
        return _sum_of_products(a, b, (axis,)).reshape(-1)
    # Channels-last: a product with a ones row is one BLAS call, 10 to 80 times faster than
    # NumPy's reduction over the leading axes (which walks every row for each channel).
    rows = a.reshape(-1, a.shape[-1])
    if b is not None:
        rows = rows * b.reshape(rows.shape)
    return np.ones(len(rows), rows.dtype) @ rows


class BatchNorm(Function):
    def __init__(self, axis, epsilon):
        self.axis, self.epsilon = axis, epsilon

    def _per_channel(self, p, shape):
        return _broadcastable(p, shape, (self.axis,))

    def _shards(self, function, x):
        """``function`` on batch shards in parallel (serially when the batch is the channel)."""
        if self.axis % x.ndim == 0:
            return [function(slice(None))]
        return parallel_shards(function, x.shape[0])

    def forward(self, x, gamma, beta):
        n = x.size // x.shape[self.axis]
        per_channel = self._per_channel
        mean = sum(self._shards(lambda s: _channel_sums(x[s], self.axis), x)) / n
        x_c = np.empty(x.shape, np.result_type(x, mean))

        def centre(s):
            np.subtract(x[s], per_channel(mean, x[s].shape), out=x_c[s])
            return _channel_sums(x_c[s], self.axis, x_c[s])

        var = sum(self._shards(centre, x)) / n
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        # gamma and 1 / std are both per channel, so one product scales and normalises; the
        # backward pass gets x_hat = x_c * inv_std from the saved centred input.
        scale = inv_std if gamma is None else gamma * inv_std
        y = np.empty(x.shape, np.result_type(x_c, scale))

        def normalise(s):
            np.multiply(x_c[s], per_channel(scale, x_c[s].shape), out=y[s])
            if beta is not None:
                y[s] += per_channel(beta, x_c[s].shape)

        self._shards(normalise, x)
        self.x_c, self.inv_std, self.scale = x_c, inv_std, scale
        # The statistics leave as extra outputs so the layer can update its moving averages;
        # the public function hands them out as arrays, so no gradient ever reaches them.
        return y, mean, var

    def backward(self, gy, _gmean, _gvar):
        x_c, inv_std, shape = self.x_c, self.inv_std, self.x_c.shape
        n = x_c.size // shape[self.axis]
        sums = self._shards(
            lambda s: (_channel_sums(gy[s], self.axis), _channel_sums(gy[s], self.axis, x_c[s])),
            x_c,
        )
        gbeta = sum(part[0] for part in sums)
        ggamma = sum(part[1] for part in sums) * inv_std
        gx = None
        if self.needs_input_grad[0]:
            # dx = gamma / std * (gy - mean(gy) - x_hat * mean(gy * x_hat)); gamma is constant
            # over the averaged axes, so the two means are gbeta / n and ggamma / n.
            gx = np.empty(shape, np.result_type(gy, x_c, inv_std))
            slope, offset = inv_std * ggamma / n, gbeta / n

            def grad(s):
                part, cells = gx[s], x_c[s].shape
                np.multiply(x_c[s], self._per_channel(slope, cells), out=part)
                part += self._per_channel(offset, cells)
                np.subtract(gy[s], part, out=part)
                part *= self._per_channel(self.scale, cells)

            self._shards(grad, x_c)
        return (
            gx,
            ggamma if self.needs_input_grad[1] else None,
            gbeta if self.needs_input_grad[2] else None,
        )


def batch_norm(x, gamma=None, beta=None, axis=-1, epsilon=1e-3):
    """Training-mode batch normalisation with the batch's own statistics.

    mean and var (biased) are taken per channel over every axis except ``axis``:
    y = gamma * (x - mean) / sqrt(var + epsilon) + beta. The backward pass is the closed form
    dx = gamma / sqrt(var + epsilon) * (dy - mean(dy) - x_hat * mean(dy * x_hat)).

    Args:
        x: floating-point Tensor or array, e.g. (N, C) or (N, H, W, C).
        gamma: scale of shape (C,), or None for no scaling (Keras ``scale=False``).
        beta: offset of shape (C,), or None for no offset (Keras ``center=False``).
        axis: the channel axis, -1 for channels-last data.
        epsilon: added to the variance before the square root (Keras default 1e-3).

    Returns:
        A tuple ``(y, batch_mean, batch_variance)``: the normalised Tensor of x's shape, and
        the statistics as plain arrays of shape (C,) for the moving averages
        (moving = moving * momentum + batch * (1 - momentum)).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = db.Tensor(np.array([[1.0, 10.0], [3.0, 30.0]]))
        >>> y, mean, var = db.ops.batch_norm(x, epsilon=0.0)
        >>> y.numpy(), mean, var
        (array([[-1., -1.],
               [ 1.,  1.]]), array([ 2., 20.]), array([  1., 100.]))
    """
    x, gamma, beta = _operand(x), _operand(gamma), _operand(beta)
    data = _data(x)
    _check_float("batch_norm", data)
    axes = _channel_axis("batch_norm", axis, data.shape)
    _check_param("batch_norm", "gamma", gamma, data.shape, axes)
    _check_param("batch_norm", "beta", beta, data.shape, axes)
    y, mean, var = BatchNorm.apply(x, gamma, beta, axis=axes[0], epsilon=epsilon)
    return y, mean.data, var.data


class BatchNormInference(Function):
    def __init__(self, axis, epsilon):
        self.axis, self.epsilon = axis, epsilon

    def forward(self, x, mean, variance, gamma, beta):
        channel = (self.axis,)
        mean, variance, gamma, beta = (
            _broadcastable(p, x.shape, channel) for p in (mean, variance, gamma, beta)
        )
        self.inv_std = 1.0 / np.sqrt(variance + self.epsilon)
        self.scale = self.inv_std if gamma is None else gamma * self.inv_std
        shift = -mean * self.scale
        if beta is not None:
            shift += beta
        self.x, self.mean, self.gamma = x, mean, gamma
        y = x * self.scale
        y += shift
        return y

    def backward(self, gy):
        need_x, need_mean, need_var, need_gamma, need_beta = self.needs_input_grad
        axes = tuple(a for a in range(gy.ndim) if a != self.axis)
        gx = gmean = gvar = ggamma = gbeta = None
        if need_x:
            gx = gy * self.scale
        if need_mean or need_beta:
            gbeta = gy.sum(axis=axes, keepdims=True)
            gmean = (-gbeta * self.scale).reshape(-1) if need_mean else None
        if need_var or need_gamma:
            # Centred before the product: sum(gy * x) - mean * sum(gy) would cancel badly in
            # float32 when the mean is large against the spread.
            centred_dot = np.sum(gy * (self.x - self.mean), axis=axes, keepdims=True)
            ggamma = (centred_dot * self.inv_std).reshape(-1) if need_gamma else None
            if need_var:
                gamma = 1.0 if self.gamma is None else self.gamma
                gvar = (centred_dot * gamma * (-0.5 * self.inv_std**3)).reshape(-1)
        return gx, gmean, gvar, ggamma, gbeta.reshape(-1) if need_beta else None


def batch_norm_inference(x, mean, variance, gamma=None, beta=None, axis=-1, epsilon=1e-3):
    """Batch normalisation with fixed statistics (the moving averages, at inference).

    y = (x - mean) / sqrt(variance + epsilon) * gamma + beta, computed as y = x * scale + shift
    with scale = gamma / sqrt(variance + epsilon) and shift = beta - mean * scale per channel.
    Gradients flow to x, gamma and beta, and to mean and variance if they require them.

    Args:
        x: floating-point Tensor or array with the channels on ``axis``.
        mean, variance: per-channel statistics of shape (C,).
        gamma, beta: per-channel scale and offset of shape (C,), or None.
        axis: the channel axis.
        epsilon: added to the variance before the square root.

    Returns:
        The normalised Tensor, x's shape.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.array([[4.0, 0.0]])
        >>> db.ops.batch_norm_inference(x, np.array([2.0, 1.0]), np.array([4.0, 1.0]),
        ...                             epsilon=0.0).numpy()
        array([[ 1., -1.]])
    """
    x = _operand(x)
    data = _data(x)
    _check_float("batch_norm_inference", data)
    axes = _channel_axis("batch_norm_inference", axis, data.shape)
    params = {"mean": mean, "variance": variance, "gamma": gamma, "beta": beta}
    params = {name: _operand(p) for name, p in params.items()}
    for name, p in params.items():
        _check_param("batch_norm_inference", name, p, data.shape, axes)
    return BatchNormInference.apply(x, *params.values(), axis=axes[0], epsilon=epsilon)


class LayerNorm(Function):
    def __init__(self, axes, epsilon):
        self.axes, self.epsilon = axes, epsilon

    def forward(self, x, gamma, beta):
        x_hat, _, var = _centre(x, self.axes)
        self.inv_std = 1.0 / np.sqrt(var + self.epsilon)
        x_hat *= self.inv_std
        self.x_hat, self.param_shape = x_hat, tuple(x.shape[a] for a in self.axes)
        self.gamma = _broadcastable(gamma, x.shape, self.axes)
        beta = _broadcastable(beta, x.shape, self.axes)
        if self.gamma is not None:
            y = x_hat * self.gamma
            if beta is not None:
                y += beta
            return y
        return x_hat if beta is None else x_hat + beta

    def backward(self, gy):
        x_hat, axes, gamma = self.x_hat, self.axes, self.gamma
        rows = tuple(a for a in range(gy.ndim) if a not in axes)
        ggamma = gbeta = gx = None
        if self.needs_input_grad[1]:
            ggamma = _sum_of_products(gy, x_hat, axes).reshape(self.param_shape)
        if self.needs_input_grad[2]:
            gbeta = gy.sum(axis=rows).reshape(self.param_shape)
        if self.needs_input_grad[0]:
            # dx = (g - mean(g) - x_hat * mean(g * x_hat)) / std with g = gy * gamma and the
            # means over the normalised axes; gamma varies along them, so it stays inside.
            g = gy if gamma is None else gy * gamma
            n = x_hat.size // max(self.inv_std.size, 1)
            gx = x_hat * (_sum_of_products(g, x_hat, rows) / n)
            gx += g.mean(axis=axes, keepdims=True)
            np.subtract(g, gx, out=gx)
            gx *= self.inv_std
        return gx, ggamma, gbeta


def layer_norm(x, gamma=None, beta=None, axis=-1, epsilon=1e-3):
    """Layer normalisation: each sample standardised over its feature axes.

    mean and var (biased) are taken over ``axis`` separately for every position of the other
    axes: y = gamma * (x - mean) / sqrt(var + epsilon) + beta, as Keras's LayerNormalization.

    Args:
        x: floating-point Tensor or array.
        gamma: scale with the shape of x on ``axis`` (in increasing axis order), or None.
        beta: offset of the same shape, or None.
        axis: int or tuple of ints, the axes normalised together (the features).
        epsilon: added to the variance before the square root (Keras default 1e-3).

    Returns:
        The normalised Tensor, x's shape.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.ops.layer_norm(np.array([[1.0, 3.0], [10.0, 30.0]]), epsilon=0.0).numpy()
        array([[-1.,  1.],
               [-1.,  1.]])
    """
    x, gamma, beta = _operand(x), _operand(gamma), _operand(beta)
    data = _data(x)
    _check_float("layer_norm", data)
    axes = _normalize_axes("layer_norm", axis, data.shape)
    _check_param("layer_norm", "gamma", gamma, data.shape, axes)
    _check_param("layer_norm", "beta", beta, data.shape, axes)
    return LayerNorm.apply(x, gamma, beta, axes=axes, epsilon=epsilon)
