"""SeparableConv2D: a depthwise convolution followed by a 1x1 (pointwise) convolution."""

from deepbricks import ops
from deepbricks.layers.convolutional.base_conv import BaseConv
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import serialize_arguments


class SeparableConv2D(BaseConv):
    """Depthwise-separable 2D convolution: far fewer weights than a Conv2D of the same size.

    y = activation(pointwise(depthwise(x)) + bias): ``depthwise`` is a DepthwiseConv2D without
    bias (kernel (kh, kw, in, depth_multiplier)) with the given strides, padding and dilation;
    ``pointwise`` a 1x1 convolution (kernel (1, 1, in * depth_multiplier, filters)).

    Args:
        filters: number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: of the depthwise step, as
            in Conv2D.
        depth_multiplier: depthwise filters per input channel.
        activation, use_bias: as in Conv2D.
        depthwise_initializer, pointwise_initializer, bias_initializer: initializers.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer,
            activity_regularizer: optional penalties.
        depthwise_constraint, pointwise_constraint, bias_constraint: optional projections.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.SeparableConv2D(16, 3, padding='same')(np.zeros((1, 8, 8, 4), 'float32')).shape
        (1, 8, 8, 16)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, **kwargs)
        self.filters = args.positive_int("SeparableConv2D", "filters", filters)
        self.depth_multiplier = args.positive_int(
            "SeparableConv2D", "depth_multiplier", depth_multiplier)
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self.pointwise_constraint = pointwise_constraint

    @property
    def _output_channels(self):
        return self.filters

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            self.kernel_size + (channels, self.depth_multiplier), self.depthwise_initializer,
            name="depthwise_kernel", regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            (1, 1, channels * self.depth_multiplier, self.filters), self.pointwise_initializer,
            name="pointwise_kernel", regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = self._add_bias(self.filters)

    def _convolve(self, inputs):
        depthwise = ops.depthwise_conv2d(inputs, self.depthwise_kernel, strides=self.strides,
                                         padding=self.padding, dilation_rate=self.dilation_rate)
        return ops.conv2d(depthwise, self.pointwise_kernel, self.bias)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "depth_multiplier": self.depth_multiplier,
            **serialize_arguments(
                self, "depthwise_initializer", "pointwise_initializer", "depthwise_regularizer",
                "pointwise_regularizer", "depthwise_constraint", "pointwise_constraint"),
        }
