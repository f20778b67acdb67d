"""Weight regularizers: penalties added to the training loss, built from ops so gradients flow.

A regularizer is called on a weight (a Tensor) and returns a scalar Tensor; a layer adds it
to its ``losses``, and the trainer adds those to the loss before ``backward()``.

Example:
    >>> import numpy as np
    >>> import deepbricks as db
    >>> w = db.Variable(np.array([1.0, -2.0], 'float32'))
    >>> penalty = db.regularizers.get('l2')(w)     # 0.01 * (1 + 4)
    >>> penalty.backward(); round(float(penalty.numpy()), 6), w.grad
    (0.05, array([ 0.02, -0.04], dtype=float32))
"""

import math

import numpy as np

from deepbricks import ops
from deepbricks.autograd.tensor import Tensor
from deepbricks.utils.serialization import (
    Configurable,
    deserialize_registered,
    get_registered,
    names_table,
)

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "serialize",
]


def _factor(owner, name, value):
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise ValueError(
            f"{owner}: `{name}` must be a non-negative float. Received: {name}={value!r}"
        )
    return float(value)


def _tensor(owner, x):
    x = x if isinstance(x, Tensor) else Tensor(np.asarray(x))
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{owner} penalizes floating-point weights; received dtype {x.dtype}. Cast the "
            f"weight to float32 first."
        )
    return x


class Regularizer(Configurable):
    """Base class: ``__call__(x) -> scalar Tensor`` and ``get_config()``."""

    def __call__(self, x):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__.")

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} must implement get_config.")


class L1L2(Regularizer):
    """penalty = l1 * sum(|x|) + l2 * sum(x^2).

    Args:
        l1: default 0.0.
        l2: default 0.0.

    Example:
        >>> import numpy as np
        >>> from deepbricks.regularizers import L1L2
        >>> float(L1L2(l1=0.5, l2=0.25)(np.array([1.0, -2.0])).numpy())   # 0.5*3 + 0.25*5
        2.75
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor(type(self).__name__, "l1", l1)
        self.l2 = _factor(type(self).__name__, "l2", l2)

    def __call__(self, x):
        x = _tensor(type(self).__name__, x)
        penalty = None
        if self.l1:
            penalty = ops.sum(ops.abs(x)) * self.l1
        if self.l2:
            term = ops.sum(ops.square(x)) * self.l2
            penalty = term if penalty is None else penalty + term
        return Tensor(np.zeros((), x.dtype)) if penalty is None else penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """penalty = l1 * sum(|x|) (lasso; drives weights to exactly zero).

    Args:
        l1: default 0.01.
    """

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """penalty = l2 * sum(x^2) (weight decay through the loss; gradient 2 * l2 * x).

    Args:
        l2: default 0.01.
    """

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards being orthogonal.

    With the rows (mode='rows') or columns (mode='columns') scaled to unit L2 norm, as
    u_i = x_i / max(||x_i||, 1e-7), and n of them:

        penalty = factor * 0.5 * sum_{i != j} |u_i . u_j| / (n * (n - 1) / 2)

    Args:
        factor: default 0.01.
        mode: 'rows' (default) or 'columns'.
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _factor(type(self).__name__, "factor", factor)
        if mode not in ("rows", "columns"):
            raise ValueError(
                f"OrthogonalRegularizer: `mode` must be 'rows' or 'columns'. Received: "
                f"mode={mode!r}"
            )
        self.mode = mode

    def __call__(self, x):
        x = _tensor(type(self).__name__, x)
        if x.ndim != 2:
            raise ValueError(
                f"OrthogonalRegularizer needs a 2-D weight; received shape {x.shape}. Reshape "
                f"the kernel to (fan_in, units) first."
            )
        axis = 1 if self.mode == "rows" else 0
        n = x.shape[1 - axis]
        if n < 2:
            return Tensor(np.zeros((), x.dtype))
        norms = ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
        unit = x / ops.maximum(norms, 1e-7)
        gram = unit @ unit.T if axis == 1 else unit.T @ unit
        off_diagonal = gram * (1.0 - np.eye(n, dtype=x.dtype))
        return ops.sum(ops.abs(off_diagonal)) * (self.factor * 0.5 / (n * (n - 1) / 2.0))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


_CLASSES = (L1, L2, L1L2, OrthogonalRegularizer)
_BY_NAME = names_table(_CLASSES, l1_l2=L1L2)


def serialize(regularizer):
    """``{'class_name': ..., 'config': ...}`` of a regularizer."""
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


def deserialize(config, custom_objects=None):
    """Rebuilds a regularizer from :func:`serialize`'s output."""
    return deserialize_registered("regularizer", config, _BY_NAME, custom_objects)


def get(identifier):
    """Returns a regularizer from a name ('l1', 'l2', 'l1_l2'), a config dict or a callable.

    Names give the default factors (L1(0.01), L2(0.01), L1L2(0, 0)). None returns None; a
    Regularizer class is instantiated; any other callable is returned as is.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    return get_registered(
        "regularizer",
        identifier,
        Regularizer,
        _BY_NAME,
        deserialize,
        "a name such as 'l2', a config dict or a callable weight -> scalar Tensor",
    )
