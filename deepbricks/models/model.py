"""Model: a Layer that can be trained (Keras 3's ``keras.Model``).

``Model(inputs, outputs)`` builds a functional model (see ``functional.py``); subclassing
``Model`` and writing ``call`` gives a subclassed model. Either way the training methods
(compile, fit, evaluate, predict, ...) come from ``deepbricks.trainers.Trainer``.
"""

import numpy as np

from deepbricks.autograd import Tensor, no_grad
from deepbricks.layers.layer import Layer
from deepbricks.trainers.trainer import Trainer


class Model(Trainer, Layer):
    """A trainable Layer. Call ``Model(inputs, outputs)`` or subclass and write ``call``.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> class TwoLayers(db.Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = db.layers.Dense(8, activation='relu')
        ...         self.out = db.layers.Dense(2)
        ...     def call(self, x):
        ...         return self.out(self.hidden(x))
        >>> TwoLayers()(np.ones((3, 4), 'float32')).shape
        (3, 2)
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (len(args) >= 2 or {"inputs", "outputs"} <= kwargs.keys()):
            from deepbricks.models.functional import Functional

            return object.__new__(Functional)
        return object.__new__(cls)

    def __init__(self, *, name=None, trainable=True, dtype=None, **kwargs):
        Layer.__init__(self, name=name, trainable=trainable, dtype=dtype, **kwargs)
        Trainer.__init__(self)

    def build(self, input_shape):
        """Builds a subclassed model by running it once on zeros of ``input_shape``."""
        shapes = [input_shape] if _is_shape(input_shape) else list(input_shape)
        dummy = [Tensor(np.zeros([1 if d is None else d for d in s], self.dtype)) for s in shapes]
        with no_grad():
            self.built = True
            self(dummy[0] if _is_shape(input_shape) else dummy, training=False)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False):
        """Prints the layer table: name (type), output shape, parameter count, and totals."""
        from deepbricks.utils.summary import print_summary

        print_summary(self, line_length=line_length, print_fn=print_fn,
                      show_trainable=show_trainable)

    def reset_states(self):
        """Clears the kept states of every stateful layer (e.g. ``LSTM(stateful=True)``)."""
        for layer in self._flat_layers():
            if layer is not self and hasattr(layer, "reset_states"):
                layer.reset_states()

    def _flat_layers(self):
        stack, seen = list(self._layers), []
        while stack:
            layer = stack.pop(0)
            if all(layer is not s for s in seen):
                seen.append(layer)
                stack.extend(layer._layers)
        return seen

    def get_layer(self, name=None, index=None):
        """Finds a sublayer by name or by index in ``layers``."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No layer named {name!r} in model '{self.name}'. "
            f"Layers: {[la.name for la in self.layers]}."
        )

    def save(self, filepath, overwrite=True):
        """Saves architecture, weights and optimizer state into one file (see saving/)."""
        from deepbricks.saving import save_model

        save_model(self, filepath, overwrite=overwrite)

    def save_weights(self, filepath, overwrite=True):
        from deepbricks.saving import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath):
        from deepbricks.saving import load_weights

        load_weights(self, filepath)

    def to_json(self):
        import json

        from deepbricks.saving import serialize_model

        return json.dumps(serialize_model(self))


def _is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)
