"""Add, Subtract, Multiply, Average, Maximum, Minimum: elementwise merges of a list of inputs,
and their functional forms ``add([x1, x2])``, ..."""

import functools

from deepbricks import ops
from deepbricks.layers.merging.base_merge import Merge


class Add(Merge):
    """Sum of the inputs: y = x1 + x2 + ... (e.g. a residual connection).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Add()([np.ones((2, 3), 'float32'), np.ones((2, 3), 'float32')]).numpy()[0]
        array([2., 2., 2.], dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(ops.add, inputs)


class Subtract(Merge):
    """Difference of exactly two inputs: y = x1 - x2.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Subtract()([np.ones((1, 2), 'float32'), np.ones((1, 2), 'float32')]).numpy()
        array([[0., 0.]], dtype=float32)
    """

    min_inputs = max_inputs = 2

    def _merge(self, inputs):
        return ops.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """Elementwise product of the inputs: y = x1 * x2 * ... (e.g. gating).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> x = np.full((1, 2), 3.0, 'float32')
        >>> layers.Multiply()([x, x]).numpy()
        array([[9., 9.]], dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(ops.multiply, inputs)


class Average(Merge):
    """Mean of the inputs: y = (x1 + ... + xn) / n (e.g. an ensemble of models).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Average()([np.zeros((1, 2), 'float32'), np.ones((1, 2), 'float32')]).numpy()
        array([[0.5, 0.5]], dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(ops.add, inputs) * (1.0 / len(inputs))


class Maximum(Merge):
    """Elementwise maximum of the inputs; the gradient flows to the largest.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> a, b = np.array([[1.0, 5.0]], 'float32'), np.array([[3.0, 2.0]], 'float32')
        >>> layers.Maximum()([a, b]).numpy()
        array([[3., 5.]], dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(ops.maximum, inputs)


class Minimum(Merge):
    """Elementwise minimum of the inputs; the gradient flows to the smallest.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> a, b = np.array([[1.0, 5.0]], 'float32'), np.array([[3.0, 2.0]], 'float32')
        >>> layers.Minimum()([a, b]).numpy()
        array([[1., 2.]], dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(ops.minimum, inputs)


def add(inputs, **kwargs):
    """Functional form of :class:`Add`: ``add([x1, x2])`` = ``Add()([x1, x2])``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of :class:`Subtract`: ``subtract([x1, x2])`` = x1 - x2."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of :class:`Multiply`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of :class:`Average`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of :class:`Maximum`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of :class:`Minimum`."""
    return Minimum(**kwargs)(inputs)
