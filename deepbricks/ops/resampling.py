"""Resampling of channels-last data: upsampling, zero padding and cropping of spatial axes.

All of these are linear maps, so each backward is the adjoint of its forward: repeating
becomes summing over the repeats, interpolating becomes multiplying by the transposed
interpolation matrix, padding becomes cropping and cropping becomes padding.
"""

import numpy as np

from deepbricks.autograd import Function
from deepbricks.ops.convolution import (
    check_float,
    check_rank,
    crop_spatial,
    normalize_tuple,
    pad_spatial,
)

__all__ = [
    "cropping1d",
    "cropping2d",
    "upsampling1d",
    "upsampling2d",
    "zero_padding1d",
    "zero_padding2d",
]


# ----------------------------------------------------------------------------------------
# Upsampling
# ----------------------------------------------------------------------------------------


class RepeatUpsample(Function):
    """Nearest-neighbour upsampling: every cell repeated size[i] times along spatial axis i."""

    def __init__(self, size):
        self.size = size

    def forward(self, x):
        # A broadcast view (batch, n1, s1, n2, s2, ..., C) materialised by one reshape.
        expanded = np.expand_dims(x, tuple(range(2, 2 * len(self.size) + 1, 2)))
        pairs = [d for n, s in zip(x.shape[1:-1], self.size, strict=True) for d in (n, s)]
        self.grouped = (x.shape[0], *pairs, x.shape[-1])
        spatial = tuple(n * s for n, s in zip(x.shape[1:-1], self.size, strict=True))
        return np.broadcast_to(expanded, self.grouped).reshape(
            (x.shape[0],) + spatial + (x.shape[-1],)
        )

    def backward(self, gy):
        repeats = tuple(range(2, 2 * len(self.size) + 1, 2))
        return (gy.reshape(self.grouped).sum(axis=repeats),)


def bilinear_matrix(n, scale):
    """(n * scale, n) matrix of 1-D linear interpolation with half-pixel centres.

    Output cell o samples the input at u = (o + 0.5) / scale - 0.5, clamped to [0, n - 1],
    and mixes its two neighbours floor(u) and floor(u) + 1 by the fractional part of u (the
    convention of TensorFlow's half_pixel_centers and PyTorch's align_corners=False).
    """
    u = np.clip((np.arange(n * scale) + 0.5) / scale - 0.5, 0.0, n - 1.0)
    low = np.floor(u).astype(np.intp)
    high = np.minimum(low + 1, n - 1)
    frac = u - low
    matrix = np.zeros((n * scale, n))
    rows = np.arange(n * scale)
    np.add.at(matrix, (rows, low), 1.0 - frac)
    np.add.at(matrix, (rows, high), frac)
    return matrix


class BilinearUpsample(Function):
    """y = A_h x A_w^T for every image and channel, with bilinear interpolation matrices A."""

    def __init__(self, size):
        self.size = size

    def forward(self, x):
        n, h, w, c = x.shape
        self.rows = bilinear_matrix(h, self.size[0]).astype(x.dtype)
        self.cols = bilinear_matrix(w, self.size[1]).astype(x.dtype)
        # matmul treats the trailing two axes as the matrix, so each product needs no
        # transpose: (H', H) @ (n, H, W*C), then (W', W) @ (n, H', W, C).
        tall = (self.rows @ x.reshape(n, h, w * c)).reshape(n, -1, w, c)
        return self.cols @ tall

    def backward(self, gy):
        n, h2, _, c = gy.shape
        h, w = self.rows.shape[1], self.cols.shape[1]
        narrow = self.cols.T @ gy
        return ((self.rows.T @ narrow.reshape(n, h2, w * c)).reshape(n, h, w, c),)


def upsampling2d(x, size=(2, 2), interpolation="nearest"):
    """Upsamples images by integer factors, as Keras's UpSampling2D.

    'nearest': y[n, i, j, c] = x[n, i // sh, j // sw, c].
    'bilinear': y[n, i, j, c] = sum_{a, b} A_h[i, a] x[n, a, b, c] A_w[j, b], linear
    interpolation with half-pixel centres (see :func:`bilinear_matrix`), clamped at the
    borders, matching Keras's bilinear resize.

    Args:
        x: input, shape (batch, height, width, channels).
        size: int or (sh, sw), the upsampling factors.
        interpolation: 'nearest' or 'bilinear'.

    Returns:
        Tensor of shape (batch, height * sh, width * sw, channels).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.array([[1.0, 2.0]], "float32").reshape(1, 1, 2, 1)
        >>> db.ops.upsampling2d(x, size=(1, 2))[0, 0, :, 0]
        Tensor([1., 1., 2., 2.], dtype=float32)
        >>> db.ops.upsampling2d(x, size=(1, 2), interpolation="bilinear")[0, 0, :, 0]
        Tensor([1.  , 1.25, 1.75, 2.  ], dtype=float32)
    """
    op = "upsampling2d"
    check_rank(op, x, 2)
    size = normalize_tuple(size, 2, "size", op)
    if interpolation == "nearest":
        return RepeatUpsample.apply(x, size=size)
    if interpolation == "bilinear":
        check_float(op, x)
        return BilinearUpsample.apply(x, size=size)
    raise ValueError(
        f"{op}: interpolation must be 'nearest' or 'bilinear'; received "
        f"interpolation={interpolation!r}."
    )


def upsampling1d(x, size=2):
    """Repeats every time step ``size`` times, as Keras's UpSampling1D: y[n, t] = x[n, t // s].

    Args:
        x: input, shape (batch, length, channels).
        size: int, the upsampling factor.

    Returns:
        Tensor of shape (batch, length * size, channels).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.ops.upsampling1d(np.array([[[1.0], [2.0]]], "float32"))[0, :, 0]
        Tensor([1., 1., 2., 2.], dtype=float32)
    """
    check_rank("upsampling1d", x, 1)
    return RepeatUpsample.apply(x, size=normalize_tuple(size, 1, "size", "upsampling1d"))


# ----------------------------------------------------------------------------------------
# Zero padding and cropping
# ----------------------------------------------------------------------------------------


def _amounts(value, nd, name, op):
    """Keras's spellings: int, one int per axis, or a (before, after) pair per axis."""
    items = ()
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        items = (value,) * nd
    elif isinstance(value, (tuple, list)):
        items = tuple(value)
    if nd == 1 and len(items) == 2 and not isinstance(items[0], (tuple, list)):
        items = (items,)
    per_axis = []
    if len(items) == nd:
        for item in items:
            pair = (item, item) if isinstance(item, (int, np.integer)) else tuple(item)
            per_axis.append(pair)
    valid = len(per_axis) == nd and all(
        len(p) == 2
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0 for v in p)
        for p in per_axis
    )
    if not valid:
        forms = (
            "an int or a pair (before, after)"
            if nd == 1
            else ("an int, a pair (rows, cols) or a pair of pairs ((top, bottom), (left, right))")
        )
        raise ValueError(
            f"{op}: {name} must be {forms} of non-negative ints; received {name}={value!r}."
        )
    return tuple((int(a), int(b)) for a, b in per_axis)


class ZeroPad(Function):
    """Zeros added before and after each spatial axis."""

    def __init__(self, pads):
        self.pads = pads

    def forward(self, x):
        return pad_spatial(x, self.pads)

    def backward(self, gy):
        return (crop_spatial(gy, self.pads),)


class Crop(Function):
    """Cells removed from the start and end of each spatial axis."""

    def __init__(self, crops):
        self.crops = crops

    def forward(self, x):
        return crop_spatial(x, self.crops)

    def backward(self, gy):
        return (pad_spatial(gy, self.crops),)


def zero_padding2d(x, padding=((1, 1), (1, 1))):
    """Adds rows and columns of zeros around images, as Keras's ZeroPadding2D.

    y[n, top + i, left + j, c] = x[n, i, j, c], zero elsewhere.

    Args:
        x: input, shape (batch, height, width, channels).
        padding: an int (all four sides), a pair (rows, cols) padded symmetrically, or a
            pair of pairs ((top, bottom), (left, right)).

    Returns:
        Tensor of shape (batch, top + height + bottom, left + width + right, channels).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.ops.zero_padding2d(np.ones((1, 1, 1, 1), "float32"), ((0, 1), (1, 0)))[0, ..., 0]
        Tensor([[0., 1.],
                [0., 0.]], dtype=float32)
    """
    check_rank("zero_padding2d", x, 2)
    return ZeroPad.apply(x, pads=_amounts(padding, 2, "padding", "zero_padding2d"))


def zero_padding1d(x, padding=1):
    """Adds zero time steps at the start and end of sequences, as Keras's ZeroPadding1D.

    Args:
        x: input, shape (batch, length, channels).
        padding: an int (both ends) or a pair (start, end).

    Returns:
        Tensor of shape (batch, start + length + end, channels).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.ops.zero_padding1d(np.ones((1, 2, 1), "float32"), (1, 0))[0, :, 0]
        Tensor([0., 1., 1.], dtype=float32)
    """
    check_rank("zero_padding1d", x, 1)
    return ZeroPad.apply(x, pads=_amounts(padding, 1, "padding", "zero_padding1d"))


def _crop(op, x, nd, cropping):
    shape = check_rank(op, x, nd)
    crops = _amounts(cropping, nd, "cropping", op)
    if any(a + b >= n for (a, b), n in zip(crops, shape[1:-1], strict=True)):
        raise ValueError(
            f"{op}: cropping {crops} removes every cell of an input with spatial shape "
            f"{shape[1:-1]}; crop less than each axis's length."
        )
    return Crop.apply(x, crops=crops)


def cropping2d(x, cropping=((0, 0), (0, 0))):
    """Removes rows and columns from the edges of images, as Keras's Cropping2D.

    y[n, i, j, c] = x[n, top + i, left + j, c] for i < H - top - bottom, j < W - left - right.

    Args:
        x: input, shape (batch, height, width, channels).
        cropping: an int (all four sides), a pair (rows, cols) cropped symmetrically, or a
            pair of pairs ((top, bottom), (left, right)).

    Returns:
        Tensor of shape (batch, height - top - bottom, width - left - right, channels).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.arange(9.0, dtype="float32").reshape(1, 3, 3, 1)
        >>> db.ops.cropping2d(x, ((1, 0), (0, 1)))[0, ..., 0]
        Tensor([[3., 4.],
                [6., 7.]], dtype=float32)
    """
    return _crop("cropping2d", x, 2, cropping)


def cropping1d(x, cropping=(1, 1)):
    """Removes time steps from the start and end of sequences, as Keras's Cropping1D.

    Args:
        x: input, shape (batch, length, channels).
        cropping: an int (both ends) or a pair (start, end).

    Returns:
        Tensor of shape (batch, length - start - end, channels).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.arange(4.0, dtype="float32").reshape(1, 4, 1)
        >>> db.ops.cropping1d(x)[0, :, 0]
        Tensor([1., 2.], dtype=float32)
    """
    return _crop("cropping1d", x, 1, cropping)
