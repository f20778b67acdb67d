"""Dense: the fully connected layer."""

import warnings

from deepbricks import activations, ops
from deepbricks.layers.layer import InputSpec, Layer, serialize_arguments
from deepbricks.utils.serialization import serialize


def fused_activation(activation):
    """The name of the op epilogue for a Keras activation function, or None if not fusable.

    Shared with the convolution layers: linear, relu, tanh and sigmoid run in place inside
    ``ops.dense`` / ``ops.conv2d``; any other callable is applied to the op's result.
    """
    return _FUSED.get(activation)


_FUSED = {
    activations.linear: "linear",
    activations.relu: "relu",
    activations.tanh: "tanh",
    activations.sigmoid: "sigmoid",
}


class Dense(Layer):
    """Fully connected layer: y = activation(x @ kernel + bias).

    The kernel has shape (input_dim, units), as in Keras, so weights move between the two
    unchanged. Inputs of rank > 2 are multiplied on their last axis.

    Args:
        units: output size. ``output_dim`` is the Keras 1 spelling (deprecated).
        activation: name or callable; None means linear.
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer: initializers (default glorot_uniform, zeros).
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties.
        kernel_constraint, bias_constraint: optional projections after each update.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Dense(3)(np.ones((2, 4), 'float32')).shape
        (2, 3)
    """

    def __init__(self, units=None, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, output_dim=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if output_dim is not None:
            warnings.warn("`output_dim=` is the Keras 1 spelling; use `units=`.",
                          DeprecationWarning, stacklevel=2)
            units = output_dim
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"Dense needs a positive integer number of units. Received: units={units!r}"
            )
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(f"Dense '{self.name}' needs a known last input dimension, "
                             f"received input shape {tuple(input_shape)}.")
        self.kernel = self.add_weight(
            (in_dim, self.units), self.kernel_initializer, name="kernel",
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = self.add_weight(
            (self.units,), self.bias_initializer, name="bias",
            regularizer=self.bias_regularizer, constraint=self.bias_constraint,
        ) if self.use_bias else None
        self.input_spec = InputSpec(
            min_ndim=2, axes={-1: in_dim},
            hint=lambda shape: "Add a Flatten?" if len(shape) > len(input_shape) else None)

    def call(self, inputs):
        fused = fused_activation(self.activation)
        if fused is not None:
            return ops.dense(inputs, self.kernel, self.bias, activation=fused)
        return self.activation(ops.dense(inputs, self.kernel, self.bias))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": serialize(self.activation),
            "use_bias": self.use_bias,
            **serialize_arguments(self, "kernel_initializer", "bias_initializer",
                                  "kernel_regularizer", "bias_regularizer",
                                  "activity_regularizer", "kernel_constraint",
                                  "bias_constraint"),
        }
