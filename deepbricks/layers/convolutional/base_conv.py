"""What every convolution layer shares: argument checks, the channel check, output shapes."""

from deepbricks import activations, ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.core.dense import fused_activation
from deepbricks.layers.layer import InputSpec, Layer, serialize_arguments
from deepbricks.utils.serialization import serialize


class BaseConv(Layer):
    """Base of the convolution layers (channels-last inputs of rank ``rank + 2``).

    Subclasses create their weights in ``build`` (calling ``_input_channels`` first), convolve
    in ``_convolve`` and give their number of output channels in ``_output_channels``.
    """

    rank = 2
    _allow_causal = False

    def __init__(self, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, bias_initializer="zeros",
                 bias_regularizer=None, bias_constraint=None, activity_regularizer=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name, n = type(self).__name__, self.rank
        self.kernel_size = args.int_tuple(name, "kernel_size", kernel_size, n)
        self.strides = args.int_tuple(name, "strides", strides, n)
        self.dilation_rate = args.int_tuple(name, "dilation_rate", dilation_rate, n)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{name}: strides > 1 together with dilation_rate > 1 is not supported. "
                f"Received: strides={self.strides}, dilation_rate={self.dilation_rate}"
            )
        self.padding = args.padding_mode(name, padding, allow_causal=self._allow_causal)
        self.data_format = args.channels_last(name, data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = bias_initializer
        self.bias_regularizer = bias_regularizer
        self.bias_constraint = bias_constraint
        self.input_spec = InputSpec(ndim=n + 2, hint=self._layout_hint)

    @property
    def _output_channels(self):
        raise NotImplementedError

    def _convolve(self, inputs):
        raise NotImplementedError

    def _spatial_output(self, sizes):
        return tuple(
            args.window_output_length(n, k, s, self.padding, d)
            for n, k, s, d in zip(sizes, self.kernel_size, self.strides, self.dilation_rate,
                                  strict=True)
        )

    def _layout_hint(self, shape):
        if len(shape) == self.rank + 1:
            return "Add a batch axis (e.g. x[None]) or a channel axis (x[..., None])."
        return f"{type(self).__name__} takes channels-last inputs (N, {self._layout_name})."

    @property
    def _layout_name(self):
        return "steps, channels" if self.rank == 1 else "height, width, channels"

    def _input_channels(self, input_shape):
        """The input's channel count, checked; sets the input spec that fixes it."""
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' needs a known number of input channels "
                f"(last axis), received input shape {tuple(input_shape)}."
            )

        def hint(shape):
            if len(shape) == self.rank + 2 and shape[1] == channels:
                return ("The data looks channels-first; transpose it to channels-last "
                        f"(N, {self._layout_name}).")
            return self._layout_hint(shape)

        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels}, hint=hint)
        return channels

    def _add_bias(self, size):
        return self.add_weight((size,), self.bias_initializer, name="bias",
                               regularizer=self.bias_regularizer,
                               constraint=self.bias_constraint) if self.use_bias else None

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        return self.activation(self._convolve(inputs))

    def compute_output_shape(self, input_shape):
        spatial = self._spatial_output(input_shape[1:-1])
        if any(n is not None and n <= 0 for n in spatial):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': input shape {tuple(input_shape)} is too "
                f"small for kernel_size={self.kernel_size} with padding='{self.padding}', "
                f"strides={self.strides} and dilation_rate={self.dilation_rate} (output size "
                f"{spatial}). Use padding='same' or a larger input."
            )
        return (input_shape[0],) + spatial + (self._output_channels,)

    def get_config(self):
        return {
            **super().get_config(),
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": list(self.dilation_rate),
            "activation": serialize(self.activation),
            "use_bias": self.use_bias,
            **serialize_arguments(self, "bias_initializer", "bias_regularizer",
                                  "activity_regularizer", "bias_constraint"),
        }


class Conv(BaseConv):
    """A convolution with a kernel (*kernel_size, in_channels // groups, filters); see Conv2D.

    Subclasses name their op (``ops.conv1d``, ``ops.conv2d``) in ``op_name``.
    """

    op_name = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer, bias_regularizer,
                         bias_constraint, activity_regularizer, **kwargs)
        name = type(self).__name__
        self.filters = args.positive_int(name, "filters", filters)
        self.groups = args.positive_int(name, "groups", groups)
        if self.filters % self.groups:
            raise ValueError(
                f"{name}: `filters` must be divisible by `groups`. Received: "
                f"filters={filters}, groups={groups}"
            )
        self.kernel_initializer = kernel_initializer
        self.kernel_regularizer = kernel_regularizer
        self.kernel_constraint = kernel_constraint

    @property
    def _output_channels(self):
        return self.filters

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': groups={self.groups} must divide the "
                f"number of input channels, received input shape {tuple(input_shape)}."
            )
        self.kernel = self.add_weight(
            self.kernel_size + (channels // self.groups, self.filters),
            self.kernel_initializer, name="kernel", regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = self._add_bias(self.filters)

    def call(self, inputs):
        fused = fused_activation(self.activation)
        if fused is None or self.groups > 1:
            return super().call(inputs)
        # One op adds the bias and applies the activation in place on the product.
        self.compute_output_shape(inputs.shape)
        return self._convolve(inputs, activation=fused)

    def _convolve(self, inputs, activation=None):
        conv = getattr(ops, self.op_name)
        options = dict(strides=self.strides, padding=self.padding,
                       dilation_rate=self.dilation_rate)
        if self.groups == 1:
            return conv(inputs, self.kernel, self.bias, activation=activation, **options)
        # Each group of input channels feeds its own slice of the filters.
        c_in, f_out = self.kernel.shape[-2], self.filters // self.groups
        outputs = [
            conv(inputs[..., g * c_in:(g + 1) * c_in], self.kernel[..., g * f_out:(g + 1) * f_out],
                 **options)
            for g in range(self.groups)
        ]
        outputs = ops.concatenate(outputs, axis=-1)
        return outputs if self.bias is None else outputs + self.bias

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "groups": self.groups,
            **serialize_arguments(self, "kernel_initializer", "kernel_regularizer",
                                  "kernel_constraint"),
        }
