"""Small array helpers shared by the ops' backward passes."""

import numpy as np


def unbroadcast(grad, shape):
    """Sums ``grad`` over the axes NumPy broadcasting added or stretched to reach ``shape``."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def broadcast_shapes(op, *shapes):
    """NumPy's broadcast shape, or a ValueError naming the op and both shapes."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(s) for s in shapes)
        raise ValueError(
            f"{op}: operands with shapes {listed} cannot be broadcast together "
            f"(trailing dimensions must be equal or 1)."
        ) from None


def shape_of(x):
    return np.shape(x)


def normalize_axis(axis, ndim):
    """A tuple of non-negative axes (all axes for None)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(a % ndim if ndim else a for a in axis)
