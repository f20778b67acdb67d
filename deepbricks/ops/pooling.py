"""Pooling on channels-last data: max and average over windows, and global pooling.

Window pooling is separable, so the forward pass reduces one spatial axis at a time: along
an axis, the p strided views that the p window offsets see are combined with a running
``np.maximum`` (or sum). Nothing is copied window by window; a 3x3 pool costs 3 + 3 passes
instead of 9.

The backward pass visits the window offsets in row-major order. Max-pool backward sends
each output's gradient to the first cell of its window that holds the maximum (as PyTorch
does) and adds where overlapping windows share a cell; it finds that cell again from the
saved input and output, so inference pays for no argmax. When the windows tile the input
exactly (strides == pool_size, sizes divisible, no padding), average-pool backward is a
single broadcast over the (batch, H/p, p, W/p, p, channels) view of the input, and max-pool
backward one comparison and one product over that view. The forward pass and the tiled
max-pool backward run on batch shards, one per thread (``backend.batch_parallel``).
"""

import math

import numpy as np

from deepbricks.autograd import Function
from deepbricks.backend import batch_parallel
from deepbricks.ops.convolution import (
    check_fits,
    check_float,
    check_rank,
    crop_spatial,
    normalize_padding,
    normalize_tuple,
    offset_slices,
    output_sizes,
    pad_spatial,
    padding_amounts,
)

__all__ = [
    "avg_pool1d",
    "avg_pool2d",
    "global_avg_pool1d",
    "global_avg_pool2d",
    "global_max_pool1d",
    "global_max_pool2d",
    "max_pool1d",
    "max_pool2d",
]


def _lowest(dtype):
    return -np.inf if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).min


def _real_counts(spatial, pads, pool, strides, out, dtype):
    """Unpadded cells in each window, shape (*out, 1): the divisor of 'same' average pooling."""
    counts = np.ones((), dtype)
    for n, (before, _), p, s, o in zip(spatial, pads, pool, strides, out, strict=True):
        start = np.arange(o) * s - before
        per_axis = np.minimum(start + p, n) - np.maximum(start, 0)
        counts = np.multiply.outer(counts, per_axis.astype(dtype))
    return counts[..., None]


def _reduce_windows(out, xp, pool, strides, combine):
    """Combines each window's cells into ``out``, one spatial axis at a time (max and sum are
    separable); the last axis's result is written into ``out`` directly."""
    y = xp
    last = len(pool)
    for axis, (p, s) in enumerate(zip(pool, strides, strict=True), start=1):
        n = (y.shape[axis] - p) // s + 1
        views = [y[(slice(None),) * axis + (slice(a, a + (n - 1) * s + 1, s),)] for a in range(p)]
        target = out if axis == last else np.empty(views[0].shape, xp.dtype)
        if p == 1:
            np.copyto(target, views[0])
        else:
            combine(views[0], views[1], out=target)
        y = target
        for view in views[2:]:
            combine(y, view, out=y)
    return y


class Pool(Function):
    """Max or average over sliding windows of the spatial axes of channels-last x."""

    def __init__(self, mode, pool, strides, pads):
        self.mode, self.pool, self.strides, self.pads = mode, pool, strides, pads

    def _cells(self, offset):
        """The cell that window offset ``offset`` sees, for every output at once."""
        return offset_slices(offset, self.out, self.strides, (1,) * len(self.pool))

    def forward(self, x):
        padded = any(a or b for a, b in self.pads)
        self.tiled = (
            not padded
            and self.strides == self.pool
            and not any(n % p for n, p in zip(x.shape[1:-1], self.pool, strict=True))
        )
        out = output_sizes(
            tuple(n + a + b for n, (a, b) in zip(x.shape[1:-1], self.pads, strict=True)),
            self.pool, self.strides, (1,) * len(self.pool),
        )
        shape = (x.shape[0],) + out + x.shape[-1:]
        if self.mode == "max":
            xp = pad_spatial(x, self.pads, _lowest(x.dtype))
            y = batch_parallel(
                lambda out, v: _reduce_windows(out, v, self.pool, self.strides, np.maximum),
                np.empty(shape, x.dtype), xp,
            )
            self.xp, self.y = xp, y
        else:
            xp = pad_spatial(x, self.pads)
            y = batch_parallel(
                lambda out, v: _reduce_windows(out, v, self.pool, self.strides, np.add),
                np.empty(shape, x.dtype), xp,
            )
            self.divisor = float(math.prod(self.pool))
            if padded:
                self.divisor = _real_counts(
                    x.shape[1:-1], self.pads, self.pool, self.strides, y.shape[1:-1], x.dtype
                )
            y /= self.divisor
            self.padded_shape = xp.shape
        self.out = y.shape[1:-1]
        return y

    def backward(self, gy):
        if self.mode == "avg":
            return (self._avg_backward(gy),)
        return (self._max_backward(gy),)

    def _avg_backward(self, gy):
        share = gy / self.divisor
        if self.tiled:
            blocks = [d for o, p in zip(self.out, self.pool, strict=True) for d in (o, p)]
            window_axes = tuple(range(2, 2 * len(self.pool) + 1, 2))
            tiles = np.broadcast_to(
                np.expand_dims(share, window_axes), (gy.shape[0], *blocks, gy.shape[-1])
            )
            return tiles.reshape(self.padded_shape)
        gxp = np.zeros(self.padded_shape, gy.dtype)
        for offset in np.ndindex(*self.pool):
            gxp[self._cells(offset)] += share
        return crop_spatial(gxp, self.pads)

    def _max_backward(self, gy):
        if self.tiled:
            return batch_parallel(
                self._max_backward_tiled, np.empty(self.xp.shape, gy.dtype), gy, self.xp, self.y
            )
        gxp = np.zeros(self.xp.shape, gy.dtype)
        unclaimed = np.ones(self.y.shape, bool)
        offsets = list(np.ndindex(*self.pool))
        for k, offset in enumerate(offsets):
            cells = self._cells(offset)
            # Offsets run in row-major order, so the first maximum claims the gradient and
            # later ties in the same window find it taken.
            hit = self.xp[cells] == self.y
            hit &= unclaimed
            gxp[cells] += gy * hit
            if k + 1 < len(offsets):
                unclaimed ^= hit
        return crop_spatial(gxp, self.pads)

    def _max_backward_tiled(self, out, gy, xp, y):
        """Max-pool backward when each cell lies in exactly one window.

        Over the (batch, H/p, p, W/p, p, channels) view of x, one comparison with the
        broadcast output marks every maximum; ties are settled on those one-byte masks, and
        a single broadcast product writes the whole gradient, with no zeroing and no adds.
        """
        nd = len(self.pool)
        blocks = [d for o, p in zip(self.out, self.pool, strict=True) for d in (o, p)]
        window_axes = tuple(range(2, 2 * nd + 1, 2))
        hit = xp.reshape((gy.shape[0], *blocks, gy.shape[-1])) == np.expand_dims(y, window_axes)
        offsets = list(np.ndindex(*self.pool))
        taken = None
        for k, offset in enumerate(offsets):
            cells = hit[(slice(None),) + sum(((slice(None), i) for i in offset), ()) + (...,)]
            # Row-major order again: a later tie in a window already taken is dropped.
            if taken is None:
                taken = cells.copy()
                continue
            np.greater(cells, taken, out=cells)
            if k + 1 < len(offsets):
                taken |= cells
        np.multiply(hit, np.expand_dims(gy, window_axes), out=out.reshape(hit.shape))


def _pool(op, mode, x, nd, pool_size, strides, padding):
    shape = check_rank(op, x, nd)
    if mode == "avg":
        check_float(op, x)
    pool = normalize_tuple(pool_size, nd, "pool_size", op)
    strides = pool if strides is None else normalize_tuple(strides, nd, "strides", op)
    padding = normalize_padding(padding, op)
    pads = padding_amounts(shape[1:-1], pool, strides, (1,) * nd, padding)
    check_fits(op, shape[1:-1], pads, pool, (1,) * nd, padding)
    return Pool.apply(x, mode=mode, pool=pool, strides=strides, pads=pads)


def max_pool2d(x, pool_size, strides=None, padding="valid"):
    """2-D max pooling of channels-last images.

    y[n, i, j, c] = max_{0 <= a < ph, 0 <= b < pw} xp[n, i*sh + a, j*sw + b, c]

    with xp padded by -inf for 'same' (Keras's split: the odd cell after), so padding never
    wins. The gradient goes to the first maximum of each window and adds up where
    overlapping windows (strides < pool_size, e.g. AlexNet's 3x3 pool with stride 2) pick
    the same cell.

    Args:
        x: input, shape (batch, height, width, channels).
        pool_size: int or (ph, pw).
        strides: int or (sh, sw); defaults to pool_size.
        padding: 'valid' or 'same'.

    Returns:
        Tensor of shape (batch, out_h, out_w, channels).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.arange(16.0, dtype="float32").reshape(1, 4, 4, 1)
        >>> db.ops.max_pool2d(x, 2)[0, ..., 0]
        Tensor([[ 5.,  7.],
                [13., 15.]], dtype=float32)
    """
    return _pool("max_pool2d", "max", x, 2, pool_size, strides, padding)


def avg_pool2d(x, pool_size, strides=None, padding="valid"):
    """2-D average pooling of channels-last images.

    y[n, i, j, c] = sum_{a, b} xp[n, i*sh + a, j*sw + b, c] / count[i, j]

    where count is ph*pw for 'valid' and, for 'same', the number of real (unpadded) cells in
    the window, as Keras: padding never dilutes the average.

    Args:
        x: input, shape (batch, height, width, channels).
        pool_size: int or (ph, pw).
        strides: int or (sh, sw); defaults to pool_size.
        padding: 'valid' or 'same'.

    Returns:
        Tensor of shape (batch, out_h, out_w, channels).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.arange(9.0, dtype="float32").reshape(1, 3, 3, 1)
        >>> db.ops.avg_pool2d(x, 2, padding="same")[0, ..., 0]
        Tensor([[2. , 3.5],
                [6.5, 8. ]], dtype=float32)
    """
    return _pool("avg_pool2d", "avg", x, 2, pool_size, strides, padding)


def max_pool1d(x, pool_size, strides=None, padding="valid"):
    """1-D max pooling of channels-last sequences: y[n, t, c] = max_a xp[n, t*s + a, c].

    See :func:`max_pool2d` for padding and gradient routing.

    Args:
        x: input, shape (batch, length, channels).
        pool_size: int.
        strides: int; defaults to pool_size.
        padding: 'valid' or 'same'.

    Returns:
        Tensor of shape (batch, out_length, channels).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.array([[[1.0], [3.0], [2.0], [0.0]]], "float32")
        >>> db.ops.max_pool1d(x, 2)[0, :, 0]
        Tensor([3., 2.], dtype=float32)
    """
    return _pool("max_pool1d", "max", x, 1, pool_size, strides, padding)


def avg_pool1d(x, pool_size, strides=None, padding="valid"):
    """1-D average pooling: y[n, t, c] = sum_a xp[n, t*s + a, c] / count[t].

    See :func:`avg_pool2d` for the 'same' divisor.

    Args:
        x: input, shape (batch, length, channels).
        pool_size: int.
        strides: int; defaults to pool_size.
        padding: 'valid' or 'same'.

    Returns:
        Tensor of shape (batch, out_length, channels).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.array([[[1.0], [3.0], [2.0]]], "float32")
        >>> db.ops.avg_pool1d(x, 2, padding="same")[0, :, 0]
        Tensor([2., 2.], dtype=float32)
    """
    return _pool("avg_pool1d", "avg", x, 1, pool_size, strides, padding)


class GlobalPool(Function):
    """Mean or max over all spatial axes of channels-last x."""

    def __init__(self, mode, keepdims):
        self.mode, self.keepdims = mode, keepdims

    def forward(self, x):
        self.axes = tuple(range(1, x.ndim - 1))
        reduce = np.max if self.mode == "max" else np.mean
        y = reduce(x, axis=self.axes, keepdims=True)
        if self.mode == "max":
            self.x, self.y = x, y
        else:
            self.shape, self.count = x.shape, math.prod(x.shape[1:-1])
        return y if self.keepdims else y.reshape(x.shape[0], x.shape[-1])

    def backward(self, gy):
        gy = gy.reshape(gy.shape[:1] + (1,) * len(self.axes) + gy.shape[-1:])
        if self.mode == "avg":
            return (np.broadcast_to(gy / float(self.count), self.shape),)
        # Ties share the gradient equally, as Keras's (and TensorFlow's) reduce-max does.
        winners = self.x == self.y
        return (winners * (gy / winners.sum(axis=self.axes, keepdims=True)),)


def _global(op, mode, x, nd, keepdims):
    check_rank(op, x, nd)
    if mode == "avg":
        check_float(op, x)
    return GlobalPool.apply(x, mode=mode, keepdims=bool(keepdims))


def global_avg_pool2d(x, keepdims=False):
    """Mean over height and width: y[n, c] = sum_{i, j} x[n, i, j, c] / (H * W).

    Args:
        x: input, shape (batch, height, width, channels).
        keepdims: keep the spatial axes with length 1, giving (batch, 1, 1, channels).

    Returns:
        Tensor of shape (batch, channels), or (batch, 1, 1, channels) with keepdims.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.ops.global_avg_pool2d(np.ones((2, 3, 3, 4), "float32")).shape
        (2, 4)
    """
    return _global("global_avg_pool2d", "avg", x, 2, keepdims)


def global_max_pool2d(x, keepdims=False):
    """Max over height and width: y[n, c] = max_{i, j} x[n, i, j, c].

    The gradient is shared equally among tied maxima, as Keras's GlobalMaxPooling2D.

    Args:
        x: input, shape (batch, height, width, channels).
        keepdims: keep the spatial axes with length 1.

    Returns:
        Tensor of shape (batch, channels), or (batch, 1, 1, channels) with keepdims.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.arange(8.0, dtype="float32").reshape(1, 2, 2, 2)
        >>> db.ops.global_max_pool2d(x)
        Tensor([[6., 7.]], dtype=float32)
    """
    return _global("global_max_pool2d", "max", x, 2, keepdims)


def global_avg_pool1d(x, keepdims=False):
    """Mean over time: y[n, c] = sum_t x[n, t, c] / L.

    Args:
        x: input, shape (batch, length, channels).
        keepdims: keep the time axis with length 1.

    Returns:
        Tensor of shape (batch, channels), or (batch, 1, channels) with keepdims.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.ops.global_avg_pool1d(np.array([[[1.0], [3.0]]], "float32"))
        Tensor([[2.]], dtype=float32)
    """
    return _global("global_avg_pool1d", "avg", x, 1, keepdims)


def global_max_pool1d(x, keepdims=False):
    """Max over time: y[n, c] = max_t x[n, t, c]; tied maxima share the gradient.

    Args:
        x: input, shape (batch, length, channels).
        keepdims: keep the time axis with length 1.

    Returns:
        Tensor of shape (batch, channels), or (batch, 1, channels) with keepdims.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.ops.global_max_pool1d(np.array([[[1.0], [3.0]]], "float32"))
        Tensor([[3.]], dtype=float32)
    """
    return _global("global_max_pool1d", "max", x, 1, keepdims)
