"""RepeatVector: repeats a vector n times along a new time axis."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import InputSpec, Layer


class RepeatVector(Layer):
    """(N, d) -> (N, n, d), every step a copy of the input (e.g. feeding an RNN decoder).

    Args:
        n: number of repetitions.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.RepeatVector(3)(np.zeros((2, 5), 'float32')).shape
        (2, 3, 5)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = args.positive_int("RepeatVector", "n", n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
