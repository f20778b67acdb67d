"""DepthwiseConv2D: one spatial filter (or several) per input channel, no channel mixing."""

from deepbricks import ops
from deepbricks.layers.convolutional.base_conv import BaseConv
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import serialize_arguments


class DepthwiseConv2D(BaseConv):
    """Depthwise 2D convolution: each input channel c is convolved with its own
    ``depth_multiplier`` filters, giving in_channels * depth_multiplier output channels.

    y[n, i, j, c*m + q] = sum_{a, b} x[n, i*s_h + a*d_h, j*s_w + b*d_w, c] * kernel[a, b, c, q]
                          + bias[c*m + q]

    The kernel has shape (kh, kw, in_channels, depth_multiplier), as in Keras (weight name
    'kernel').

    Args:
        kernel_size: int or (kh, kw).
        strides, padding, data_format, dilation_rate, activation, use_bias: as in Conv2D.
        depth_multiplier: filters per input channel.
        depthwise_initializer, bias_initializer: initializers (glorot_uniform, zeros).
        depthwise_regularizer, bias_regularizer, activity_regularizer: optional penalties.
        depthwise_constraint, bias_constraint: optional projections after each update.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.DepthwiseConv2D(3, depth_multiplier=2)(np.zeros((1, 8, 8, 4), 'float32')).shape
        (1, 6, 6, 8)
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, **kwargs)
        self.depth_multiplier = args.positive_int(
            "DepthwiseConv2D", "depth_multiplier", depth_multiplier)
        self.depthwise_initializer = depthwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self._channels = None

    @property
    def _output_channels(self):
        return None if self._channels is None else self._channels * self.depth_multiplier

    def build(self, input_shape):
        self._channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            self.kernel_size + (self._channels, self.depth_multiplier),
            self.depthwise_initializer, name="kernel", regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.bias = self._add_bias(self._channels * self.depth_multiplier)

    def _convolve(self, inputs):
        return ops.depthwise_conv2d(inputs, self.kernel, self.bias, strides=self.strides,
                                    padding=self.padding, dilation_rate=self.dilation_rate)

    def get_config(self):
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            **serialize_arguments(self, "depthwise_initializer", "depthwise_regularizer",
                                  "depthwise_constraint"),
        }
