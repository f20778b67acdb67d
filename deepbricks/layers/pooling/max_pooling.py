"""MaxPooling1D and MaxPooling2D: the largest value in each window."""

from deepbricks.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Max over windows of the time axis: (N, steps, C) -> (N, steps', C).

    Args:
        pool_size: window length.
        strides: step between windows (default ``pool_size``).
        padding: 'valid' or 'same' (output length ceil(steps / strides)).
        data_format: only 'channels_last' (or None).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.MaxPooling1D()(np.arange(4, dtype='float32').reshape(1, 4, 1))[0, :, 0].numpy()
        array([1., 3.], dtype=float32)
    """

    rank = 1
    op_name = "max_pool1d"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling2D(BasePooling):
    """Max over windows of the spatial axes: y[n, i, j, c] = max of the (ph, pw) window.

    The gradient flows to the maximum of each window.

    Args:
        pool_size: int or (ph, pw).
        strides: int or (sh, sw) (default ``pool_size``).
        padding: 'valid' or 'same' (output size ceil(n / s); padded cells never win).
        data_format: only 'channels_last' (or None).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.MaxPooling2D()(np.zeros((1, 28, 28, 8), 'float32')).shape
        (1, 14, 14, 8)
    """

    rank = 2
    op_name = "max_pool2d"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
