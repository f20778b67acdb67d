"""Highway: a fully connected layer with a learned gate between its output and its input."""

from deepbricks import activations, initializers, ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import InputSpec, Layer, serialize_arguments
from deepbricks.utils.serialization import serialize


class Highway(Layer):
    """Highway layer (Srivastava, Greff and Schmidhuber, "Training Very Deep Networks", 2015).

        H = activation(x @ kernel + bias)
        T = sigmoid(x @ transform_kernel + transform_bias)
        y = T * H + (1 - T) * x = x + T * (H - x)

    The transform gate T decides, per unit, how much of the transformed signal H replaces
    the input that is carried through unchanged. A negative ``transform_gate_bias`` makes
    the layers start out close to the identity, so gradients reach the first layers of a
    deep stack (the paper uses -1 to -3). Input and output have the same size, so the layer
    keeps the width of its input.

    Weights, in order: kernel (d, d), bias (d,), transform_kernel (d, d), transform_bias (d,),
    with d the last input dimension; kernels laid out (input, output) as Dense's.

    Args:
        activation: the nonlinearity of H (name or callable; None means linear).
        transform_gate_bias: initial value of every entry of transform_bias.
        kernel_initializer: initializer of both kernels (default glorot_uniform).
        bias_initializer: initializer of the bias of H (default zeros).
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties (the
            kernel and bias ones apply to both the transform and the gate).
        kernel_constraint, bias_constraint: optional projections after each update.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Highway(transform_gate_bias=-2.0)(np.ones((4, 8), 'float32')).shape
        (4, 8)
    """

    def __init__(self, activation="relu", transform_gate_bias=-1.0,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.activation = activations.get(activation)
        self.transform_gate_bias = args.number("Highway", "transform_gate_bias",
                                               transform_gate_bias)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        dim = input_shape[-1]
        if dim is None:
            raise ValueError(f"Highway '{self.name}' needs a known last input dimension, "
                             f"received input shape {tuple(input_shape)}.")
        kernel = dict(initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                      constraint=self.kernel_constraint)
        bias = dict(regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.kernel = self.add_weight((dim, dim), name="kernel", **kernel)
        self.bias = self.add_weight((dim,), self.bias_initializer, name="bias", **bias)
        self.transform_kernel = self.add_weight((dim, dim), name="transform_kernel", **kernel)
        self.transform_bias = self.add_weight(
            (dim,), initializers.Constant(self.transform_gate_bias), name="transform_bias",
            **bias)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: dim})

    def call(self, inputs):
        transformed = self.activation(ops.matmul(inputs, self.kernel) + self.bias)
        gate = ops.sigmoid(ops.matmul(inputs, self.transform_kernel) + self.transform_bias)
        return inputs + gate * (transformed - inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "activation": serialize(self.activation),
            "transform_gate_bias": self.transform_gate_bias,
            **serialize_arguments(self, "kernel_initializer", "bias_initializer",
                                  "kernel_regularizer", "bias_regularizer",
                                  "activity_regularizer", "kernel_constraint",
                                  "bias_constraint"),
        }
