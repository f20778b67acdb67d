"""Dropout: randomly zeroes inputs while training (inverted dropout)."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer


class Dropout(Layer):
    """Inverted dropout: while training, y = x * mask / (1 - rate) with mask ~ Bernoulli(1 - rate),
    a fresh mask on every call; otherwise y = x. The expected output equals the input, so
    nothing changes at inference.

    Args:
        rate: fraction of the inputs dropped, in [0, 1).
        noise_shape: shape of the mask, broadcast against the input (None entries take the
            input's size), e.g. (None, 1, features) to drop the same features at every step.
        seed: optional int; the layer then draws its masks from its own generator seeded with
            it (repeatable), instead of the shared one that ``set_random_seed`` seeds.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> y = layers.Dropout(0.5, seed=0)(np.ones((1, 4), 'float32'), training=True)
        >>> sorted(set(y.numpy().ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
        True
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        self.rate = args.rate(name, rate)
        if noise_shape is not None and not (
            isinstance(noise_shape, (tuple, list))
            and all(d is None or args.is_int(d) and d > 0 for d in noise_shape)
        ):
            raise ValueError(
                f"{name}: `noise_shape` must be a tuple of positive ints or None entries. "
                f"Received: noise_shape={noise_shape!r}"
            )
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.generator = args.generator(name, seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return ops.dropout(inputs, self.rate, noise_shape=self._noise_shape(inputs),
                           rng=self.generator)

    def _noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        if len(self.noise_shape) != inputs.ndim:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': noise_shape {self.noise_shape} must have "
                f"one entry per input axis, received input shape {inputs.shape}."
            )
        return tuple(n if d is None else d for d, n in zip(self.noise_shape, inputs.shape,
                                                           strict=True))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
                "seed": self.seed}
