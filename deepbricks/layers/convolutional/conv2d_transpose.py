"""Conv2DTranspose: the transposed (fractionally strided) convolution that upsamples images."""

from deepbricks import ops
from deepbricks.layers.convolutional.base_conv import BaseConv
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import serialize_arguments


class Conv2DTranspose(BaseConv):
    """Transposed 2D convolution: the adjoint (gradient) of Conv2D with the same arguments.

    Each input pixel adds ``kernel[:, :, f, c] * x[n, i, j, c]`` into a kh x kw window of the
    output, windows placed ``strides`` apart. The kernel has shape (kh, kw, filters,
    in_channels), reversed from Conv2D as in Keras. Output size per axis, with the dilated
    kernel size k = (kh - 1)*d + 1:

    - 'valid': n*s + max(k - s, 0), or (n - 1)*s + k + output_padding;
    - 'same': n*s, or (n - 1)*s + k % 2 + output_padding.

    Args:
        filters: number of output channels.
        kernel_size: int or (kh, kw).
        strides: int or (sh, sw); the upsampling factor.
        padding: 'valid' or 'same'.
        output_padding: int, (ph, pw) or None: extra rows/columns added after, each smaller
            than the stride, to pick one of the output sizes a strided Conv2D maps from.
        data_format: only 'channels_last' (or None).
        dilation_rate: int or (dh, dw).
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as in Conv2D.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layer = layers.Conv2DTranspose(8, 3, strides=2, padding='same')
        >>> layer(np.zeros((1, 7, 7, 16), 'float32')).shape
        (1, 14, 14, 8)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, **kwargs)
        self.filters = args.positive_int("Conv2DTranspose", "filters", filters)
        self.output_padding = None if output_padding is None else args.int_tuple(
            "Conv2DTranspose", "output_padding", output_padding, 2, minimum=0)
        if self.output_padding is not None and any(
            p >= s for p, s in zip(self.output_padding, self.strides, strict=True)
        ):
            raise ValueError(
                f"Conv2DTranspose: each `output_padding` must be smaller than the stride. "
                f"Received: output_padding={output_padding}, strides={self.strides}"
            )
        self.kernel_initializer = kernel_initializer
        self.kernel_regularizer = kernel_regularizer
        self.kernel_constraint = kernel_constraint

    @property
    def _output_channels(self):
        return self.filters

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            self.kernel_size + (self.filters, channels), self.kernel_initializer,
            name="kernel", regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = self._add_bias(self.filters)

    def _spatial_output(self, sizes):
        paddings = self.output_padding or (None,) * 2
        return tuple(
            _transposed_length(n, k, s, self.padding, p, d) for n, k, s, p, d in
            zip(sizes, self.kernel_size, self.strides, paddings, self.dilation_rate,
                strict=True)
        )

    def _convolve(self, inputs):
        return ops.conv2d_transpose(
            inputs, self.kernel, self.bias, strides=self.strides, padding=self.padding,
            output_padding=self.output_padding, dilation_rate=self.dilation_rate)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "output_padding": None if self.output_padding is None else list(
                self.output_padding),
            **serialize_arguments(self, "kernel_initializer", "kernel_regularizer",
                                  "kernel_constraint"),
        }


def _transposed_length(n, kernel, stride, padding, output_padding, dilation):
    if n is None:
        return None
    k = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(k, stride) - k if output_padding is None else output_padding
        return (n - 1) * stride + k + extra
    if output_padding is None:
        return n * stride
    return (n - 1) * stride + k % 2 + output_padding
