"""Identity: returns its input unchanged."""

from deepbricks.layers.layer import Layer


class Identity(Layer):
    """y = x: a placeholder layer, e.g. where an architecture switches a block off.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Identity()(np.ones((1, 2), 'float32')).numpy()
        array([[1., 1.]], dtype=float32)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
