"""Function: one differentiable operation, its forward and backward on plain arrays.

A subclass writes ``forward(*arrays) -> array`` (or a tuple of arrays) and
``backward(*grads) -> tuple`` with one gradient (or None) per input, keeping whatever the
backward needs as attributes of ``self``. ``needs_input_grad`` tells backward which inputs
want a gradient, so it can skip the others. Hyperparameters are keyword arguments of
``apply`` and reach ``__init__``.

Example:
    >>> import numpy as np
    >>> from deepbricks.autograd import Function, Tensor
    >>> class Square(Function):
    ...     def forward(self, x):
    ...         self.x = x
    ...         return x * x
    ...     def backward(self, gy):
    ...         return (2 * self.x * gy,)
    >>> x = Tensor(np.array([3.0]), requires_grad=True)
    >>> Square.apply(x).backward(np.array([1.0]))
    >>> x.grad
    array([6.])
"""

import numpy as np

from deepbricks.autograd import graph
from deepbricks.autograd.tensor import Tensor


class Function:
    """Base class of every differentiable op; see the module docstring."""

    n_outputs = 1
    freed = False

    def forward(self, *arrays):
        raise NotImplementedError

    def backward(self, *grads):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **params):
        """Runs ``forward`` on the inputs' arrays and records the op if any input needs grad."""
        fn = cls(**params)
        arrays = [x.data if isinstance(x, Tensor) else x for x in inputs]
        record = graph._enabled and any(
            isinstance(x, Tensor) and x.requires_grad for x in inputs
        )
        if record:
            fn.inputs = tuple(x if isinstance(x, Tensor) else None for x in inputs)
            fn.needs_input_grad = tuple(x is not None and x.requires_grad for x in fn.inputs)
        else:
            fn.needs_input_grad = (False,) * len(inputs)
        out = fn.forward(*arrays)
        if isinstance(out, tuple):
            outputs = tuple(_wrap(o) for o in out)
            if record:
                fn.n_outputs = len(outputs)
                fn.output_meta = [(o.shape, o.dtype) for o in outputs]
                for i, o in enumerate(outputs):
                    o.requires_grad, o._ctx, o._idx = True, fn, i
            return outputs
        out = _wrap(out)
        if record:
            out.requires_grad, out._ctx = True, fn
        return out

    def fill_missing(self, grads):
        """Zeros for the outputs of a multi-output op that received no gradient."""
        return [
            np.zeros(shape, dtype) if g is None else g
            for g, (shape, dtype) in zip(grads, self.output_meta)
        ]

    def release(self):
        """Drops everything saved for backward; a second backward then raises."""
        self.__dict__.clear()
        self.inputs = ()
        self.freed = True


def _wrap(array):
    t = Tensor.__new__(Tensor)
    t.data = array if type(array) is np.ndarray else np.asarray(array)
    t.grad, t.requires_grad, t._ctx, t._idx, t.name = None, False, None, 0, None
    return t
