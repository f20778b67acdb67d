"""ELU: the exponential linear unit."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer


class ELU(Layer):
    """Exponential linear unit: f(x) = x if x > 0 else alpha * (exp(x) - 1).

    Args:
        alpha: scale of the negative part; the output saturates at -alpha.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.ELU()(np.array([[0.0, 2.0]], 'float32')).numpy()
        array([[0., 2.]], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = args.number("ELU", "alpha", alpha)
        self.supports_masking = True

    def call(self, inputs):
        return ops.elu(inputs, self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
