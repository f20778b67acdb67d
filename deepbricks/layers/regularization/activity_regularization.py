"""ActivityRegularization: adds an L1/L2 penalty on its input to the training loss."""

from deepbricks import regularizers
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer


class ActivityRegularization(Layer):
    """Returns its input unchanged and adds (l1 * sum|x| + l2 * sum x^2) / batch_size to
    ``losses``, the penalty Keras adds for an ``activity_regularizer``.

    Args:
        l1: L1 factor (>= 0).
        l2: L2 factor (>= 0).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layer = layers.ActivityRegularization(l1=0.5)
        >>> _ = layer(np.array([[1.0, -3.0]], 'float32'))
        >>> float(layer.losses[0].numpy())
        2.0
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        l1 = args.non_negative("ActivityRegularization", "l1", l1)
        l2 = args.non_negative("ActivityRegularization", "l2", l2)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
