"""PReLU: a leaky ReLU whose negative slopes are learned."""

from deepbricks import ops
from deepbricks.layers.layer import InputSpec, Layer, serialize_arguments


class PReLU(Layer):
    """Parametric ReLU: f(x) = x if x >= 0 else alpha * x, with alpha a weight.

    Computed as relu(x) - alpha * relu(-x). alpha has one entry per input element (shape
    ``input_shape[1:]``), except along ``shared_axes``, where it has size 1 and is shared.

    Args:
        alpha_initializer: initializer of alpha (default zeros, i.e. a plain ReLU at first).
        alpha_regularizer: optional penalty on alpha.
        alpha_constraint: optional projection of alpha after each update.
        shared_axes: axis or axes (1-based, batch excluded) sharing one alpha, e.g. [1, 2]
            for one slope per channel of an (N, H, W, C) feature map.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layer = layers.PReLU(alpha_initializer='ones', shared_axes=[1])
        >>> layer(np.array([[-1.0, 2.0]], 'float32')).numpy(), layer.get_weights()[0].shape
        (array([[-1.,  2.]], dtype=float32), (1,))
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        if shared_axes is not None and not isinstance(shared_axes, (list, tuple)):
            shared_axes = [shared_axes]
        if shared_axes is not None and not all(
            isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in shared_axes
        ):
            raise ValueError(
                f"PReLU: `shared_axes` must be axes >= 1 (the batch axis 0 is never shared). "
                f"Received: shared_axes={shared_axes!r}"
            )
        self.shared_axes = None if shared_axes is None else list(shared_axes)
        self.alpha_initializer = alpha_initializer
        self.alpha_regularizer = alpha_regularizer
        self.alpha_constraint = alpha_constraint
        self.supports_masking = True

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if axis >= len(input_shape):
                raise ValueError(
                    f"PReLU '{self.name}': shared axis {axis} does not exist in input shape "
                    f"{tuple(input_shape)}. Received: shared_axes={self.shared_axes}"
                )
            shape[axis - 1] = 1
        if None in shape:
            raise ValueError(
                f"PReLU '{self.name}' needs every non-shared axis known to create alpha, "
                f"received input shape {tuple(input_shape)}. Share the unknown axes with "
                f"shared_axes=[...]."
            )
        self.alpha = self.add_weight(shape, self.alpha_initializer, name="alpha",
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        axes = {i: input_shape[i] for i in range(1, len(input_shape))
                if i not in (self.shared_axes or [])}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)

    def call(self, inputs):
        return ops.relu(inputs) - self.alpha * ops.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            **serialize_arguments(self, "alpha_initializer", "alpha_regularizer",
                                  "alpha_constraint"),
            "shared_axes": self.shared_axes,
        }
