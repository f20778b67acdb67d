"""Rescaling: y = x * scale + offset, e.g. pixel values 0..255 to [0, 1]."""

import numbers

import numpy as np

from deepbricks import ops
from deepbricks.layers.layer import Layer


class Rescaling(Layer):
    """Multiplies the inputs by ``scale`` and adds ``offset``: y = x * scale + offset, in the
    layer's float type (integer images such as uint8 are converted first). Active in
    training and inference alike; differentiable.

    Args:
        scale: a number, or an array broadcast against the inputs (e.g. one per channel).
        offset: a number or an array, likewise.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Rescaling(1 / 127.5, offset=-1)(np.array([[0, 255]], 'uint8')).numpy()
        array([[-1.,  1.]], dtype=float32)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _number_or_array("scale", scale)
        self.offset = _number_or_array("offset", offset)

    def call(self, inputs):
        x = inputs if inputs.dtype == self.dtype else ops.astype(inputs, self.dtype)
        scale, offset = (v if isinstance(v, float) else v.astype(self.dtype)
                         for v in (self.scale, self.offset))
        return x * scale + offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        def plain(v):
            return v if isinstance(v, float) else v.tolist()

        return {**super().get_config(), "scale": plain(self.scale),
                "offset": plain(self.offset)}


def _number_or_array(name, value):
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise ValueError(f"Rescaling: `{name}` must be a number or an array of numbers. "
                         f"Received: {name}={value!r}")
    return array.astype(np.float64)
