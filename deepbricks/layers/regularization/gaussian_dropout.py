"""GaussianDropout: multiplies inputs by Gaussian noise of mean 1 while training."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer


class GaussianDropout(Layer):
    """While training, y = x * eps with eps ~ N(1, rate / (1 - rate)); otherwise y = x.

    The noise has the variance of inverted dropout with the same rate, without zeros.

    Args:
        rate: the equivalent drop probability, in [0, 1).
        seed: optional int seeding the layer's own generator.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.GaussianDropout(0.2)(np.ones((2, 3), 'float32'), training=True).shape
        (2, 3)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = args.rate("GaussianDropout", rate)
        self.seed = seed
        self.generator = args.generator("GaussianDropout", seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return ops.gaussian_dropout(inputs, self.rate, rng=self.generator)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
