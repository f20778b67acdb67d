"""RNN: runs a cell over the time axis of (batch, timesteps, features) sequences."""

import warnings

import numpy as np

from deepbricks import ops
from deepbricks.autograd.tensor import Tensor
from deepbricks.layers.layer import Layer, serialize_arguments
from deepbricks.utils.serialization import deserialize, serialize


class RNN(Layer):
    """Base of the recurrent layers: steps a cell through time (Keras's ``keras.layers.RNN``).

    A cell is a Layer with a ``state_size`` (an int, or a list with one size per state) and
    ``call(inputs, states, training=None) -> (output, new_states)`` computing one step. The
    built-in cells also have ``sequence_call``, a fused kernel for the whole sequence with a
    hand-written backward through time, used unless ``unroll=True``.

    Masks (from ``Embedding(mask_zero=True)`` or ``Masking``) are (batch, timesteps), True
    where a step is real: a masked step leaves the states unchanged and outputs the previous
    output (zeros before the first real step, or always zeros with ``zero_output_for_mask``).

    Args:
        cell: the cell instance.
        return_sequences: return the output of every step, (N, T, units), instead of the
            last one, (N, units).
        return_state: also return the last states: ``[output, *states]``.
        go_backwards: process the sequence from its last step to its first; the returned
            sequence is then in that reversed order.
        stateful: keep the last states of each batch as the initial states of the next call
            (sample i continues sample i), until ``reset_states()``.
        unroll: step the cell's ``call`` once per time step, recording each small op in the
            graph (the readable reference path) instead of its fused sequence kernel.
        zero_output_for_mask: output zeros, rather than the previous output, at masked steps.

    Call arguments:
        sequences: (batch, timesteps, features) Tensor or array.
        initial_state: a state or a list of states, each (batch, size); zeros by default.
        mask: optional (batch, timesteps) bool array or Tensor.
        training: whether dropout is active.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> rnn = layers.RNN(layers.SimpleRNNCell(4), return_sequences=True)
        >>> rnn(np.ones((2, 5, 3), 'float32')).shape
        (2, 5, 4)
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        layer = type(self).__name__
        if isinstance(cell, (list, tuple)):
            raise ValueError(
                f"{layer}: stacking cells in one layer (a list of cells) is not supported; "
                f"stack layers instead, each but the last with return_sequences=True. Received: "
                f"cell={cell!r}"
            )
        if not callable(getattr(cell, "call", None)) or getattr(cell, "state_size", None) is None:
            raise ValueError(
                f"{layer}: `cell` must be a layer with a `call(inputs, states)` method and a "
                f"`state_size` attribute, e.g. layers.LSTMCell(32). Received: cell={cell!r}"
            )
        kwargs = _keras1_input_shape(layer, kwargs)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.states = None

    @property
    def state_size(self):
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def output_size(self):
        return getattr(self.cell, "output_size", None) or self.state_size[0]

    # -- calling -------------------------------------------------------------------------
    def __call__(self, inputs, *args, initial_state=None, **kwargs):
        # Initial states travel with the sequences as one list, so that a functional model
        # sees them as inputs of this layer (and mask lists line up with them).
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [
                initial_state]
            inputs = [inputs, *states]
        sequences = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        check_sequences(self, sequences)
        return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape):
        shape = sequence_shape(input_shape)
        self.cell.build_from_shape((shape[0],) + tuple(shape[2:]))
        for variable in self.cell.weights:
            if not variable.path.startswith(f"{self.name}/"):
                variable.path = f"{self.name}/{variable.path}"

    def call(self, sequences, initial_state=None, mask=None, training=None):
        if isinstance(sequences, (list, tuple)):
            sequences, *given = sequences
            initial_state = given or None
        mask = self._mask_array(sequences, mask)
        states = self._initial_states(sequences, initial_state)
        fused = None if self.unroll else getattr(self.cell, "sequence_call", None)
        try:
            result = None if fused is None else fused(
                sequences, states, mask=mask, go_backwards=self.go_backwards, training=training)
            if result is not None:
                # A fused cell's output is its first state.
                outputs, states = result
                last = outputs[:, -1] if mask is not None else states[0]
            else:
                outputs, last, states = self._step_through(sequences, states, mask, training)
        finally:
            for reset in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
                getattr(self.cell, reset, lambda: None)()
        if mask is not None and self.zero_output_for_mask:
            step_mask = np.ascontiguousarray(mask[:, ::-1] if self.go_backwards else mask)
            if self.return_sequences:
                outputs = outputs * step_mask[:, :, None].astype(outputs.dtype)
            last = last * step_mask[:, -1:].astype(last.dtype)
        if self.stateful:
            self.states = [np.array(_data(s)) for s in states]
        output = outputs if self.return_sequences else last
        return [output, *states] if self.return_state else output

    def _step_through(self, sequences, states, mask, training):
        """The reference loop: one cell call per step, in the graph op by op."""
        steps = sequences.shape[1]
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        inputs = ops.split(sequences, steps, axis=1) if steps > 1 else (sequences,)
        outputs, previous = [], None
        for t in order:
            output, new_states = self.cell(ops.squeeze(inputs[t], axis=1), states,
                                           training=training)
            new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [
                new_states]
            if mask is not None:
                keep = mask[:, t, None]
                fallback = np.zeros(output.shape, output.dtype) if previous is None else previous
                output = ops.where(keep, output, fallback)
                new_states = [ops.where(keep, new, old) for new, old in zip(new_states, states)]
            outputs.append(output)
            previous, states = output, new_states
        sequence = ops.stack(outputs, axis=1) if self.return_sequences else None
        return sequence, outputs[-1], states

    # -- checks and states ---------------------------------------------------------------
    def _mask_array(self, sequences, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is None:
            return None
        mask = np.asarray(_data(mask))
        expected = tuple(sequences.shape[:2])
        if mask.shape != expected:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' received a mask of shape {mask.shape} "
                f"for inputs of shape {tuple(sequences.shape)}; the mask must have shape "
                f"(batch, timesteps) = {expected}, True at the real steps. Masks usually come "
                f"from Embedding(mask_zero=True) or Masking applied to these same sequences."
            )
        return mask.astype(bool, copy=False)

    def _initial_states(self, sequences, initial_state):
        batch = sequences.shape[0]
        if initial_state is None:
            if self.stateful:
                if self.states is None:
                    self.states = self.get_initial_state(batch)
                elif self.states[0].shape[0] != batch:
                    raise ValueError(
                        f"{type(self).__name__} '{self.name}' is stateful and holds states for "
                        f"a batch of {self.states[0].shape[0]}, but received a batch of {batch}. "
                        f"Feed batches of one size (Input(batch_size=...), and fit(..., "
                        f"shuffle=False) with batch_size equal to it), or call reset_states()."
                    )
                return [Tensor(s) for s in self.states]
            return [Tensor(s) for s in self.get_initial_state(batch)]
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [
            initial_state]
        expected = [(batch, size) for size in self.state_size]
        received = [tuple(np.shape(_data(s))) for s in states]
        if received != expected:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expected initial_state as "
                f"{len(expected)} tensor(s) of shapes {expected} (batch, state size) for inputs "
                f"of shape {tuple(sequences.shape)}; received shapes {received}."
                + (" An LSTM takes two states, [h, c]." if len(expected) == 2 else "")
            )
        return [self._to_tensor(s) for s in states]

    def get_initial_state(self, batch_size):
        """Zero states (arrays) for a batch, from the cell's ``get_initial_state`` if any."""
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size=batch_size)
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            return [np.array(_data(s), dtype=self.dtype) for s in states]
        return [np.zeros((batch_size, size), self.dtype) for size in self.state_size]

    def reset_states(self):
        """Zeroes the states a stateful layer carries between calls."""
        if self.states is not None:
            for state in self.states:
                state[...] = 0

    reset_state = reset_states

    # -- shapes, masks, config -----------------------------------------------------------
    def compute_output_shape(self, input_shape):
        shape = sequence_shape(input_shape)
        batch = shape[0]
        output = (batch, shape[1], self.output_size) if self.return_sequences else (
            batch, self.output_size)
        if self.return_state:
            return [output] + [(batch, size) for size in self.state_size]
        return output

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def get_config(self):
        return {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize(self.cell),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from deepbricks import layers

        config = dict(config)
        cell = deserialize(config.pop("cell"), layers, custom_objects)
        return cls(cell, **config)


def sequence_shape(input_shape):
    """The shape of the sequences when initial states are passed along with them."""
    if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple)):
        return tuple(input_shape[0])
    return tuple(input_shape)


def check_sequences(layer, sequences):
    """A recurrent layer reads (batch, timesteps, features); anything else gets a clear error."""
    shape = tuple(getattr(sequences, "shape", np.shape(sequences)))
    if len(shape) != 3:
        hint = (" For one sequence of scalars per sample, add a feature axis: x[..., None]."
                if len(shape) == 2 else "")
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}' expected an input of rank 3 (batch, "
            f"timesteps, features), received input shape {shape}. Recurrent layers read "
            f"sequences of feature vectors: put Embedding first for token ids, or reshape the "
            f"data to (batch, timesteps, features).{hint}"
        )


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def _keras1_input_shape(layer, kwargs):
    """Keras 1's ``input_dim`` (features) and ``input_length`` (timesteps) as ``input_shape``."""
    if "input_dim" not in kwargs and "input_length" not in kwargs:
        return kwargs
    kwargs = dict(kwargs)
    features, steps = kwargs.pop("input_dim", None), kwargs.pop("input_length", None)
    warnings.warn(
        f"{layer}: `input_dim=`/`input_length=` are the Keras 1 spellings; use "
        f"`input_shape=(timesteps, features)` or an `Input(shape=(timesteps, features))` first.",
        DeprecationWarning, stacklevel=4)
    kwargs["input_shape"] = (steps, features)
    return kwargs


def cell_property(name):
    """A read-only layer attribute that is the cell's (``layer.units is layer.cell.units``)."""
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's ``{name}``.")




def keras1_units(layer, units, output_dim):
    """``output_dim=`` is the Keras 1 spelling of ``units``."""
    if output_dim is not None:
        warnings.warn(f"{layer}: `output_dim=` is the Keras 1 spelling; use `units=`.",
                      DeprecationWarning, stacklevel=3)
        return output_dim
    return units


class CellRNN(RNN):
    """Base of the layers that build and own their cell (SimpleRNN, LSTM, GRU): the cell's
    arguments read through the layer, and the config holds the RNN arguments and the cell's
    side by side, as Keras writes it."""

    units = cell_property("units")
    activation = cell_property("activation")
    use_bias = cell_property("use_bias")
    dropout = cell_property("dropout")
    recurrent_dropout = cell_property("recurrent_dropout")

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell = {k: v for k, v in self.cell.get_config().items()
                if k not in ("name", "trainable", "dtype")}
        return {**config, **cell, **serialize_arguments(self, "activity_regularizer")}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def check_use_cudnn(layer, use_cudnn):
    """``use_cudnn`` is only accepted for Keras compatibility (there is no cuDNN here)."""
    if use_cudnn not in ("auto", True, False):
        raise ValueError(f"{layer}: `use_cudnn` must be 'auto', True or False. Received: "
                         f"use_cudnn={use_cudnn!r}")
