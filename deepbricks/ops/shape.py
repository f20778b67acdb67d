"""Shape ops: reshaping, joining, splitting, padding and indexing, with their backward passes.

These ops move elements without changing them, so each backward moves the gradient back to
where the element came from: a reshape undoes the reshape, a transpose applies the inverse
permutation, a gather (fancy indexing, ``take``, ``repeat``) scatter-ADDS, because an element
read twice receives both gradients.
"""

import math

import numpy as np
from scipy import sparse

from deepbricks.autograd import Function, Tensor
from deepbricks.ops._util import unbroadcast

__all__ = [
    "reshape", "transpose", "expand_dims", "squeeze", "flatten", "broadcast_to",
    "concatenate", "stack", "split", "pad", "getitem", "take", "repeat", "tile", "flip",
    "swapaxes", "moveaxis",
]  # fmt: skip


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def _int(op, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be an int; received {value!r}.")
    return int(value)


def _ints(op, name, values):
    if isinstance(values, (int, np.integer)) and not isinstance(values, bool):
        return (int(values),)
    try:
        return tuple(_int(op, name, v) for v in values)
    except TypeError:
        raise TypeError(
            f"{op}: {name} must be an int or a tuple of ints; received {values!r}."
        ) from None


def _axis(op, axis, shape, new=0):
    """``axis`` as a non-negative int, or an error naming the op, the axis and the shape.

    ``new`` counts axes the op adds (expand_dims, stack), which ``axis`` may also name.
    """
    axis, ndim = _int(op, "axis", axis), len(shape) + new
    if not -ndim <= axis < ndim:
        valid = f"{-ndim} to {ndim - 1}" if ndim else "none, it is 0-d"
        added = f" plus {new} new {'axis' if new == 1 else 'axes'}" if new else ""
        raise ValueError(
            f"{op}: axis {axis} is out of range for a tensor of shape {shape}{added} "
            f"(valid axes: {valid})."
        )
    return axis % ndim


def _axes(op, axes, shape, new=0):
    """A tuple of distinct non-negative axes; ``None`` means all of them."""
    if axes is None:
        return tuple(range(len(shape)))
    normalized = tuple(_axis(op, a, shape, new) for a in _ints(op, "axis", axes))
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: repeated axis in {axes} for a tensor of shape {shape}.")
    return normalized


def _scatter_rows(index, rows, n):
    """out[i] = sum of rows[j] over every j with index[j] == i, for out of length ``n``.

    Args:
        index: 1-D integer array with entries in [-n, n).
        rows: array of shape (len(index), ...).
        n: length of the output's first axis.
    """
    index = np.where(index < 0, index + n, index).astype(np.intp, copy=False)
    if rows.ndim == 1:
        return np.bincount(index, weights=rows, minlength=n).astype(rows.dtype, copy=False)
    # An (n, len(index)) matrix with a single 1 per column turns the scatter-add into one sparse
    # product, ten to thirty times faster than np.add.at on embedding-sized gradients.
    count, width = len(index), math.prod(rows.shape[1:])
    select = sparse.csc_matrix(
        (np.ones(count, rows.dtype), index, np.arange(count + 1)), shape=(n, count)
    )
    summed = select @ rows.reshape(count, width)
    return summed.astype(rows.dtype, copy=False).reshape((n,) + rows.shape[1:])


class Reshape(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return x.reshape(self.shape)

    def backward(self, gy):
        return (gy.reshape(self.x_shape),)


def reshape(x, newshape):
    """Gives the elements of ``x`` a new shape, in row-major order; one entry may be -1.

    y = x.reshape(newshape); the gradient is reshaped back: dL/dx = (dL/dy).reshape(x.shape).

    Args:
        x: a Tensor or array-like.
        newshape: int or tuple of ints with the same product as ``x.shape``; a single -1
            stands for whatever size makes the element counts match.

    Returns:
        A Tensor of shape ``newshape``.

    Example:
        >>> import deepbricks as db
        >>> db.ops.reshape(db.Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), (3, -1)).shape
        (3, 2)
    """
    x = _tensor(x)
    shape = _ints("reshape", "newshape", newshape)
    known = math.prod(n for n in shape if n != -1)
    unknown = shape.count(-1)
    if (
        unknown > 1
        or any(n < -1 for n in shape)
        or (unknown == 1 and (known == 0 or x.size % known))
        or (unknown == 0 and known != x.size)
    ):
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) into "
            f"shape {shape}. The new shape must hold the same number of elements; at most one "
            f"dimension may be -1 to stand for the remaining size."
        )
    return Reshape.apply(x, shape=shape)


class Transpose(Function):
    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        return x.transpose(self.axes)

    def backward(self, gy):
        return (gy.transpose(np.argsort(self.axes)),)


def transpose(x, axes=None):
    """Permutes the axes of ``x``: y.shape[i] = x.shape[axes[i]] (reversed when ``axes=None``).

    The gradient is transposed back with the inverse permutation.

    Args:
        x: a Tensor or array-like.
        axes: a permutation of ``range(x.ndim)``, negative entries allowed; None reverses.

    Returns:
        A Tensor that is a view of ``x``'s data with permuted axes.

    Example:
        >>> import deepbricks as db
        >>> db.ops.transpose(db.Tensor([[1.0, 2.0, 3.0]])).shape
        (3, 1)
    """
    x = _tensor(x)
    if axes is None:
        return Transpose.apply(x, axes=tuple(range(x.ndim - 1, -1, -1)))
    perm = _axes("transpose", axes, x.shape)
    if len(perm) != x.ndim:
        raise ValueError(
            f"transpose: axes {axes} are not a permutation of the {x.ndim} axes of a tensor of "
            f"shape {x.shape}. Pass each axis from 0 to {x.ndim - 1} exactly once."
        )
    return Transpose.apply(x, axes=perm)


def expand_dims(x, axis):
    """Inserts axes of length 1 at the positions ``axis`` of the output.

    A reshape: y.shape has a 1 at each position in ``axis`` and x.shape elsewhere.

    Args:
        x: a Tensor or array-like.
        axis: int or tuple of ints, positions in the output (negative counts from the end).

    Returns:
        A Tensor with ``x.ndim + len(axis)`` dimensions.

    Example:
        >>> import deepbricks as db
        >>> db.ops.expand_dims(db.Tensor([1.0, 2.0]), -1).shape
        (2, 1)
    """
    x = _tensor(x)
    inserted = _ints("expand_dims", "axis", axis)
    out_ndim = x.ndim + len(inserted)
    positions = _axes("expand_dims", inserted, x.shape, new=len(inserted))
    sizes = iter(x.shape)
    shape = tuple(1 if i in positions else next(sizes) for i in range(out_ndim))
    return Reshape.apply(x, shape=shape)


def squeeze(x, axis=None):
    """Removes axes of length 1: all of them, or only those listed in ``axis``.

    Args:
        x: a Tensor or array-like.
        axis: None, an int or a tuple of ints; each named axis must have length 1.

    Returns:
        A Tensor with the same elements and the length-1 axes removed.

    Example:
        >>> import deepbricks as db
        >>> db.ops.squeeze(db.Tensor([[1.0], [2.0]]), axis=1).shape
        (2,)
    """
    x = _tensor(x)
    if axis is None:
        removed = tuple(i for i, n in enumerate(x.shape) if n == 1)
    else:
        removed = _axes("squeeze", axis, x.shape)
        for a in removed:
            if x.shape[a] != 1:
                raise ValueError(
                    f"squeeze: cannot remove axis {a} of a tensor of shape {x.shape}: its "
                    f"length is {x.shape[a]}, not 1. Leave axis=None to remove every "
                    f"length-1 axis, or reshape instead."
                )
    shape = tuple(n for i, n in enumerate(x.shape) if i not in removed)
    return Reshape.apply(x, shape=shape)


def flatten(x):
    """Flattens ``x`` to one dimension in row-major order: y = x.reshape(-1).

    Example:
        >>> import deepbricks as db
        >>> db.ops.flatten(db.Tensor([[1.0, 2.0], [3.0, 4.0]]))
        Tensor([1., 2., 3., 4.], dtype=float32)
    """
    return Reshape.apply(_tensor(x), shape=(-1,))


class BroadcastTo(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return np.broadcast_to(x, self.shape)

    def backward(self, gy):
        return (unbroadcast(gy, self.x_shape),)


def broadcast_to(x, shape):
    """Repeats ``x`` along new leading axes and along its length-1 axes to reach ``shape``.

    NumPy broadcasting rules; the gradient is summed over every repeated axis.

    Args:
        x: a Tensor or array-like.
        shape: the target shape; aligned from the right, each dimension of ``x`` must equal
            the target's or be 1.

    Returns:
        A Tensor of shape ``shape`` whose data is a read-only view of ``x``'s.

    Example:
        >>> import deepbricks as db
        >>> db.ops.broadcast_to(db.Tensor([1.0, 2.0]), (3, 2)).shape
        (3, 2)
    """
    x = _tensor(x)
    shape = _ints("broadcast_to", "shape", shape)
    if (
        x.ndim > len(shape)
        or any(n < 0 for n in shape)
        or any(a not in (1, b) for a, b in zip(x.shape[::-1], shape[::-1], strict=False))
    ):
        raise ValueError(
            f"broadcast_to: cannot broadcast a tensor of shape {x.shape} to shape {shape}. "
            f"Aligned from the right, each dimension must equal the target's or be 1."
        )
    return BroadcastTo.apply(x, shape=shape)


def _tensors(op, xs):
    if isinstance(xs, (Tensor, np.ndarray)) or not hasattr(xs, "__len__") or not len(xs):
        raise TypeError(
            f"{op}: expects a non-empty list or tuple of tensors; received {type(xs).__name__}."
        )
    return [_tensor(x) for x in xs]


class Concatenate(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        self.bounds = np.cumsum([x.shape[self.axis] for x in xs[:-1]])
        return np.concatenate(xs, axis=self.axis)

    def backward(self, gy):
        return tuple(np.split(gy, self.bounds, axis=self.axis))


def concatenate(xs, axis=0):
    """Joins tensors end to end along an existing axis.

    y = [x_0, x_1, ...] along ``axis``; each input's gradient is its slice of dL/dy.

    Args:
        xs: list or tuple of Tensors (or arrays) with equal shapes except along ``axis``.
        axis: the axis to join along.

    Returns:
        A Tensor whose length along ``axis`` is the sum of the inputs' lengths.

    Example:
        >>> import deepbricks as db
        >>> db.ops.concatenate([db.Tensor([[1.0]]), db.Tensor([[2.0, 3.0]])], axis=1)
        Tensor([[1., 2., 3.]], dtype=float32)
    """
    xs = _tensors("concatenate", xs)
    first = xs[0].shape
    if not first:
        raise ValueError("concatenate: 0-d tensors have no axis to join along; use stack.")
    axis = _axis("concatenate", axis, first)
    for x in xs:
        if x.ndim != len(first) or any(
            a != b for i, (a, b) in enumerate(zip(x.shape, first, strict=True)) if i != axis
        ):
            shapes = ", ".join(str(x.shape) for x in xs)
            raise ValueError(
                f"concatenate: along axis {axis}, all inputs must have the same shape except "
                f"in that axis; received shapes {shapes}. Reshape the inputs or join along "
                f"another axis."
            )
    return Concatenate.apply(*xs, axis=axis)


class Stack(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return np.stack(xs, axis=self.axis)

    def backward(self, gy):
        return tuple(np.moveaxis(gy, self.axis, 0))


def stack(xs, axis=0):
    """Joins tensors of one shape along a new axis: y[..., i, ...] = xs[i] (i at ``axis``).

    Args:
        xs: list or tuple of Tensors (or arrays), all of the same shape.
        axis: position of the new axis in the output.

    Returns:
        A Tensor with one more dimension, of length ``len(xs)`` at ``axis``.

    Example:
        >>> import deepbricks as db
        >>> db.ops.stack([db.Tensor([1.0, 2.0]), db.Tensor([3.0, 4.0])], axis=1).shape
        (2, 2)
    """
    xs = _tensors("stack", xs)
    if any(x.shape != xs[0].shape for x in xs):
        shapes = ", ".join(str(x.shape) for x in xs)
        raise ValueError(
            f"stack: all inputs must have the same shape; received shapes {shapes}. "
            f"Use concatenate to join along an existing axis of different lengths."
        )
    axis = _axis("stack", axis, xs[0].shape, new=1)
    return Stack.apply(*xs, axis=axis)


class Split(Function):
    def __init__(self, bounds, axis):
        self.bounds, self.axis = bounds, axis

    def forward(self, x):
        return tuple(np.split(x, self.bounds, axis=self.axis))

    def backward(self, *gys):
        return (np.concatenate(gys, axis=self.axis),)


def split(x, indices_or_sections, axis=0):
    """Cuts ``x`` into consecutive pieces along ``axis``; their gradients are joined back.

    Outputs that the loss does not use contribute a zero gradient.

    Args:
        x: a Tensor or array-like.
        indices_or_sections: an int n (n equal pieces; the axis length must divide by n) or
            an increasing list of the indices where the pieces start, as in ``np.split``.
        axis: the axis to cut.

    Returns:
        A tuple of Tensors.

    Example:
        >>> import deepbricks as db
        >>> a, b = db.ops.split(db.Tensor([1.0, 2.0, 3.0]), [1])
        >>> b
        Tensor([2., 3.], dtype=float32)
    """
    x = _tensor(x)
    if not x.ndim:
        raise ValueError("split: a 0-d tensor has no axis to split; reshape it first.")
    axis = _axis("split", axis, x.shape)
    n = x.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = _int("split", "indices_or_sections", indices_or_sections)
        if sections < 1 or n % sections:
            raise ValueError(
                f"split: cannot split axis {axis} of length {n} (shape {x.shape}) into "
                f"{sections} equal sections. Pass a section count that divides {n}, or a list "
                f"of split indices."
            )
        bounds = [i * (n // sections) for i in range(1, sections)]
    else:
        given = _ints("split", "indices_or_sections", indices_or_sections)
        bounds = [min(max(i + n if i < 0 else i, 0), n) for i in given]
        if bounds != sorted(bounds):
            raise ValueError(
                f"split: indices {list(given)} along axis {axis} of length {n} must be "
                f"increasing (after counting negative indices from the end)."
            )
    return Split.apply(x, bounds=bounds, axis=axis)


_PAD_MODES = ("constant", "reflect", "symmetric")


class Pad(Function):
    def __init__(self, pad_width, mode, constant_values):
        self.pad_width, self.mode, self.constant_values = pad_width, mode, constant_values

    def forward(self, x):
        self.x_shape = x.shape
        if self.mode == "constant":
            return np.pad(x, self.pad_width, constant_values=self.constant_values)
        return np.pad(x, self.pad_width, mode=self.mode)

    def backward(self, gy):
        if self.mode == "constant":
            inner = tuple(
                slice(before, before + n)
                for (before, _), n in zip(self.pad_width, self.x_shape, strict=True)
            )
            return (gy[inner],)
        # Each padded cell is a copy of an inner cell (mirrored across the edge cell for
        # 'reflect', across the border for 'symmetric'), so its gradient is folded back there.
        # Axes are independent, so the folds commute.
        edge = 1 if self.mode == "reflect" else 0
        gx = gy
        for axis, (before, after) in enumerate(self.pad_width):
            if before or after:
                gx = _fold_mirror(gx, axis, before, after, self.x_shape[axis], edge)
        return (gx,)


def _fold_mirror(g, axis, before, after, n, edge):
    g = np.moveaxis(g, axis, 0)
    gx = g[before : before + n].copy()
    gx[edge : edge + before] += g[:before][::-1]
    gx[n - edge - after : n - edge] += g[before + n :][::-1]
    return np.moveaxis(gx, 0, axis)


def pad(x, pad_width, mode="constant", constant_values=0):
    """Pads ``x`` with ``pad_width[i] = (before, after)`` cells on each side of axis i.

    'constant' fills with ``constant_values``; 'reflect' mirrors across the edge cell
    ([1, 2, 3] -> 3, 2 | 1, 2, 3 | 2, 1); 'symmetric' mirrors across the border
    (-> 2, 1 | 1, 2, 3 | 3, 2). The gradient of a copied cell is added to its source.

    Args:
        x: a Tensor or array-like.
        pad_width: an int (same on every side), one (before, after) pair for every axis, or
            a sequence of such pairs, one per axis, as in ``np.pad``.
        mode: 'constant', 'reflect' or 'symmetric'.
        constant_values: the fill value of 'constant' mode (None means 0, as in Keras).

    Returns:
        A Tensor of shape ``x.shape[i] + before_i + after_i`` along each axis.

    Example:
        >>> import deepbricks as db
        >>> db.ops.pad(db.Tensor([1.0, 2.0]), (1, 2))
        Tensor([0., 1., 2., 0., 0.], dtype=float32)
    """
    x = _tensor(x)
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode must be one of {_PAD_MODES}; received {mode!r}.")
    try:
        widths = np.asarray(_data(pad_width))
        if widths.dtype.kind not in "iu" or widths.ndim > 2 or (widths < 0).any():
            raise ValueError
        widths = np.broadcast_to(widths, (x.ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width must be a non-negative int, a (before, after) pair, or one such "
            f"pair per axis of the tensor of shape {x.shape}; received {pad_width!r}."
        ) from None
    widths = tuple((int(b), int(a)) for b, a in widths)
    if mode != "constant":
        limit = 1 if mode == "reflect" else 0
        for axis, ((before, after), n) in enumerate(zip(widths, x.shape, strict=True)):
            if (before or after) and max(before, after) > n - limit:
                raise ValueError(
                    f"pad: mode={mode!r} can add at most {n - limit} cells on each side of "
                    f"axis {axis} (length {n}); received pad_width {(before, after)} for a "
                    f"tensor of shape {x.shape}. Pad in several steps or use mode='constant'."
                )
    fill = 0 if constant_values is None else _data(constant_values)
    return Pad.apply(x, pad_width=widths, mode=mode, constant_values=fill)


class GetItem(Function):
    def __init__(self, key, kind):
        self.key, self.kind = key, kind

    def forward(self, x):
        self.x_shape = x.shape
        try:
            return x[self.key]
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor of shape {x.shape}).") from None

    def backward(self, gy):
        if self.kind == "rows":
            (index,) = self.key
            rows = gy.reshape((index.size,) + self.x_shape[1:])
            return (_scatter_rows(index.ravel(), rows, self.x_shape[0]),)
        gx = np.zeros(self.x_shape, gy.dtype)
        if self.kind == "gather":
            np.add.at(gx, self.key, gy)
        else:
            # Slices, single integers and boolean masks select each element at most once.
            gx[self.key] = gy
        return (gx,)


def getitem(x, key):
    """Indexes ``x`` like a NumPy array: y = x[key].

    Supports ints, slices (negative steps included), None, Ellipsis, boolean masks and integer
    arrays (fancy indexing). The gradient is scattered back to the selected positions, and
    positions selected several times by integer arrays receive the sum of their gradients.

    Args:
        x: a Tensor or array-like.
        key: an index, or a tuple of indices; Tensors and lists are used as arrays.

    Returns:
        A Tensor with the selected elements.

    Example:
        >>> import deepbricks as db
        >>> x = db.Tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> db.ops.getitem(x, [0, 0, 2]).sum().backward()
        >>> x.grad
        array([2., 0., 1.], dtype=float32)
    """
    x = _tensor(x)
    parts = key if isinstance(key, tuple) else (key,)
    parts = tuple(np.asarray(_data(k)) if isinstance(k, (Tensor, list)) else k for k in parts)
    gathers = [isinstance(k, np.ndarray) and k.dtype.kind in "iu" and k.ndim > 0 for k in parts]
    if len(parts) == 1 and gathers[0] and x.ndim:
        kind = "rows"
    elif any(gathers):
        kind = "gather"
    else:
        kind = "select"
    return GetItem.apply(x, key=parts, kind=kind)


def _indices(op, indices, n, what):
    index = np.asarray(_data(indices))
    if index.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: indices must be integers; received dtype {index.dtype}. "
            f"Cast them with astype('int64')."
        )
    if index.size and (index.min() < -n or index.max() >= n):
        bad = index.min() if index.min() < -n else index.max()
        raise IndexError(f"{op}: index {bad} is out of range for {what} of length {n}.")
    return index


class Take(Function):
    def __init__(self, indices, axis):
        self.indices, self.axis = indices, axis

    def forward(self, x):
        self.x_shape = x.shape
        return np.take(x, self.indices, axis=self.axis)

    def backward(self, gy):
        index, axis = self.indices.ravel(), self.axis
        if axis is None:
            rows = _scatter_rows(index, gy.ravel(), math.prod(self.x_shape))
            return (rows.reshape(self.x_shape),)
        # gy has shape x.shape[:axis] + indices.shape + x.shape[axis + 1:]; the gathered axis
        # goes first so the scatter works on rows.
        gathered = gy.reshape(self.x_shape[:axis] + (index.size,) + self.x_shape[axis + 1 :])
        rows = _scatter_rows(index, np.moveaxis(gathered, axis, 0), self.x_shape[axis])
        return (np.moveaxis(rows, 0, axis),)


def take(x, indices, axis=None):
    """Gathers entries of ``x`` at integer ``indices`` along ``axis`` (of the flattened ``x``
    when ``axis=None``).

    y[..., j, ...] = x[..., indices[j], ...]; repeated indices add their gradients.

    Args:
        x: a Tensor or array-like.
        indices: integer array-like of any shape; negative entries count from the end.
        axis: the axis to gather along, or None.

    Returns:
        A Tensor of shape x.shape[:axis] + indices.shape + x.shape[axis + 1:].

    Example:
        >>> import deepbricks as db
        >>> db.ops.take(db.Tensor([[1.0, 2.0], [3.0, 4.0]]), [1, 1], axis=0)
        Tensor([[3., 4.],
                [3., 4.]], dtype=float32)
    """
    x = _tensor(x)
    if axis is None:
        index = _indices("take", indices, x.size, "the flattened tensor")
    else:
        axis = _axis("take", axis, x.shape)
        index = _indices("take", indices, x.shape[axis], f"axis {axis} of shape {x.shape}")
    return Take.apply(x, indices=index, axis=axis)


class Repeat(Function):
    def __init__(self, repeats, axis):
        self.repeats, self.axis = repeats, axis

    def forward(self, x):
        self.x_shape = x.shape
        return np.repeat(x, self.repeats, axis=self.axis)

    def backward(self, gy):
        axis = self.axis
        copies = gy.reshape(self.x_shape[: axis + 1] + (self.repeats,) + self.x_shape[axis + 1 :])
        return (copies.sum(axis=axis + 1),)


def repeat(x, repeats, axis=None):
    """Repeats each element of ``x`` along ``axis`` (of the flattened ``x`` for None).

    [a, b] with repeats=2 -> [a, a, b, b]; with repeats=[1, 3] -> [a, b, b, b]. The gradient
    of an element is the sum over its copies.

    Args:
        x: a Tensor or array-like.
        repeats: a non-negative int, or one non-negative int per element along ``axis``.
        axis: the axis to repeat along, or None.

    Returns:
        A Tensor, longer along ``axis``.

    Example:
        >>> import deepbricks as db
        >>> db.ops.repeat(db.Tensor([1.0, 2.0]), 2)
        Tensor([1., 1., 2., 2.], dtype=float32)
    """
    x = _tensor(x)
    if axis is None:
        x, axis = flatten(x), 0
    axis = _axis("repeat", axis, x.shape)
    counts = np.asarray(_data(repeats))
    n = x.shape[axis]
    if (
        counts.dtype.kind not in "iu"
        or counts.ndim > 1
        or (counts < 0).any()
        or (counts.ndim == 1 and len(counts) not in (1, n))
    ):
        raise ValueError(
            f"repeat: repeats must be a non-negative int or one non-negative int per element "
            f"along axis {axis} (length {n}, shape {x.shape}); received {repeats!r}."
        )
    if counts.size == 1:
        return Repeat.apply(x, repeats=int(counts.ravel()[0]), axis=axis)
    # Per-element counts are a gather that reads element i counts[i] times.
    return take(x, np.repeat(np.arange(n), counts), axis=axis)


class Tile(Function):
    def __init__(self, reps):
        self.reps = reps

    def forward(self, x):
        self.x_shape = x.shape
        return np.tile(x, self.reps)

    def backward(self, gy):
        ndim = max(len(self.x_shape), len(self.reps))
        sizes = (1,) * (ndim - len(self.x_shape)) + self.x_shape
        reps = (1,) * (ndim - len(self.reps)) + self.reps
        # Along each axis the output is reps copies of the input back to back: view the
        # gradient as (copy, position) pairs and sum over the copies.
        blocks = gy.reshape([n for pair in zip(reps, sizes, strict=True) for n in pair])
        return (blocks.sum(axis=tuple(range(0, 2 * ndim, 2))).reshape(self.x_shape),)


def tile(x, reps):
    """Repeats the whole of ``x`` ``reps[i]`` times along axis i, as ``np.tile``.

    When ``reps`` is longer than ``x.ndim``, ``x`` gets leading axes of length 1; when shorter,
    ``reps`` gets leading 1s. The gradient of an element is the sum over its copies.

    Args:
        x: a Tensor or array-like.
        reps: a non-negative int or tuple of non-negative ints.

    Returns:
        A Tensor with ``max(x.ndim, len(reps))`` dimensions.

    Example:
        >>> import deepbricks as db
        >>> db.ops.tile(db.Tensor([1.0, 2.0]), 2)
        Tensor([1., 2., 1., 2.], dtype=float32)
    """
    x = _tensor(x)
    reps = _ints("tile", "reps", reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: reps must be non-negative; received {reps}.")
    return Tile.apply(x, reps=reps)


class Flip(Function):
    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        return np.flip(x, self.axes)

    def backward(self, gy):
        return (np.flip(gy, self.axes),)


def flip(x, axis=None):
    """Reverses the order of elements along ``axis`` (every axis when None).

    y[..., i, ...] = x[..., n - 1 - i, ...]; the gradient is flipped back.

    Args:
        x: a Tensor or array-like.
        axis: None, an int or a tuple of ints.

    Returns:
        A Tensor whose data is a view of ``x``'s.

    Example:
        >>> import deepbricks as db
        >>> db.ops.flip(db.Tensor([1.0, 2.0, 3.0]))
        Tensor([3., 2., 1.], dtype=float32)
    """
    x = _tensor(x)
    return Flip.apply(x, axes=_axes("flip", axis, x.shape))


def swapaxes(x, axis1, axis2):
    """Exchanges two axes of ``x``: a transpose that swaps ``axis1`` and ``axis2``.

    Example:
        >>> import deepbricks as db
        >>> db.ops.swapaxes(db.Tensor([[[1.0, 2.0, 3.0]]]), 0, 2).shape
        (3, 1, 1)
    """
    x = _tensor(x)
    a, b = _axis("swapaxes", axis1, x.shape), _axis("swapaxes", axis2, x.shape)
    perm = list(range(x.ndim))
    perm[a], perm[b] = b, a
    return Transpose.apply(x, axes=tuple(perm))


def moveaxis(x, source, destination):
    """Moves axes of ``x`` to new positions; the other axes keep their order.

    A transpose: y.shape[destination[i]] = x.shape[source[i]].

    Args:
        x: a Tensor or array-like.
        source: int or tuple of ints, the axes to move.
        destination: int or tuple of ints of the same length, their new positions.

    Returns:
        A Tensor whose data is a view of ``x``'s.

    Example:
        >>> import deepbricks as db
        >>> db.ops.moveaxis(db.ops.reshape(db.Tensor([0.0] * 6), (1, 2, 3)), 0, -1).shape
        (2, 3, 1)
    """
    x = _tensor(x)
    src, dst = _axes("moveaxis", source, x.shape), _axes("moveaxis", destination, x.shape)
    if len(src) != len(dst):
        raise ValueError(
            f"moveaxis: source {source} and destination {destination} must name the same "
            f"number of axes."
        )
    rest = iter(a for a in range(x.ndim) if a not in src)
    moved = dict(zip(dst, src, strict=True))
    perm = tuple(moved[i] if i in moved else next(rest) for i in range(x.ndim))
    return Transpose.apply(x, axes=perm)
