"""Cropping1D and Cropping2D: remove rows and columns from the edges of each sample."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import InputSpec, Layer


def _cropped(layer, input_shape, axis, crop):
    size = input_shape[axis]
    if size is None:
        return None
    if sum(crop) >= size:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': cropping {layer.cropping} removes all of "
            f"axis {axis} (size {size}) of input shape {tuple(input_shape)}. Crop less than "
            f"the input's size."
        )
    return size - sum(crop)


class Cropping1D(Layer):
    """Crops the time axis of (N, steps, features): (N, steps - start - end, features).

    Args:
        cropping: int (both ends), or a pair (start, end).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Cropping1D((1, 2))(np.ones((1, 6, 1), 'float32')).shape
        (1, 3, 1)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        (self.cropping,) = args.pairs("Cropping1D", "cropping", cropping, 1)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        return ops.cropping1d(inputs, self.cropping)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], _cropped(self, input_shape, 1, self.cropping), input_shape[2])

    def get_config(self):
        return {**super().get_config(), "cropping": list(self.cropping)}


class Cropping2D(Layer):
    """Crops the spatial axes of (N, H, W, C) images.

    Args:
        cropping: int (every side), (crop_h, crop_w) (symmetric per axis), or
            ((top, bottom), (left, right)).
        data_format: only 'channels_last' (or None).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Cropping2D(((2, 2), (4, 4)))(np.ones((1, 28, 28, 3), 'float32')).shape
        (1, 24, 20, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = args.pairs("Cropping2D", "cropping", cropping, 2)
        self.data_format = args.channels_last("Cropping2D", data_format)
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        return ops.cropping2d(inputs, self.cropping)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], _cropped(self, input_shape, 1, self.cropping[0]),
                _cropped(self, input_shape, 2, self.cropping[1]), input_shape[3])

    def get_config(self):
        return {**super().get_config(), "cropping": [list(c) for c in self.cropping],
                "data_format": self.data_format}
