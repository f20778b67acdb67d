"""AveragePooling1D and AveragePooling2D: the mean of each window."""

from deepbricks.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Mean over windows of the time axis: (N, steps, C) -> (N, steps', C).

    Args:
        pool_size: window length.
        strides: step between windows (default ``pool_size``).
        padding: 'valid' or 'same'; with 'same' each window is divided by its number of
            real (unpadded) cells.
        data_format: only 'channels_last' (or None).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> x = np.arange(4, dtype='float32').reshape(1, 4, 1)
        >>> layers.AveragePooling1D()(x)[0, :, 0].numpy()
        array([0.5, 2.5], dtype=float32)
    """

    rank = 1
    op_name = "avg_pool1d"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(BasePooling):
    """Mean over windows of the spatial axes: y[n, i, j, c] = mean of the (ph, pw) window.

    Args:
        pool_size: int or (ph, pw).
        strides: int or (sh, sw) (default ``pool_size``).
        padding: 'valid' or 'same'; with 'same' each window is divided by its number of
            real (unpadded) cells.
        data_format: only 'channels_last' (or None).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.AveragePooling2D(3, strides=1, padding='same')(
        ...     np.ones((1, 5, 5, 2), 'float32')).shape
        (1, 5, 5, 2)
    """

    rank = 2
    op_name = "avg_pool2d"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
