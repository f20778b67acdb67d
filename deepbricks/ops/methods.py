"""Python operators and NumPy-style methods of Tensor, each a call into an op."""

from deepbricks import ops
from deepbricks.autograd.tensor import Tensor


def _shape_args(args):
    return args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args


def _reshape(self, *shape):
    return ops.reshape(self, _shape_args(shape))


def _transpose(self, *axes):
    return ops.transpose(self, _shape_args(axes) or None)


_OPERATORS = {
    "__add__": lambda a, b: ops.add(a, b),
    "__radd__": lambda a, b: ops.add(b, a),
    "__sub__": lambda a, b: ops.subtract(a, b),
    "__rsub__": lambda a, b: ops.subtract(b, a),
    "__mul__": lambda a, b: ops.multiply(a, b),
    "__rmul__": lambda a, b: ops.multiply(b, a),
    "__truediv__": lambda a, b: ops.divide(a, b),
    "__rtruediv__": lambda a, b: ops.divide(b, a),
    "__pow__": lambda a, b: ops.power(a, b),
    "__rpow__": lambda a, b: ops.power(b, a),
    "__matmul__": lambda a, b: ops.matmul(a, b),
    "__rmatmul__": lambda a, b: ops.matmul(b, a),
    "__neg__": lambda a: ops.negative(a),
    "__abs__": lambda a: ops.abs(a),
    "__getitem__": lambda a, key: ops.getitem(a, key),
    "__lt__": lambda a, b: ops.less(a, b),
    "__le__": lambda a, b: ops.less_equal(a, b),
    "__gt__": lambda a, b: ops.greater(a, b),
    "__ge__": lambda a, b: ops.greater_equal(a, b),
    "__eq__": lambda a, b: ops.equal(a, b),
    "__ne__": lambda a, b: ops.not_equal(a, b),
}

_METHODS = [
    "sum", "mean", "max", "min", "var", "std", "argmax", "argmin",
    "exp", "log", "sqrt", "square", "abs", "tanh", "sigmoid", "relu", "clip",
    "softmax", "log_softmax", "squeeze", "expand_dims", "flatten", "astype",
]  # fmt: skip


def attach():
    """Installs the operators and methods on Tensor (called once by ``deepbricks.ops``)."""
    for name, fn in _OPERATORS.items():
        setattr(Tensor, name, fn)
    for name in _METHODS:
        setattr(Tensor, name, getattr(ops, name))
    Tensor.reshape = _reshape
    Tensor.transpose = _transpose
    Tensor.T = property(lambda self: ops.transpose(self))
    Tensor.pow = lambda a, b: ops.power(a, b)
