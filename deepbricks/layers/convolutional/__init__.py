from deepbricks.layers.convolutional.conv1d import Conv1D
from deepbricks.layers.convolutional.conv2d import Conv2D
from deepbricks.layers.convolutional.conv2d_transpose import Conv2DTranspose
from deepbricks.layers.convolutional.depthwise_conv2d import DepthwiseConv2D
from deepbricks.layers.convolutional.separable_conv2d import SeparableConv2D

# Keras's alternative names.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution2DTranspose = Conv2DTranspose
SeparableConvolution2D = SeparableConv2D

__all__ = [
    "Conv1D", "Conv2D", "Conv2DTranspose", "Convolution1D", "Convolution2D",
    "Convolution2DTranspose", "DepthwiseConv2D", "SeparableConv2D", "SeparableConvolution2D",
]
