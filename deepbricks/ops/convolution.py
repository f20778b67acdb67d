"""Convolutions on channels-last data: conv1d, conv2d, conv2d_transpose, depthwise_conv2d.

Every convolution here is a cross-correlation (the kernel is not flipped), as in Keras. The
forward pass lays the input's receptive fields side by side as rows of a matrix (im2col: a
strided view of the padded input, copied) and multiplies it by the kernel. The kernel
gradient is the transposed product of the same rows with the output gradient. The input
gradient is, for stride 1 with no more filters than channels, a convolution of the padded
output gradient with the flipped kernel (one more im2col product); otherwise each kernel
offset's product with the output gradient is added back onto the cells it saw.

Two things make this fast on a CPU with NumPy: the im2col rows are built for one
cache-sized group of images at a time (never the whole matrix, 9x the input for a 3x3
kernel), and the batch is split into one shard per thread (``backend.parallel_shards``), so
that the copies and scatters, which NumPy runs on one core, use every core as the products do.

Shapes, channels-last: x is (batch, *spatial, channels); a conv kernel is
(*kernel_size, in_channels, filters), Keras's layout.

The helpers without a leading underscore (``check_rank``, ``normalize_tuple``,
``padding_amounts``, ``offset_slices``, ...) are shared with the pooling and resampling ops.
"""

import math

import numpy as np

from deepbricks.autograd import Function, Tensor
from deepbricks.backend import batch_parallel, parallel_shards
from deepbricks.ops.activation import activate_in_place, activation_grad, check_fusable

__all__ = ["conv1d", "conv2d", "conv2d_transpose", "depthwise_conv2d"]

_LAYOUT = {1: "(batch, length, channels)", 2: "(batch, height, width, channels)"}


# ----------------------------------------------------------------------------------------
# Argument checks and geometry, shared with pooling.py
# ----------------------------------------------------------------------------------------


def check_rank(op, x, nd):
    """The shape of channels-last ``x``, or a ValueError when it lacks nd + 2 axes."""
    shape = x.shape if isinstance(x, (Tensor, np.ndarray)) else np.shape(x)
    if len(shape) != nd + 2:
        raise ValueError(
            f"{op}: expected a {nd + 2}-D input {_LAYOUT[nd]}, received shape {shape}. "
            f"Add a batch axis (x[None]) or a channel axis (x[..., None]) as needed."
        )
    return shape


def check_float(op, x):
    """Raises a TypeError for integer or boolean input, which an op would silently round."""
    dtype = x.dtype if isinstance(x, (Tensor, np.ndarray)) else np.asarray(x).dtype
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(
            f"{op}: expected a floating-point input, received dtype {dtype}; convert it "
            f"first, e.g. x.astype('float32')."
        )


def normalize_tuple(value, n, name, op, minimum=1):
    """``value`` (an int, or a sequence of ``n`` ints) as a tuple of ``n`` ints >= minimum."""
    items = (value,) * n if isinstance(value, (int, np.integer)) else value
    try:
        items = tuple(items)
        valid = len(items) == n and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= minimum
            for v in items
        )
    except TypeError:
        valid = False
    if not valid or isinstance(value, bool):
        kind = "positive" if minimum == 1 else "non-negative"
        shape = "" if n == 1 else f" or a tuple of {n} {kind} ints"
        raise ValueError(f"{op}: {name} must be a {kind} int{shape}; received {name}={value!r}.")
    return tuple(int(v) for v in items)


def normalize_padding(padding, op, allowed=("valid", "same")):
    """The lower-cased padding mode, or a ValueError listing the allowed ones."""
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in allowed:
        choices = " or ".join(repr(a) for a in allowed)
        raise ValueError(f"{op}: padding must be {choices}; received padding={padding!r}.")
    return mode


def same_padding(size, kernel, stride, dilation=1):
    """Keras's 'same' split: (before, after) with the odd cell after, output ceil(size / s)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def padding_amounts(spatial, kernel, strides, dilation, padding):
    """(before, after) per spatial axis for 'valid', 'same' (Keras split) or 'causal'."""
    if padding == "valid":
        return tuple((0, 0) for _ in spatial)
    if padding == "causal":
        return tuple(((k - 1) * d, 0) for k, d in zip(kernel, dilation, strict=True))
    return tuple(
        same_padding(n, k, s, d)
        for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True)
    )


def output_sizes(padded, kernel, strides, dilation):
    """Number of windows along each spatial axis of the padded input."""
    return tuple(
        (n - (k - 1) * d - 1) // s + 1
        for n, k, s, d in zip(padded, kernel, strides, dilation, strict=True)
    )


def check_fits(op, spatial, pads, kernel, dilation, padding):
    """Raises when the dilated window is larger than the padded input."""
    reach = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation, strict=True))
    if any(n + a + b < r for n, (a, b), r in zip(spatial, pads, reach, strict=True)):
        raise ValueError(
            f"{op}: the input's spatial shape {tuple(spatial)} is smaller than the "
            f"{'dilated ' if max(dilation) > 1 else ''}window {reach} with "
            f"padding={padding!r}; use padding='same' or a larger input."
        )


def offset_slices(offset, out, strides, dilation):
    """Slices of the padded input that kernel offset ``offset`` sees, one cell per output."""
    return (slice(None),) + tuple(
        slice(i * d, i * d + (o - 1) * s + 1, s)
        for i, o, s, d in zip(offset, out, strides, dilation, strict=True)
    )


def pad_spatial(x, pads, value=0):
    """Pads the spatial axes of channels-last ``x``; returns ``x`` itself when nothing to pad."""
    if not any(a or b for a, b in pads):
        return x
    shape = (x.shape[0],) + tuple(
        n + a + b for n, (a, b) in zip(x.shape[1:-1], pads, strict=True)
    ) + x.shape[-1:]
    padded = np.empty(shape, x.dtype)
    return batch_parallel(lambda out, v: _pad_into(out, v, pads, value), padded, x)


def _pad_into(out, x, pads, value):
    """Writes x into the middle of ``out`` and ``value`` into its borders (as np.pad)."""
    for axis, (before, after) in enumerate(pads, start=1):
        lead = (slice(None),) * axis
        out[lead + (slice(0, before),)] = value
        out[lead + (slice(out.shape[axis] - after, None),)] = value
    out[crop_slices(out.shape, pads)] = x


def crop_spatial(x, pads):
    """Inverse of :func:`pad_spatial` (a view)."""
    return x[crop_slices(x.shape, pads)]


def crop_slices(shape, pads):
    """The index of the unpadded cells of a padded channels-last array of ``shape``."""
    return (
        (slice(None),)
        + tuple(slice(a, shape[i + 1] - b) for i, (a, b) in enumerate(pads))
        + (slice(None),)
    )


def _windows(xp, out, kernel, strides, dilation):
    """A read-only view (batch, *out, *kernel, channels) of every receptive field of ``xp``."""
    sb, *ss, sc = xp.strides
    shape = (xp.shape[0],) + tuple(out) + tuple(kernel) + (xp.shape[-1],)
    step = tuple(st * s for st, s in zip(ss, strides, strict=True))
    reach = tuple(st * d for st, d in zip(ss, dilation, strict=True))
    return np.lib.stride_tricks.as_strided(xp, shape, (sb,) + step + reach + (sc,), writeable=False)


def _im2col(xp, out, kernel, strides, dilation, ones_column=False):
    """The receptive fields as rows: (batch * prod(out), prod(kernel) * channels), one copy.

    With ``ones_column`` a last column of ones is appended, so that a bias stacked under the
    kernel matrix is added by the same product (and its gradient comes out of one, too).
    """
    rows = xp.shape[0] * math.prod(out)
    if not ones_column:
        return _windows(xp, out, kernel, strides, dilation).reshape(rows, -1)
    cols = np.empty((rows, math.prod(kernel) * xp.shape[-1] + 1), xp.dtype)
    cols[:, -1] = 1
    return _fill_im2col(cols, xp, out, kernel, strides, dilation)


def _fill_im2col(cols, xp, out, kernel, strides, dilation):
    """Copies the receptive fields of ``xp`` into the first columns of ``cols``; returns it."""
    windows = _windows(xp, out, kernel, strides, dilation)
    # Splitting the axes of cols[:, :width] never needs a copy, so this writes into cols.
    cols[:, : math.prod(windows.shape[-len(kernel) - 1 :])].reshape(windows.shape)[...] = windows
    return cols


def _image_groups(images, per_image, row_bytes):
    """Consecutive slices of the batch whose im2col rows take about _GROUP_BYTES (>= 1 image)."""
    step = max(1, _GROUP_BYTES // (per_image * row_bytes))
    return [slice(start, min(start + step, images)) for start in range(0, images, step)]


def _grouped_im2col(xp, out, kernel, strides, dilation, ones_column=False):
    """Yields (rows, cols): the im2col matrix of one group of images at a time.

    ``rows`` slices the whole batch's im2col rows; ``cols`` is that group's part, written
    into one buffer reused by every group. A group's columns stay in cache between their
    copy and the product that reads them, and the whole matrix (9x the input for a 3x3
    kernel, 25x for 5x5) is never allocated.
    """
    per_image = math.prod(out)
    width = math.prod(kernel) * xp.shape[-1]
    groups = _image_groups(xp.shape[0], per_image, (width + ones_column) * xp.itemsize)
    buffer = np.empty(((groups[0].stop - groups[0].start) * per_image, width + ones_column),
                      xp.dtype)
    if ones_column:
        buffer[:, -1] = 1
    for images in groups:
        rows = _image_rows(images, per_image)
        cols = buffer[: rows.stop - rows.start]
        yield rows, _fill_im2col(cols, xp[images], out, kernel, strides, dilation)


def _image_rows(images, per_image):
    """The rows of a (batch * per_image, ...) matrix that belong to a slice of images."""
    return slice(images.start * per_image, images.stop * per_image)


def _scatter_product(g, weights, padded_shape, out, kernel, strides, dilation):
    """Sum over windows of ``g @ weights^T``, each row added onto the cells its window covers.

    The adjoint of ``_im2col(xp) @ weights``: the input gradient of a convolution (g is the
    output gradient) and the forward pass of a transposed one. It goes one kernel offset
    (tap) at a time: each tap's product is a contiguous (rows, C) slab whose strided add runs
    over whole image rows, faster than scattering the columns of one big ``g @ weights^T``
    (measured 1.3-1.8x), whose entries for one tap lie C apart in memory. Images go in
    cache-sized groups, so that a group's cells stay in cache across its taps.

    Args:
        g: (batch * prod(out), F) one row per window.
        weights: (prod(kernel) * C, F), the kernel as a matrix.
        padded_shape: (batch, *padded_spatial, C), the shape of the result.

    Returns:
        Array of shape ``padded_shape``.
    """
    acc = np.zeros(padded_shape, np.result_type(g, weights))
    per_image, channels = math.prod(out), padded_shape[-1]
    taps = weights.reshape(-1, channels, weights.shape[-1])
    offsets = [offset_slices(o, out, strides, dilation) for o in np.ndindex(*kernel)]

    def shard(images):
        target, rows = acc[images], g[_image_rows(images, per_image)]
        for group in _image_groups(len(target), per_image, weights.shape[0] * acc.itemsize):
            cells_of_group, rows_of_group = target[group], rows[_image_rows(group, per_image)]
            slab = (group.stop - group.start,) + tuple(out) + (channels,)
            for tap, cells in zip(taps, offsets):
                # Windows overlap whenever stride < kernel reach, so each tap adds.
                cells_of_group[cells] += (rows_of_group @ tap.T).reshape(slab)

    parallel_shards(shard, padded_shape[0])
    return acc


def _full_correlation(gy, kernel, input_spatial, pads, dilation):
    """The input gradient of a stride-1 convolution as a convolution of the output gradient.

    gx[i] = sum_a gy[i + pad_before - a*d] @ kernel[a]^T is a cross-correlation of gy, padded
    by (k - 1)*d - pad on each side, with the kernel flipped in space and its channel axes
    swapped; the im2col product then has K = prod(kernel) * F columns and no overlapping
    scatter. When the input has at least as many channels as the output, this is faster than
    :func:`_scatter_product` (measured 1.3-1.4x on 3x3 kernels with 16-32 channels); with
    more filters than channels, copying the wider gradient's columns costs more than
    scattering (1.5x slower on the course CNN's 32 -> 64 channel 5x5 layer).
    """
    ksize, channels = kernel.shape[:-2], kernel.shape[-2]
    flipped = kernel[(slice(None, None, -1),) * len(ksize)].swapaxes(-1, -2)
    weights = np.ascontiguousarray(flipped).reshape(-1, channels)
    full = tuple(
        ((k - 1) * d - before, (k - 1) * d - after)
        for k, d, (before, after) in zip(ksize, dilation, pads, strict=True)
    )
    gyp = pad_spatial(gy, full)
    per_image = math.prod(input_spatial)
    gx = np.empty((gy.shape[0] * per_image, channels), np.result_type(gy, weights))
    ones = (1,) * len(ksize)

    def shard(images):
        target = gx[_image_rows(images, per_image)]
        for rows, cols in _grouped_im2col(gyp[images], input_spatial, ksize, ones, dilation):
            np.matmul(cols, weights, out=target[rows])

    parallel_shards(shard, gy.shape[0])
    return gx.reshape((gy.shape[0],) + tuple(input_spatial) + (channels,))


# Size of one image group's im2col rows: products on a group of about 3 MiB ran 10-20 %
# faster per core than on 12 MiB (the course CNN's 5x5 layer: 97 against 82 GFLOP/s).
_GROUP_BYTES = 3 << 20
# Below this many input channels, the im2col matrix is small: keep it from the forward pass.
_THIN_CHANNELS = 8


def _shape(x):
    return x.shape if isinstance(x, (Tensor, np.ndarray)) else np.shape(x)


def _as_input(x):
    return x if isinstance(x, (Tensor, np.ndarray)) else np.asarray(x)


# Per op: spatial rank, the kernel layout, the kernel axis that must match the input's
# channels, and the number of output channels (the bias length) for a kernel shape.
_KERNELS = {
    "conv1d": (1, "(kernel_size, in_channels, filters)", -2, lambda ks: ks[-1]),
    "conv2d": (2, "(kernel_h, kernel_w, in_channels, filters)", -2, lambda ks: ks[-1]),
    "conv2d_transpose": (2, "(kernel_h, kernel_w, filters, in_channels)", -1, lambda ks: ks[-2]),
    "depthwise_conv2d": (
        2,
        "(kernel_h, kernel_w, channels, depth_multiplier)",
        -2,
        lambda ks: ks[-2] * ks[-1],
    ),
}


def _check_conv_args(op, x, kernel, bias):
    """Ranks, channel agreement and bias shape, with messages that name the shapes."""
    nd, layout, in_axis, out_channels = _KERNELS[op]
    xs, ks = check_rank(op, x, nd), _shape(kernel)
    if len(ks) != nd + 2:
        raise ValueError(f"{op}: expected a {nd + 2}-D kernel {layout}, received shape {ks}.")
    if ks[in_axis] != xs[-1]:
        raise ValueError(
            f"{op}: input has {xs[-1]} channels but kernel expects {ks[in_axis]} "
            f"(kernel shape {ks}, input shape {xs})"
        )
    if bias is not None and _shape(bias) != (out_channels(ks),):
        raise ValueError(
            f"{op}: bias must have shape ({out_channels(ks)},), one value per output channel; "
            f"received shape {_shape(bias)}."
        )


def _inputs(op, x, kernel, bias):
    """x, kernel and bias as Tensors or arrays, checked against each other."""
    x, kernel = _as_input(x), _as_input(kernel)
    bias = None if bias is None else _as_input(bias)
    _check_conv_args(op, x, kernel, bias)
    return x, kernel, bias


def _prepare(op, x, kernel, bias, strides, padding, dilation_rate, paddings=("valid", "same")):
    """Checked inputs, strides, dilation and (before, after) pads of a forward convolution."""
    x, kernel, bias = _inputs(op, x, kernel, bias)
    nd = _KERNELS[op][0]
    strides = normalize_tuple(strides, nd, "strides", op)
    dilation = normalize_tuple(dilation_rate, nd, "dilation_rate", op)
    padding = normalize_padding(padding, op, paddings)
    ksize, spatial = _shape(kernel)[:nd], _shape(x)[1:-1]
    pads = padding_amounts(spatial, ksize, strides, dilation, padding)
    check_fits(op, spatial, pads, ksize, dilation, padding)
    return x, kernel, bias, strides, dilation, pads


# ----------------------------------------------------------------------------------------
# Convolution
# ----------------------------------------------------------------------------------------


class Conv(Function):
    """N-d cross-correlation of channels-last x with a (*kernel, C, F) kernel, bias fused.

    The bias is the weight of a constant-1 column appended to the im2col matrix, so forward
    adds it inside the matrix product; an activation (relu, tanh, sigmoid) then runs in
    place on the product. Both passes build the im2col matrix one cache-sized group of
    images at a time, except for thin inputs (images with a few channels), whose small
    matrix is kept from forward for one efficient kernel-gradient product.
    """

    def __init__(self, strides, dilation, pads, activation="linear"):
        self.strides, self.dilation, self.pads = strides, dilation, pads
        self.activation = activation

    def forward(self, x, kernel, bias=None):
        xp = pad_spatial(x, self.pads)
        ksize, filters = kernel.shape[:-2], kernel.shape[-1]
        out = output_sizes(xp.shape[1:-1], ksize, self.strides, self.dilation)
        weights = kernel.reshape(-1, filters)
        if bias is not None:
            weights = np.concatenate([weights, bias.reshape(1, filters).astype(weights.dtype)])
        geometry = (out, ksize, self.strides, self.dilation, bias is not None)
        per_image = math.prod(out)
        y = np.empty((x.shape[0] * per_image, filters), np.result_type(xp, weights))
        cols = None
        if xp.shape[-1] < _THIN_CHANNELS:
            cols = np.empty((len(y), len(weights)), xp.dtype)
            if bias is not None:
                cols[:, -1] = 1

        def shard(images):
            rows = _image_rows(images, per_image)
            if cols is not None:
                _fill_im2col(cols[rows], xp[images], *geometry[:-1])
                activate_in_place(np.matmul(cols[rows], weights, out=y[rows]), self.activation)
                return
            target = y[rows]
            for part, group_cols in _grouped_im2col(xp[images], *geometry):
                # While the group's product is still in cache.
                np.matmul(group_cols, weights, out=target[part])
                activate_in_place(target[part], self.activation)

        parallel_shards(shard, x.shape[0])
        self.cols = self.xp = None
        if self.needs_input_grad[1]:
            if cols is not None:
                self.cols = cols
            else:
                self.xp = xp
        if self.activation != "linear":
            self.y = y
        self.kernel, self.x_shape, self.out = kernel, x.shape, out
        return y.reshape((x.shape[0],) + out + (filters,))

    def backward(self, gy):
        gy2 = gy.reshape(-1, gy.shape[-1])
        if self.activation != "linear":
            gy2 = batch_parallel(
                lambda out, g, y: activation_grad(g, y, self.activation, out),
                np.empty(gy2.shape, np.result_type(gy2, self.y)), gy2, self.y,
            )
        x, kernel, bias = self.inputs
        ksize, filters = kernel.shape[:-2], kernel.shape[-1]
        per_image = math.prod(self.out)
        gx = gk = gb = None
        if self.cols is not None:

            def shard(images):
                rows = _image_rows(images, per_image)
                return self.cols[rows].T @ gy2[rows]

            # With a bias, the last row is the bias gradient (the ones column times gy).
            g = sum(parallel_shards(shard, self.x_shape[0]))
            gk = g[: kernel.size // filters].reshape(kernel.shape)
            if self.needs_input_grad[2]:
                gb = g[-1]
        elif self.xp is not None:
            geometry = (self.out, ksize, self.strides, self.dilation)

            def shard(images):
                g = gy2[_image_rows(images, per_image)]
                partial = np.zeros((kernel.size // filters, filters), np.result_type(g, self.xp))
                for rows, cols in _grouped_im2col(self.xp[images], *geometry):
                    partial += cols.T @ g[rows]
                return partial

            gk = sum(parallel_shards(shard, self.x_shape[0])).reshape(kernel.shape)
        if self.needs_input_grad[2] and gb is None:
            # A product with a ones row is one BLAS call, several times faster than sum(0).
            gb = np.ones(len(gy2), gy2.dtype) @ gy2
        if self.needs_input_grad[0]:
            gx = self._input_grad(gy2)
        return (
            None if gx is None else gx.astype(x.dtype, copy=False),
            None if gk is None else gk.astype(kernel.dtype, copy=False),
            None if gb is None else gb.astype(bias.dtype, copy=False),
        )

    def _input_grad(self, gy2):
        kernel, x_shape = self.kernel, self.x_shape
        channels, filters = kernel.shape[-2:]
        if max(self.strides) == 1 and filters <= channels:
            gy = gy2.reshape((x_shape[0],) + self.out + (filters,))
            return _full_correlation(gy, kernel, x_shape[1:-1], self.pads, self.dilation)
        padded = (x_shape[0],) + tuple(
            n + a + b for n, (a, b) in zip(x_shape[1:-1], self.pads, strict=True)
        ) + (channels,)
        gxp = _scatter_product(
            gy2, kernel.reshape(-1, filters), padded, self.out, kernel.shape[:-2],
            self.strides, self.dilation,
        )
        return crop_spatial(gxp, self.pads)


def conv2d(
    x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, activation=None
):
    """2-D convolution (cross-correlation) of channels-last images, with an optional bias.

    z[n, i, j, f] = bias[f] + sum_{a, b, c} xp[n, i*sh + a*dh, j*sw + b*dw, c] * kernel[a, b, c, f]
    y = activation(z)

    where xp is x zero-padded: nothing for 'valid'; for 'same' a total of
    max((out - 1)*s + (k - 1)*d + 1 - n, 0) cells per axis with out = ceil(n / s), half
    before and the odd cell after (Keras's split).

    Args:
        x: input, shape (batch, height, width, in_channels).
        kernel: shape (kernel_h, kernel_w, in_channels, filters), Keras's layout.
        bias: optional, shape (filters,).
        strides: int or (sh, sw).
        padding: 'valid' or 'same'.
        dilation_rate: int or (dh, dw); the kernel's taps are dilation_rate cells apart.
        activation: None (or 'linear'), 'relu', 'tanh' or 'sigmoid', applied in place on
            the product; backward takes its derivative from y alone (as ops.dense does).

    Returns:
        Tensor of shape (batch, out_h, out_w, filters).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.ones((1, 4, 4, 1), "float32")
        >>> db.ops.conv2d(x, np.ones((3, 3, 1, 2), "float32"), padding="same")[0, :2, :2, 0]
        Tensor([[4., 6.],
                [6., 9.]], dtype=float32)
    """
    x, kernel, bias, strides, dilation, pads = _prepare(
        "conv2d", x, kernel, bias, strides, padding, dilation_rate
    )
    activation = check_fusable("conv2d", activation)
    return Conv.apply(
        x, kernel, bias, strides=strides, dilation=dilation, pads=pads, activation=activation
    )


def conv1d(
    x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, activation=None
):
    """1-D convolution (cross-correlation) of channels-last sequences, with an optional bias.

    y[n, t, f] = bias[f] + sum_{a, c} xp[n, t*s + a*d, c] * kernel[a, c, f]

    where xp is x zero-padded: nothing for 'valid', Keras's 'same' split (see
    :func:`conv2d`), or (k - 1)*d cells on the left for 'causal', so that y[t] depends only
    on x[:t + 1].

    Args:
        x: input, shape (batch, length, in_channels).
        kernel: shape (kernel_size, in_channels, filters).
        bias: optional, shape (filters,).
        strides: int.
        padding: 'valid', 'same' or 'causal'.
        dilation_rate: int.
        activation: None (or 'linear'), 'relu', 'tanh' or 'sigmoid', as in :func:`conv2d`.

    Returns:
        Tensor of shape (batch, out_length, filters).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.arange(1.0, 5.0, dtype="float32").reshape(1, 4, 1)
        >>> db.ops.conv1d(x, np.ones((2, 1, 1), "float32"), padding="causal")[0, :, 0]
        Tensor([1., 3., 5., 7.], dtype=float32)
    """
    x, kernel, bias, strides, dilation, pads = _prepare(
        "conv1d", x, kernel, bias, strides, padding, dilation_rate, ("valid", "same", "causal")
    )
    activation = check_fusable("conv1d", activation)
    return Conv.apply(
        x, kernel, bias, strides=strides, dilation=dilation, pads=pads, activation=activation
    )


# ----------------------------------------------------------------------------------------
# Transposed convolution
# ----------------------------------------------------------------------------------------


def transpose_geometry(n, kernel, stride, dilation, padding, output_padding):
    """(crop_before, out_length) of a transposed convolution along one axis, as Keras.

    The untrimmed result has (n - 1)*s + (k - 1)*d + 1 cells; the output is the window of
    out_length cells starting at crop_before (zeros past the end). Without output_padding,
    'valid' gives n*s + max(k_eff - s, 0) and 'same' gives n*s, each the exact adjoint of
    the forward convolution with that padding.
    """
    reach = (kernel - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return 0, n * stride + max(reach - stride, 0)
        return max(reach - stride, 0) // 2, n * stride
    if padding == "valid":
        return 0, (n - 1) * stride + reach + output_padding
    pad_len = reach + reach % 2 - 2 + output_padding
    crop = reach - 1 - min(pad_len - pad_len // 2, reach - 1)
    return crop, (n - 1) * stride + reach % 2 + output_padding


class ConvTranspose(Function):
    """Adjoint of :class:`Conv`: scatters each input cell's kernel-weighted copy, then trims.

    The kernel is (*kernel, F_out, C_in). Forward is the input-gradient computation of the
    convolution; backward is a convolution (for x) and a windows-times-input product (for
    the kernel), sharing one im2col of the upstream gradient.
    """

    def __init__(self, strides, dilation, crops, out):
        self.strides, self.dilation, self.crops, self.out = strides, dilation, crops, out

    def forward(self, x, kernel, bias=None):
        ksize, (f_out, c_in) = kernel.shape[:-2], kernel.shape[-2:]
        spatial = x.shape[1:-1]
        full = tuple(
            (n - 1) * s + (k - 1) * d + 1
            for n, k, s, d in zip(spatial, ksize, self.strides, self.dilation, strict=True)
        )
        buffer = tuple(max(f, c + o) for f, c, o in zip(full, self.crops, self.out, strict=True))
        self.pads = tuple(
            (c, b - c - o) for c, b, o in zip(self.crops, buffer, self.out, strict=True)
        )
        acc = _scatter_product(
            x.reshape(-1, c_in),
            kernel.reshape(-1, c_in),
            (x.shape[0],) + buffer + (f_out,),
            spatial,
            ksize,
            self.strides,
            self.dilation,
        )
        y = crop_spatial(acc, self.pads)
        y = y + bias if bias is not None else np.ascontiguousarray(y)
        if self.needs_input_grad[0] or self.needs_input_grad[1]:
            self.x, self.kernel = x, kernel
        return y

    def backward(self, gy):
        x, kernel = self.x, self.kernel
        ksize, c_in = kernel.shape[:-2], kernel.shape[-1]
        gx = gk = gb = None
        if self.needs_input_grad[0] or self.needs_input_grad[1]:
            cols = _im2col(
                pad_spatial(gy, self.pads), x.shape[1:-1], ksize, self.strides, self.dilation
            )
            if self.needs_input_grad[0]:
                gx = (cols @ kernel.reshape(-1, c_in)).reshape(x.shape)
                gx = gx.astype(x.dtype, copy=False)
            if self.needs_input_grad[1]:
                gk = (cols.T @ x.reshape(-1, c_in)).reshape(kernel.shape)
                gk = gk.astype(kernel.dtype, copy=False)
        if self.needs_input_grad[2]:
            gb = gy.reshape(-1, gy.shape[-1]).sum(axis=0).astype(self.inputs[2].dtype, copy=False)
        return gx, gk, gb


def conv2d_transpose(
    x, kernel, bias=None, strides=1, padding="valid", output_padding=None, dilation_rate=1
):
    """2-D transposed convolution ("deconvolution"): the adjoint of :func:`conv2d`.

    Each input cell x[n, i, j, :] adds kernel[:, :, :, c] weighted by x[n, i, j, c] into the
    output at rows i*sh + a*dh, columns j*sw + b*dw, then the result is trimmed to

        'valid': out = n*s + max(k_eff - s, 0);   'same': out = n*s

    (k_eff = (k - 1)*d + 1), so that <conv2d(z, K), y> == <z, conv2d_transpose(y, K)> for
    the same kernel array and padding. With ``output_padding`` p the length is
    (n - 1)*s + k_eff + p for 'valid' and (n - 1)*s + k_eff % 2 + p for 'same', as Keras.

    Args:
        x: input, shape (batch, height, width, in_channels).
        kernel: shape (kernel_h, kernel_w, filters, in_channels), Keras's Conv2DTranspose
            layout (the last two axes are reversed from conv2d's).
        bias: optional, shape (filters,).
        strides: int or (sh, sw).
        padding: 'valid' or 'same'.
        output_padding: None, an int or a pair, each smaller than the stride; extra cells
            on the bottom/right that pick between the input lengths a stride maps together.
        dilation_rate: int or (dh, dw).

    Returns:
        Tensor of shape (batch, out_h, out_w, filters).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.ones((1, 2, 2, 1), "float32")
        >>> db.ops.conv2d_transpose(x, np.ones((3, 3, 1, 1), "float32"), strides=2)[0, ..., 0]
        Tensor([[1., 1., 2., 1., 1.],
                [1., 1., 2., 1., 1.],
                [2., 2., 4., 2., 2.],
                [1., 1., 2., 1., 1.],
                [1., 1., 2., 1., 1.]], dtype=float32)
    """
    op = "conv2d_transpose"
    x, kernel, bias = _inputs(op, x, kernel, bias)
    strides = normalize_tuple(strides, 2, "strides", op)
    dilation = normalize_tuple(dilation_rate, 2, "dilation_rate", op)
    padding = normalize_padding(padding, op)
    extra = (None, None)
    if output_padding is not None:
        extra = normalize_tuple(output_padding, 2, "output_padding", op, minimum=0)
        if any(p >= s for p, s in zip(extra, strides, strict=True)):
            raise ValueError(
                f"{op}: output_padding must be smaller than strides along each axis; "
                f"received output_padding={output_padding!r} with strides={strides}."
            )
    geometry = [
        transpose_geometry(n, k, s, d, padding, p)
        for n, k, s, d, p in zip(
            _shape(x)[1:3], _shape(kernel)[:2], strides, dilation, extra, strict=True
        )
    ]
    crops, out = tuple(g[0] for g in geometry), tuple(g[1] for g in geometry)
    return ConvTranspose.apply(
        x, kernel, bias, strides=strides, dilation=dilation, crops=crops, out=out
    )


# ----------------------------------------------------------------------------------------
# Depthwise convolution
# ----------------------------------------------------------------------------------------


class DepthwiseConv(Function):
    """Each input channel convolved with its own ``multiplier`` filters; no channel mixing.

    With one small filter bank per channel there is no large matrix product to form: the
    forward pass and the kernel gradient are single ``einsum`` contractions over the
    strided window view (no im2col copy), and the input gradient scatters one tap at a
    time, as in :class:`Conv`.
    """

    def __init__(self, strides, dilation, pads):
        self.strides, self.dilation, self.pads = strides, dilation, pads

    def _subscripts(self, nd):
        """Einsum letters: n batch, (h, w) output cells, (i, j) taps, c channel, m multiplier."""
        return "hwd"[:nd], "ijk"[:nd]

    def forward(self, x, kernel, bias=None):
        xp = pad_spatial(x, self.pads)
        ksize = kernel.shape[:-2]
        out = output_sizes(xp.shape[1:-1], ksize, self.strides, self.dilation)
        cells, taps = self._subscripts(len(ksize))
        windows = _windows(xp, out, ksize, self.strides, self.dilation)
        y = np.einsum(f"n{cells}{taps}c,{taps}cm->n{cells}cm", windows, kernel)
        y = y.reshape(y.shape[:-2] + (-1,))
        if bias is not None:
            y += bias
        self.xp, self.kernel, self.out = xp, kernel, out
        return y

    def backward(self, gy):
        xp, kernel, out = self.xp, self.kernel, self.out
        x, _, bias = self.inputs
        ksize = kernel.shape[:-2]
        cells, taps = self._subscripts(len(ksize))
        g = gy.reshape(gy.shape[:-1] + kernel.shape[-2:])
        gx = gk = gb = None
        if self.needs_input_grad[0]:
            gxp = np.zeros(xp.shape, np.result_type(gy, kernel))
            for offset in np.ndindex(*ksize):
                gxp[offset_slices(offset, out, self.strides, self.dilation)] += np.einsum(
                    f"n{cells}cm,cm->n{cells}c", g, kernel[offset]
                )
            gx = crop_spatial(gxp, self.pads).astype(x.dtype, copy=False)
        if self.needs_input_grad[1]:
            windows = _windows(xp, out, ksize, self.strides, self.dilation)
            gk = np.einsum(f"n{cells}{taps}c,n{cells}cm->{taps}cm", windows, g)
            gk = gk.astype(kernel.dtype, copy=False)
        if self.needs_input_grad[2]:
            gb = gy.reshape(-1, gy.shape[-1]).sum(axis=0).astype(bias.dtype, copy=False)
        return gx, gk, gb


def depthwise_conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """Depthwise 2-D convolution: every input channel filtered on its own (MobileNet's).

    y[n, i, j, c*M + m] = bias[c*M + m]
                          + sum_{a, b} xp[n, i*sh + a*dh, j*sw + b*dw, c] * kernel[a, b, c, m]

    with xp padded as in :func:`conv2d`; output channel c*M + m is filter m of channel c, as
    in Keras's DepthwiseConv2D.

    Args:
        x: input, shape (batch, height, width, channels).
        kernel: shape (kernel_h, kernel_w, channels, depth_multiplier).
        bias: optional, shape (channels * depth_multiplier,).
        strides: int or (sh, sw).
        padding: 'valid' or 'same'.
        dilation_rate: int or (dh, dw).

    Returns:
        Tensor of shape (batch, out_h, out_w, channels * depth_multiplier).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.ones((1, 3, 3, 2), "float32")
        >>> kernel = np.stack([np.ones((3, 3)), -np.ones((3, 3))], -1)[..., None]
        >>> db.ops.depthwise_conv2d(x, kernel.astype("float32"))[0, 0, 0]
        Tensor([ 9., -9.], dtype=float32)
    """
    op = "depthwise_conv2d"
    x, kernel, bias, strides, dilation, pads = _prepare(
        op, x, kernel, bias, strides, padding, dilation_rate
    )
    return DepthwiseConv.apply(x, kernel, bias, strides=strides, dilation=dilation, pads=pads)
