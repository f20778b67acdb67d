"""TimeDistributed: applies a layer to every time step of a sequence."""

import numpy as np

from deepbricks import ops
from deepbricks.autograd.tensor import Tensor
from deepbricks.layers.layer import Layer
from deepbricks.utils.serialization import deserialize, serialize


class TimeDistributed(Layer):
    """Applies the same layer (same weights) to every step: y[:, t] = layer(x[:, t]).

    The (N, T, ...) input is reshaped to (N*T, ...), passed through the layer in one call,
    and the result reshaped back to (N, T, ...), so the layer runs once on a larger batch
    rather than T times. A (N, T) mask is passed to the layer (as (N*T,)) when its call takes
    one, and passed on to the next layer unchanged.

    Args:
        layer: a layer instance, e.g. Dense(10) or Conv2D(...).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.TimeDistributed(layers.Dense(4))(np.ones((2, 5, 3), 'float32')).shape
        (2, 5, 4)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"TimeDistributed: `layer` must be a layer instance such as layers.Dense(10). "
                f"Received: layer={layer!r}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _inner_shape(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(
                f"TimeDistributed '{self.name}' expected an input of rank >= 3 (batch, "
                f"timesteps, ...), received input shape {tuple(input_shape)}. Each sample must "
                f"be a sequence whose steps the wrapped layer accepts."
            )
        return (input_shape[0],) + tuple(input_shape[2:])

    def build(self, input_shape):
        self.layer.build_from_shape(self._inner_shape(input_shape))

    def call(self, inputs, training=None, mask=None):
        self._inner_shape(inputs.shape)
        n, steps = inputs.shape[:2]
        kwargs = {}
        if mask is not None and "mask" in self.layer._call_args:
            mask = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
            if tuple(mask.shape[:2]) != (n, steps):
                raise ValueError(
                    f"TimeDistributed '{self.name}' received a mask of shape "
                    f"{tuple(mask.shape)} for inputs of shape {tuple(inputs.shape)}; it must "
                    f"start with (batch, timesteps) = {(n, steps)}."
                )
            kwargs["mask"] = mask.reshape((n * steps,) + tuple(mask.shape[2:]))
        flat = ops.reshape(inputs, (n * steps,) + tuple(inputs.shape[2:]))
        outputs = self.layer(flat, training=training, **kwargs)
        return ops.reshape(outputs, (n, steps) + tuple(outputs.shape[1:]))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape(self._inner_shape(input_shape))
        return (input_shape[0], input_shape[1]) + tuple(inner[1:])

    def get_config(self):
        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from deepbricks import layers

        config = dict(config)
        return cls(deserialize(config.pop("layer"), layers, custom_objects), **config)
