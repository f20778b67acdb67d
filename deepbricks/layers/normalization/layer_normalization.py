"""LayerNormalization: normalises each sample over its feature axes."""

import warnings

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer, serialize_arguments


class LayerNormalization(Layer):
    """Layer normalisation: statistics of each sample over ``axis``, the same in training
    and inference.

    y = gamma * (x - mean) / sqrt(var + epsilon) + beta, with the biased variance.

    Args:
        axis: axis or list of axes normalised together (default -1, the features); gamma
            and beta have the sizes of these axes.
        epsilon: added to the variance.
        center: whether to learn the offset beta.
        scale: whether to learn the scale gamma.
        rms_scaling: Keras's deprecated option y = gamma * x / sqrt(var + epsilon) (no mean
            subtraction, no beta); it divides by the standard deviation, not the root mean
            square, and warns.
        beta_initializer, gamma_initializer: initializers (zeros, ones).
        beta_regularizer, gamma_regularizer: optional penalties.
        beta_constraint, gamma_constraint: optional projections after each update.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> y = layers.LayerNormalization()(np.array([[1.0, 3.0]], 'float32'))
        >>> np.round(y.numpy(), 4)
        array([[-0.9995,  0.9995]], dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = list(axis)
        valid = isinstance(axis, int) and not isinstance(axis, bool) or (
            isinstance(axis, list) and axis and all(isinstance(a, int) for a in axis))
        if not valid:
            raise ValueError(
                f"LayerNormalization: `axis` must be an int or a list of ints. "
                f"Received: axis={axis!r}"
            )
        if rms_scaling:
            warnings.warn(
                "LayerNormalization(rms_scaling=True) divides by the standard deviation, not "
                "the root mean square, as in Keras where it is deprecated.", UserWarning,
                stacklevel=2)
        self.axis = axis
        self.epsilon = args.non_negative("LayerNormalization", "epsilon", epsilon)
        self.center, self.scale, self.rms_scaling = bool(center), bool(scale), bool(rms_scaling)
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if not all(-rank <= a < rank for a in axes) or 0 in [a % rank for a in axes]:
            raise ValueError(
                f"LayerNormalization '{self.name}': axis {self.axis} must name non-batch "
                f"axes of input shape {tuple(input_shape)}."
            )
        self._axes = tuple(sorted(a % rank for a in axes))
        if any(input_shape[a] is None for a in self._axes):
            raise ValueError(
                f"LayerNormalization '{self.name}' needs the sizes of axes {self._axes} known, "
                f"received input shape {tuple(input_shape)}."
            )
        shape = tuple(input_shape[a] for a in self._axes)
        self.gamma = self.add_weight(
            shape, self.gamma_initializer, name="gamma", regularizer=self.gamma_regularizer,
            constraint=self.gamma_constraint) if self.scale or self.rms_scaling else None
        self.beta = self.add_weight(
            shape, self.beta_initializer, name="beta", regularizer=self.beta_regularizer,
            constraint=self.beta_constraint) if self.center and not self.rms_scaling else None

    def call(self, inputs):
        if self.rms_scaling:
            variance = ops.var(inputs, axis=self._axes, keepdims=True)
            gamma = self._broadcastable(self.gamma, inputs.ndim)
            return inputs / ops.sqrt(variance + self.epsilon) * gamma
        return ops.layer_norm(inputs, self.gamma, self.beta, axis=self._axes,
                              epsilon=self.epsilon)

    def _broadcastable(self, weight, ndim):
        """The weight reshaped to broadcast against an input of rank ``ndim``."""
        shape = [1] * ndim
        for i, axis in enumerate(self._axes):
            shape[axis] = weight.shape[i]
        return ops.reshape(weight, shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            **serialize_arguments(self, "beta_initializer", "gamma_initializer",
                                  "beta_regularizer", "gamma_regularizer", "beta_constraint",
                                  "gamma_constraint"),
        }
