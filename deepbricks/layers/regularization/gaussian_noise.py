"""GaussianNoise: adds zero-mean Gaussian noise while training."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer


class GaussianNoise(Layer):
    """While training, y = x + eps with eps ~ N(0, stddev^2); otherwise y = x.

    Args:
        stddev: standard deviation of the noise (>= 0).
        seed: optional int seeding the layer's own generator.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.GaussianNoise(0.1)(np.ones((1, 3), 'float32')).numpy()  # inference
        array([[1., 1., 1.]], dtype=float32)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = args.non_negative("GaussianNoise", "stddev", stddev)
        self.seed = seed
        self.generator = args.generator("GaussianNoise", seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        return ops.gaussian_noise(inputs, self.stddev, rng=self.generator)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
