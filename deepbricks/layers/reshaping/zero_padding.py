"""ZeroPadding1D and ZeroPadding2D: add rows and columns of zeros around each sample."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import InputSpec, Layer


class ZeroPadding1D(Layer):
    """Pads the time axis of (N, steps, features) with zeros: (N, left + steps + right, f).

    Args:
        padding: int (both sides), or a pair (left, right).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.ZeroPadding1D((1, 2))(np.ones((1, 3, 1), 'float32')).shape
        (1, 6, 1)
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        (self.padding,) = args.pairs("ZeroPadding1D", "padding", padding, 1)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return ops.zero_padding1d(inputs, self.padding)

    def compute_output_shape(self, input_shape):
        n, steps, features = input_shape
        return (n, None if steps is None else steps + sum(self.padding), features)

    def get_config(self):
        return {**super().get_config(), "padding": list(self.padding)}


class ZeroPadding2D(Layer):
    """Pads the spatial axes of (N, H, W, C) images with zeros.

    Args:
        padding: int (every side), (pad_h, pad_w) (symmetric per axis), or
            ((top, bottom), (left, right)).
        data_format: only 'channels_last' (or None).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.ZeroPadding2D(((1, 0), (2, 2)))(np.ones((1, 3, 3, 1), 'float32')).shape
        (1, 4, 7, 1)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = args.pairs("ZeroPadding2D", "padding", padding, 2)
        self.data_format = args.channels_last("ZeroPadding2D", data_format)
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        return ops.zero_padding2d(inputs, self.padding)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        (top, bottom), (left, right) = self.padding
        return (n, None if h is None else h + top + bottom,
                None if w is None else w + left + right, c)

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding],
                "data_format": self.data_format}
