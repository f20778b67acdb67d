"""Flatten: collapses every axis but the batch axis."""

import math

from deepbricks import ops
from deepbricks.layers.layer import Layer


class Flatten(Layer):
    """Reshapes (N, d1, d2, ...) to (N, d1*d2*...), in row-major (channels-last) order.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Flatten()(np.zeros((2, 28, 28, 1), 'float32')).shape
        (2, 784)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Flatten supports data_format='channels_last' only. "
                             f"Received: data_format={data_format!r}")
        self.data_format = data_format

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
