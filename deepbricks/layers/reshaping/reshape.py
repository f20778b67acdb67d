"""Reshape: gives each sample a new shape with the same number of values."""

import math

from deepbricks import ops
from deepbricks.layers.layer import Layer


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (batch axis kept), in row-major order.

    Args:
        target_shape: the new shape without the batch axis; one entry may be -1, meaning
            "whatever makes the sizes agree".

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Reshape((-1, 2))(np.zeros((3, 8), 'float32')).shape
        (3, 4, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        shape = tuple(target_shape) if isinstance(target_shape, (tuple, list)) else None
        if shape is None or not all(
            isinstance(d, int) and not isinstance(d, bool) and (d > 0 or d == -1) for d in shape
        ) or shape.count(-1) > 1:
            raise ValueError(
                f"Reshape: `target_shape` must be a tuple of positive integers (one of them "
                f"may be -1), without the batch axis. Received: target_shape={target_shape!r}"
            )
        self.target_shape = shape

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0],) + self._resolve(inputs.shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(input_shape)

    def _resolve(self, input_shape):
        """target_shape with its -1 filled in (None while the input size is unknown)."""
        rest = input_shape[1:]
        known = math.prod(d for d in self.target_shape if d != -1)
        if None in rest:
            return tuple(None if d == -1 else d for d in self.target_shape)
        size = math.prod(rest)
        fits = size % known == 0 if -1 in self.target_shape else size == known
        if not fits:
            raise ValueError(
                f"Reshape '{self.name}' cannot reshape an input of shape {tuple(input_shape)} "
                f"({size} values per sample) to target_shape {self.target_shape} "
                f"({'a multiple of ' if -1 in self.target_shape else ''}{known} values). "
                f"The target must hold the same number of values; use -1 for one free axis."
            )
        return tuple(size // known if d == -1 else d for d in self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}
