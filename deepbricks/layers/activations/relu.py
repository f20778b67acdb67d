"""ReLU: the rectified linear unit, with optional ceiling, threshold and leak."""

from deepbricks import activations
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer


class ReLU(Layer):
    """Rectified linear unit with Keras's three options.

    f(x) = max_value                       if x >= max_value
    f(x) = x                               if threshold < x < max_value
    f(x) = negative_slope * (x - threshold) otherwise

    With the defaults this is max(x, 0).

    Args:
        max_value: ceiling of the output (>= 0), or None for none.
        negative_slope: slope below the threshold (>= 0).
        threshold: input value below which the output leaks (>= 0).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.ReLU(max_value=6.0)(np.array([[-1.0, 3.0, 9.0]], 'float32')).numpy()
        array([[0., 3., 6.]], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = args.non_negative("ReLU", "max_value", max_value, allow_none=True)
        self.negative_slope = args.non_negative("ReLU", "negative_slope", negative_slope)
        self.threshold = args.non_negative("ReLU", "threshold", threshold)
        self.supports_masking = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}
