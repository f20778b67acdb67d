"""Input: the symbolic starting point of a functional model."""

import numpy as np

from deepbricks.layers.layer import Layer
from deepbricks.layers.symbolic import KerasTensor, Node


class InputLayer(Layer):
    """The layer behind ``Input``; it holds the shape and produces the KerasTensor.

    Args:
        shape: shape without the batch axis, e.g. ``(28, 28, 1)``; None for unknown sizes.
        batch_size: optional fixed batch size.
        dtype: dtype of the data fed here (default ``floatx()``; 'int32' for token ids).
        batch_shape: full shape including the batch axis (instead of shape + batch_size).
        name: layer name.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, batch_shape=None, name=None,
                 sparse=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if batch_shape is None:
            if shape is None:
                raise ValueError("Input needs a shape, e.g. Input(shape=(784,)). Received: "
                                 "shape=None.")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        self.batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.built = True
        tensor = KerasTensor(self.batch_shape, np.dtype(self.dtype).name, name=self.name)
        Node(self, [], [tensor], {})
        self.output_tensor = tensor

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, batch_shape=None, name=None, sparse=None):
    """Creates a symbolic input of a functional model.

    Args:
        shape: shape of one sample, without the batch axis.
        batch_size: optional fixed batch size.
        dtype: dtype of the data (default ``floatx()``).
        batch_shape: full shape including the batch axis.
        name: name of the input layer.

    Returns:
        A KerasTensor to call layers on.

    Example:
        >>> from deepbricks import Input, Model, layers
        >>> x = Input(shape=(784,))
        >>> model = Model(x, layers.Dense(10)(x))
        >>> model.output_shape
        (None, 10)
    """
    return InputLayer(shape, batch_size, dtype, batch_shape, name).output_tensor
