"""Conv1D: convolution over the time axis of (N, steps, channels) sequences."""

from deepbricks.layers.convolutional.base_conv import Conv


class Conv1D(Conv):
    """1D convolution over time, channels-last.

    y[n, t, f] = activation(sum_{k, c} x[n, t*s + k*d, c] * kernel[k, c, f] + bias[f])

    Same arguments as :class:`Conv2D` with one spatial axis; kernel shape
    (kernel_size, in_channels // groups, filters). ``padding='causal'`` pads (k - 1)*d steps
    on the left only, so output step t sees inputs up to t (for autoregressive models).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Conv1D(4, 3, padding='causal')(np.zeros((2, 10, 8), 'float32')).shape
        (2, 10, 4)
    """

    rank = 1
    op_name = "conv1d"
    _allow_causal = True
