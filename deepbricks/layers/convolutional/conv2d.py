"""Conv2D: convolution over the spatial axes of (N, H, W, C) images."""

from deepbricks.layers.convolutional.base_conv import Conv


class Conv2D(Conv):
    """2D convolution (cross-correlation, as in every framework) over channels-last images.

    y[n, i, j, f] = activation(sum_{a, b, c} x[n, i*s_h + a*d_h, j*s_w + b*d_w, c]
                               * kernel[a, b, c, f] + bias[f])

    The kernel has shape (kh, kw, in_channels // groups, filters), as in Keras.

    Args:
        filters: number of output channels.
        kernel_size: int or (kh, kw).
        strides: int or (sh, sw).
        padding: 'valid' (no padding) or 'same' (output size ceil(n / s); the odd padding
            cell goes after).
        data_format: only 'channels_last' (or None).
        dilation_rate: int or (dh, dw); cannot be combined with strides > 1.
        groups: number of channel groups convolved separately (both the input channels and
            ``filters`` must be divisible by it).
        activation: name or callable; None means linear.
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer: initializers (glorot_uniform, zeros).
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties.
        kernel_constraint, bias_constraint: optional projections after each update.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Conv2D(32, (5, 5))(np.zeros((1, 28, 28, 1), 'float32')).shape
        (1, 24, 24, 32)
    """

    rank = 2
    op_name = "conv2d"
