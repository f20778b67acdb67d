"""Softmax: turns scores into probabilities along an axis."""

import numpy as np

from deepbricks import ops
from deepbricks.autograd import Tensor
from deepbricks.layers.layer import Layer

# Masked scores are replaced by this before the softmax; exp() of it underflows to 0.
_MASKED_SCORE = -1e9


class Softmax(Layer):
    """Softmax along ``axis``: f(x)_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x)).

    Subtracting the maximum keeps it finite for any input (e.g. scores of +-1000).

    Args:
        axis: axis, or list of axes, that sum to 1.

    Call arguments:
        inputs: the scores (logits).
        mask: optional boolean array broadcastable to ``inputs``; masked positions get
            probability 0 and the others are renormalised among themselves.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Softmax()(np.array([[1.0, 1.0]], 'float32')).numpy()
        array([[0.5, 0.5]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = list(axis)
        valid = isinstance(axis, int) and not isinstance(axis, bool) or (
            isinstance(axis, list) and axis and all(isinstance(a, int) for a in axis))
        if not valid:
            raise ValueError(
                f"Softmax: `axis` must be an int or a list of ints. Received: axis={axis!r}"
            )
        self.axis = axis
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = self._check_mask(inputs, mask)
            inputs = ops.where(mask, inputs, _MASKED_SCORE)
        if isinstance(self.axis, list) and len(self.axis) > 1:
            axis = tuple(self.axis)
            outputs = ops.exp(inputs - ops.logsumexp(inputs, axis=axis, keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, list) else self.axis
            outputs = ops.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = ops.where(mask, outputs, 0.0)
        return outputs

    def _check_mask(self, inputs, mask):
        mask = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
        shape = mask.shape
        fits = len(shape) <= inputs.ndim and all(
            m in (1, i) for m, i in zip(shape[::-1], inputs.shape[::-1], strict=False))
        if not fits:
            raise ValueError(
                f"Softmax '{self.name}': the mask must broadcast to the inputs (each mask "
                f"axis 1 or equal to the input's). Received: inputs.shape={inputs.shape}, "
                f"mask.shape={tuple(shape)}"
            )
        return mask if mask.dtype == bool else mask > 0.5

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
