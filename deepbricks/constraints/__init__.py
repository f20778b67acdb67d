"""Weight constraints: projections ``w -> w'`` applied to a weight after each optimizer step.

A constraint takes and returns a NumPy array (a Tensor is read through ``.data``) of the same
shape and dtype. ``axis`` names the axes summed over for each norm: for a Dense kernel
(in, out) the default axis=0 constrains each unit's incoming weight vector; for a Conv2D
kernel (kh, kw, in, out) use axis=[0, 1, 2].

Example:
    >>> import numpy as np
    >>> from deepbricks import constraints
    >>> constraints.get('max_norm')(np.array([[3.0], [4.0]], 'float32'))   # norm 5 -> 2
    array([[1.2],
           [1.6]], dtype=float32)
"""

import numpy as np

from deepbricks.autograd.tensor import Tensor
from deepbricks.utils.serialization import (
    Configurable,
    deserialize_registered,
    get_registered,
    names_table,
)

__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "serialize",
]

# Keeps the rescaling finite for an all-zero weight vector (Keras's backend epsilon).
_EPSILON = 1e-7


def _array(owner, w):
    w = w.data if isinstance(w, Tensor) else np.asarray(w)
    if not np.issubdtype(w.dtype, np.floating):
        raise TypeError(f"{owner} constrains floating-point weights; received dtype {w.dtype}.")
    return w


def _norms(owner, w, axis):
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    try:
        return np.sqrt(np.sum(np.square(w), axis=axes, keepdims=True))
    except np.exceptions.AxisError:
        raise ValueError(
            f"{owner}: axis={axis} is out of range for a weight of shape {w.shape}."
        ) from None


class Constraint(Configurable):
    """Base class: ``__call__(w) -> array`` and ``get_config()``; the identity here."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}


class MaxNorm(Constraint):
    """Caps the norm of each weight vector: w' = w * min(||w||, max_value) / (eps + ||w||).

    Args:
        max_value: the largest allowed norm, default 2.
        axis: the axis (or axes) the norms are taken over, default 0.
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = _array(type(self).__name__, w)
        norms = _norms(type(self).__name__, w, self.axis)
        return w * (np.clip(norms, 0.0, float(self.max_value)) / (_EPSILON + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Clips negative weights to zero: w' = max(w, 0)."""

    def __call__(self, w):
        return np.maximum(_array(type(self).__name__, w), 0)


class UnitNorm(Constraint):
    """Rescales each weight vector to unit norm: w' = w / (eps + ||w||).

    Args:
        axis: the axis (or axes) the norms are taken over, default 0.

    Example:
        >>> import numpy as np
        >>> from deepbricks.constraints import UnitNorm
        >>> UnitNorm(axis=1)(np.array([[3.0, 4.0]], 'float32'))
        array([[0.6, 0.8]], dtype=float32)
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = _array(type(self).__name__, w)
        return w / (_EPSILON + _norms(type(self).__name__, w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves each weight vector's norm into [min_value, max_value].

    w' = w * d / (eps + ||w||) with d = rate * clip(||w||, min_value, max_value) + (1 - rate)
    * ||w||; rate=1 enforces the bounds at once, a smaller rate approaches them gradually.

    Args:
        min_value: default 0.0.
        max_value: default 1.0.
        rate: default 1.0.
        axis: the axis (or axes) the norms are taken over, default 0.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        if min_value > max_value:
            raise ValueError(
                f"MinMaxNorm needs min_value <= max_value; received min_value={min_value}, "
                f"max_value={max_value}."
            )
        self.min_value, self.max_value = float(min_value), float(max_value)
        self.rate, self.axis = float(rate), axis

    def __call__(self, w):
        w = _array(type(self).__name__, w)
        norms = _norms(type(self).__name__, w, self.axis)
        desired = self.rate * np.clip(norms, self.min_value, self.max_value)
        desired += (1.0 - self.rate) * norms
        return w * (desired / (_EPSILON + norms))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


_CLASSES = (MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
_BY_NAME = names_table(_CLASSES)


def serialize(constraint):
    """``{'class_name': ..., 'config': ...}`` of a constraint."""
    return {"class_name": type(constraint).__name__, "config": constraint.get_config()}


def deserialize(config, custom_objects=None):
    """Rebuilds a constraint from :func:`serialize`'s output."""
    return deserialize_registered("constraint", config, _BY_NAME, custom_objects)


def get(identifier):
    """Returns a constraint from a name ('max_norm', 'non_neg', 'unit_norm', 'min_max_norm'),
    a config dict, a Constraint class or a callable (returned as is); None returns None.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    return get_registered(
        "constraint",
        identifier,
        Constraint,
        _BY_NAME,
        deserialize,
        "a name such as 'max_norm', a config dict or a callable array -> array",
    )
