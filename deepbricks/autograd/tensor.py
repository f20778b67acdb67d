"""Tensor: an array that remembers the op that made it, so gradients can flow back.

Python operators and NumPy-style methods (``+``, ``@``, ``t[i]``, ``t.sum(axis=0)``,
``t.relu()``, ...) are attached from ``deepbricks/ops/methods.py``, next to the ops they call.
"""

import numpy as np

from deepbricks import backend
from deepbricks.autograd import graph


class Tensor:
    """A NumPy array with an optional gradient and the op that produced it.

    Args:
        data: array-like. Python floats become the default float type (float32); NumPy
            arrays keep their dtype, so float64 arrays stay float64 for gradient checks.
        requires_grad: whether backward() should compute a gradient for this tensor.
        dtype: optional dtype to cast to.
        name: optional name, shown in repr and error messages.

    Example:
        >>> import deepbricks as db
        >>> w = db.Tensor([2.0, -1.0], requires_grad=True)
        >>> (w * w).sum().backward()
        >>> w.grad
        array([ 4., -2.], dtype=float32)
    """

    __slots__ = ("data", "grad", "requires_grad", "_ctx", "_idx", "name", "__weakref__")
    # Makes ``ndarray + Tensor`` defer to Tensor.__radd__ instead of NumPy broadcasting into
    # an object array.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, dtype=None, name=None):
        if isinstance(data, Tensor):
            data = data.data
        from_python = not isinstance(data, (np.ndarray, np.generic))
        array = np.asarray(data, dtype=dtype)
        if dtype is None and from_python and array.dtype == np.float64:
            array = array.astype(backend.floatx())
        if requires_grad and not np.issubdtype(array.dtype, np.floating):
            raise TypeError(
                f"Only floating-point tensors can require gradients; received dtype "
                f"{array.dtype}. Pass dtype='float32' or float data."
            )
        self.data = array
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._ctx = None
        self._idx = 0
        self.name = name

    __hash__ = object.__hash__

    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def is_leaf(self):
        return self._ctx is None

    def numpy(self):
        """Returns the underlying array (not a copy)."""
        return self.data

    def item(self):
        return self.data.item()

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    def __repr__(self):
        extra = ", requires_grad=True" if self.requires_grad else ""
        name = f", name={self.name!r}" if self.name else ""
        body = np.array2string(self.data, prefix="Tensor(", separator=", ")
        return f"Tensor({body}, dtype={self.data.dtype}{extra}{name})"

    def detach(self):
        """Returns a tensor sharing this one's array but cut from the graph."""
        return Tensor(self.data)

    def zero_grad(self):
        self.grad = None

    def backward(self, grad=None, retain_graph=False):
        """Computes the gradient of this tensor with respect to every leaf that requires grad.

        Gradients are added to each leaf's ``.grad`` (they accumulate across calls until
        reset). The graph's saved arrays are freed afterwards unless ``retain_graph``.

        Args:
            grad: the upstream gradient dL/d(self), same shape as self. May be omitted only
                when self holds a single element (a loss), where it defaults to 1.
            retain_graph: keep the graph so backward can be called through it again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() was called on a tensor that does not require grad, so no graph "
                "leads to it. Create the leaves with requires_grad=True (layer weights are) "
                "and compute outside deepbricks.no_grad()."
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient argument needs a single-element output, "
                    f"but this tensor has shape {self.shape}. Reduce it to a scalar first "
                    f"(e.g. loss.mean()) or pass grad= with shape {self.shape}."
                )
            grad = np.ones_like(self.data)
        else:
            grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad, self.dtype)
            if grad.shape != self.shape:
                raise ValueError(
                    f"backward() received a gradient of shape {grad.shape} for a tensor of "
                    f"shape {self.shape}; they must match."
                )
        graph.backward(self, grad, retain_graph=retain_graph)
