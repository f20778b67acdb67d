"""Bidirectional: a recurrent layer run forwards and backwards, outputs merged."""

from deepbricks import ops
from deepbricks.layers.layer import Layer
from deepbricks.layers.rnn.rnn import RNN, check_sequences, sequence_shape
from deepbricks.utils.serialization import deserialize, serialize

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """Runs a copy of an RNN layer over the sequence and another over it reversed.

    The backward copy processes the steps from last to first; when sequences are returned its
    output is flipped back to the input's time order, so that step t of the result sees the
    whole sequence. The two outputs are merged: y = [y_fwd, y_bwd] ('concat'), y_fwd + y_bwd
    ('sum'), y_fwd * y_bwd ('mul'), (y_fwd + y_bwd) / 2 ('ave'), or the list of both (None).
    Weights list the forward layer's before the backward layer's, as in Keras.

    Args:
        layer: an RNN layer (LSTM, GRU, SimpleRNN or RNN); it is copied from its config, so
            the given instance itself is not used.
        merge_mode: 'concat' (default), 'sum', 'mul', 'ave' or None.
        backward_layer: optional RNN layer for the backward direction; it must have the
            opposite ``go_backwards`` and the same ``return_sequences``, ``return_state`` and
            ``stateful`` as ``layer``.

    Call arguments:
        sequences: (batch, timesteps, features).
        initial_state: the forward layer's states followed by the backward layer's.
        mask, training: as for RNN.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> bi = layers.Bidirectional(layers.LSTM(4, return_sequences=True))
        >>> bi(np.ones((2, 5, 3), 'float32')).shape
        (2, 5, 8)
    """

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        for name, value in (("layer", layer), ("backward_layer", backward_layer)):
            if value is not None and not isinstance(value, RNN):
                raise ValueError(
                    f"Bidirectional: `{name}` must be a recurrent layer instance such as "
                    f"layers.LSTM(32). Received: {name}={value!r}"
                )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Bidirectional: `merge_mode` must be one of {_MERGE_MODES}. Received: "
                f"merge_mode={merge_mode!r}"
            )
        super().__init__(**kwargs)
        self.forward_layer = _copy(layer, f"forward_{layer.name.removeprefix('forward_')}")
        if backward_layer is None:
            backward_layer = _copy(layer, f"backward_{layer.name.removeprefix('backward_')}",
                                   go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        self._check_pair()
        for direction in (self.forward_layer, self.backward_layer):
            # Masked steps of each direction output zeros, so that the merged output at a
            # padded step does not mix one direction's stale output into the other's.
            direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful
        self.supports_masking = True

    def _check_pair(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                f"Bidirectional: the forward and backward layers must have different "
                f"`go_backwards`; received forward_layer.go_backwards={forward.go_backwards}, "
                f"backward_layer.go_backwards={backward.go_backwards}."
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            a, b = getattr(forward, attribute), getattr(backward, attribute)
            if a != b:
                raise ValueError(
                    f"Bidirectional: the forward and backward layers must have the same "
                    f"`{attribute}`; received {a} for the forward layer and {b} for the "
                    f"backward layer."
                )

    def __call__(self, inputs, *args, initial_state=None, **kwargs):
        if initial_state is not None:
            inputs = [inputs, *initial_state]
        check_sequences(self, inputs[0] if isinstance(inputs, (list, tuple)) else inputs)
        return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape):
        shape = sequence_shape(input_shape)
        self.forward_layer.build_from_shape(shape)
        self.backward_layer.build_from_shape(shape)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        forward_state = backward_state = None
        if isinstance(sequences, (list, tuple)):
            sequences, *initial_state = sequences
        if initial_state:
            half = len(initial_state) // 2
            if 2 * half != len(initial_state) or half != len(self.forward_layer.state_size):
                raise ValueError(
                    f"Bidirectional '{self.name}' expected initial_state as the forward "
                    f"layer's {len(self.forward_layer.state_size)} state(s) followed by the "
                    f"backward layer's; received {len(initial_state)} tensor(s)."
                )
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        y = self.forward_layer(sequences, initial_state=forward_state, mask=mask,
                               training=training)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, mask=mask,
                                    training=training)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        if self.merge_mode == "concat":
            output = [ops.concatenate([y, y_rev], axis=-1)]
        elif self.merge_mode == "sum":
            output = [y + y_rev]
        elif self.merge_mode == "ave":
            output = [(y + y_rev) * 0.5]
        elif self.merge_mode == "mul":
            output = [y * y_rev]
        else:
            output = [y, y_rev]
        if len(output) == 1 and not states:
            return output[0]
        return output + states

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(sequence_shape(input_shape))
        states = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
        if self.merge_mode == "concat":
            output = [tuple(shape[:-1]) + (None if shape[-1] is None else 2 * shape[-1],)]
        elif self.merge_mode is None:
            output = [tuple(shape), tuple(shape)]
        else:
            output = [tuple(shape)]
        if len(output) == 1 and not states:
            return output[0]
        return output + states + states

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask] if self.merge_mode else [output_mask, output_mask]
        if self.return_state:
            masks += [None] * (2 * len(self.forward_layer.state_size))
        return masks[0] if len(masks) == 1 else masks

    def reset_states(self):
        """Zeroes the carried states of both directions (stateful layers)."""
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize(self.forward_layer),
                "backward_layer": serialize(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from deepbricks import layers

        config = dict(config)
        layer = deserialize(config.pop("layer"), layers, custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize(backward, layers, custom_objects)
        return cls(layer, backward_layer=backward, **config)


def _copy(layer, name, **changes):
    """A fresh layer with ``layer``'s config (no weights or states carried over)."""
    config = {**layer.get_config(), "name": name, **changes}
    return type(layer).from_config(config)
