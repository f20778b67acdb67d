"""BatchNormalization: normalises each feature with batch statistics while training."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import InputSpec, Layer, serialize_arguments


class BatchNormalization(Layer):
    """Batch normalisation along the feature ``axis`` (the channels of NHWC images).

    y = gamma * (x - mean) / sqrt(var + epsilon) + beta

    In training (``training=True``) mean and var are the batch's (biased) statistics over
    every axis but ``axis``, and the moving statistics follow them:
    moving = moving * momentum + batch * (1 - momentum). Otherwise (``training`` False or
    None) the moving statistics are used. A frozen layer (``trainable = False``) always runs
    in inference mode, as in Keras 3, which is what fine-tuning a pretrained network needs.

    Weights, in Keras's order: gamma, beta (trainable), moving_mean, moving_variance.

    Args:
        axis: the feature axis (default -1, the channels).
        momentum: of the moving statistics.
        epsilon: added to the variance.
        center: whether to learn the offset beta.
        scale: whether to learn the scale gamma.
        beta_initializer, gamma_initializer, moving_mean_initializer,
            moving_variance_initializer: initializers (zeros, ones, zeros, ones).
        beta_regularizer, gamma_regularizer: optional penalties.
        beta_constraint, gamma_constraint: optional projections after each update.
        synchronized: Keras's cross-device option; deepbricks runs on one device, so only
            False is accepted.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> bn = layers.BatchNormalization()
        >>> y = bn(np.array([[1.0], [3.0]], 'float32'), training=True)
        >>> np.round(y.numpy().ravel(), 4), bn.moving_mean.numpy()
        (array([-0.9995,  0.9995], dtype=float32), array([0.02], dtype=float32))
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise ValueError(
                f"BatchNormalization: `axis` must be an int (the feature axis). "
                f"Received: axis={axis!r}"
            )
        if synchronized:
            raise ValueError(
                "BatchNormalization: synchronized=True (statistics shared across devices) is "
                "not supported; deepbricks trains on one device. Received: synchronized=True"
            )
        self.axis = axis
        self.momentum = args.number("BatchNormalization", "momentum", momentum)
        self.epsilon = args.non_negative("BatchNormalization", "epsilon", epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.synchronized = False
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"BatchNormalization '{self.name}': axis {self.axis} does not exist in input "
                f"shape {tuple(input_shape)}."
            )
        size = input_shape[self.axis]
        if size is None:
            raise ValueError(
                f"BatchNormalization '{self.name}' needs the size of axis {self.axis} known, "
                f"received input shape {tuple(input_shape)}."
            )
        shape = (size,)
        self.gamma = self.add_weight(
            shape, self.gamma_initializer, name="gamma", regularizer=self.gamma_regularizer,
            constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight(
            shape, self.beta_initializer, name="beta", regularizer=self.beta_regularizer,
            constraint=self.beta_constraint) if self.center else None
        self.moving_mean = self.add_weight(shape, self.moving_mean_initializer,
                                           name="moving_mean", trainable=False)
        self.moving_variance = self.add_weight(shape, self.moving_variance_initializer,
                                               name="moving_variance", trainable=False)
        self.input_spec = InputSpec(ndim=rank, axes={self.axis % rank: size})

    def call(self, inputs, training=None):
        if training and self.trainable:
            outputs, mean, variance = ops.batch_norm(
                inputs, self.gamma, self.beta, axis=self.axis, epsilon=self.epsilon)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.data * m + mean * (1.0 - m))
            self.moving_variance.assign(self.moving_variance.data * m + variance * (1.0 - m))
            return outputs
        return ops.batch_norm_inference(inputs, self.moving_mean, self.moving_variance,
                                        self.gamma, self.beta, axis=self.axis,
                                        epsilon=self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **serialize_arguments(
                self, "beta_initializer", "gamma_initializer", "moving_mean_initializer",
                "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
                "beta_constraint", "gamma_constraint"),
            "synchronized": self.synchronized,
        }
