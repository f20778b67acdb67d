"""Masking: marks the time steps whose features all equal a padding value."""

import numpy as np

from deepbricks import ops
from deepbricks.autograd.tensor import Tensor
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer


class Masking(Layer):
    """Skips padded time steps downstream: a step is masked when all its features equal
    ``mask_value``.

    mask[n, t] = any(x[n, t, :] != mask_value), passed on to the next layers (recurrent
    layers then skip the masked steps); the output is the input with masked steps zeroed.

    Args:
        mask_value: the padding value, default 0.0.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> x = np.array([[[1.0, 2.0], [0.0, 0.0]]], 'float32')
        >>> layers.Masking()(x).numpy().tolist(), layers.Masking().compute_mask(x).numpy()
        ([[[1.0, 2.0], [0.0, 0.0]]], array([[ True, False]]))
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = args.number("Masking", "mask_value", mask_value)
        self.supports_masking = True

    def _keep(self, inputs):
        data = inputs.data if isinstance(inputs, Tensor) else np.asarray(inputs)
        if data.ndim < 2:
            raise ValueError(
                f"Masking '{self.name}' expected inputs of rank >= 2 (batch, ..., features), "
                f"received input shape {data.shape}."
            )
        return np.any(data != self.mask_value, axis=-1, keepdims=True)

    def call(self, inputs):
        return ops.where(self._keep(inputs), inputs, 0.0)

    def compute_mask(self, inputs, mask=None):
        return Tensor(self._keep(inputs)[..., 0])

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
