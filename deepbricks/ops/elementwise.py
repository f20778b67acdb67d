"""Elementwise arithmetic and math: each op's forward and backward side by side.

Binary ops broadcast like NumPy; their backward sums the gradient back to each operand's
shape (``unbroadcast``).
"""

import numpy as np

from deepbricks.autograd import Function
from deepbricks.ops._util import broadcast_shapes, shape_of, unbroadcast

__all__ = ["add", "subtract", "multiply", "divide", "negative"]


class _Binary(Function):
    name = "binary op"

    def check(self, a, b):
        if np.ndim(a) and np.ndim(b) and np.shape(a) != np.shape(b):
            broadcast_shapes(self.name, np.shape(a), np.shape(b))


class Add(_Binary):
    name = "add"

    def forward(self, a, b):
        self.check(a, b)
        self.a_shape, self.b_shape = shape_of(a), shape_of(b)
        return a + b

    def backward(self, gy):
        return unbroadcast(gy, self.a_shape), unbroadcast(gy, self.b_shape)


def add(x1, x2):
    """Elementwise sum with broadcasting: y = x1 + x2.

    Example:
        >>> import deepbricks as db
        >>> db.ops.add(db.Tensor([1.0, 2.0]), 3.0)
        Tensor([4., 5.], dtype=float32)
    """
    return Add.apply(x1, x2)


class Subtract(_Binary):
    name = "subtract"

    def forward(self, a, b):
        self.check(a, b)
        self.a_shape, self.b_shape = shape_of(a), shape_of(b)
        return a - b

    def backward(self, gy):
        gb = -unbroadcast(gy, self.b_shape) if self.needs_input_grad[1] else None
        return unbroadcast(gy, self.a_shape), gb


def subtract(x1, x2):
    """Elementwise difference with broadcasting: y = x1 - x2."""
    return Subtract.apply(x1, x2)


class Multiply(_Binary):
    name = "multiply"

    def forward(self, a, b):
        self.check(a, b)
        self.a, self.b = a, b
        return a * b

    def backward(self, gy):
        ga = unbroadcast(gy * self.b, shape_of(self.a)) if self.needs_input_grad[0] else None
        gb = unbroadcast(gy * self.a, shape_of(self.b)) if self.needs_input_grad[1] else None
        return ga, gb


def multiply(x1, x2):
    """Elementwise product with broadcasting: y = x1 * x2; dy/dx1 = x2, dy/dx2 = x1."""
    return Multiply.apply(x1, x2)


class Divide(_Binary):
    name = "divide"

    def forward(self, a, b):
        self.check(a, b)
        self.a, self.b = a, b
        return a / b

    def backward(self, gy):
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = unbroadcast(gy / self.b, shape_of(self.a))
        if self.needs_input_grad[1]:
            gb = unbroadcast(-gy * self.a / (self.b * self.b), shape_of(self.b))
        return ga, gb


def divide(x1, x2):
    """Elementwise quotient with broadcasting: y = x1 / x2; dy/dx2 = -x1 / x2^2."""
    return Divide.apply(x1, x2)


class Negative(Function):
    def forward(self, x):
        return -x

    def backward(self, gy):
        return (-gy,)


def negative(x):
    """Elementwise negation: y = -x."""
    return Negative.apply(x)
