"""Activation: applies a named activation function."""

from deepbricks import activations
from deepbricks.layers.layer import Layer
from deepbricks.utils.serialization import serialize


class Activation(Layer):
    """Applies an activation function to its input: y = f(x).

    Args:
        activation: a name from ``deepbricks.activations`` ('relu', 'softmax', ...) or a
            callable on Tensors.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Activation('relu')(np.array([[-1.0, 2.0]], 'float32')).numpy()
        array([[0., 2.]], dtype=float32)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": serialize(self.activation)}
