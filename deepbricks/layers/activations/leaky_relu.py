"""LeakyReLU: a ReLU with a small slope for negative inputs."""

import warnings

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit: f(x) = x if x >= 0 else negative_slope * x.

    The layer's default slope is 0.3 (the function ``activations.leaky_relu`` uses 0.2).

    Args:
        negative_slope: slope for x < 0 (>= 0). ``alpha=`` is the Keras 2 spelling
            (deprecated).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.LeakyReLU()(np.array([[-1.0, 2.0]], 'float32')).numpy()
        array([[-0.3,  2. ]], dtype=float32)
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            warnings.warn("LeakyReLU: `alpha=` is the Keras 2 spelling; use `negative_slope=`.",
                          DeprecationWarning, stacklevel=2)
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = args.non_negative("LeakyReLU", "negative_slope", negative_slope)
        self.supports_masking = True

    def call(self, inputs):
        return ops.leaky_relu(inputs, self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}
