"""What SimpleRNNCell, LSTMCell and GRUCell share: arguments, weights, dropout masks, configs.

A cell computes one time step, ``call(inputs, states) -> (output, new_states)``, with small
ops, so it can be read (and stepped by ``RNN(cell, unroll=True)``). Its ``sequence_call`` runs
the whole sequence through the fused op of ``deepbricks.ops.rnn`` instead, which is what the
layers use when the activations are the defaults.
"""

import numpy as np

from deepbricks import activations, backend
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer, serialize_arguments
from deepbricks.utils.serialization import serialize

WEIGHT_ARGUMENTS = (
    "kernel_initializer", "recurrent_initializer", "bias_initializer",
    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
    "kernel_constraint", "recurrent_constraint", "bias_constraint",
)  # fmt: skip


class RecurrentCell(Layer):
    """Base of the built-in cells: ``n_gates`` blocks of ``units`` columns in each weight.

    Args:
        units: size of the state and of the output.
        activation: activation of the state (or candidate); name, callable or None.
        use_bias: whether the cell has a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers of the
            input kernel (default glorot_uniform), the recurrent kernel (orthogonal) and the
            bias (zeros).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: optional projections.
        dropout: fraction of the input features dropped while training, in [0, 1); one mask
            per sequence, the same at every step.
        recurrent_dropout: fraction of the state dropped before the recurrent product while
            training; one mask per sequence. (With recurrent dropout on, Keras draws a
            separate input mask and recurrent mask for each gate; here one of each serves
            every gate, so that a step stays one product with the whole kernel. Both are
            unbiased and drop the same fraction.)
        seed: optional int; dropout masks then come from the cell's own generator.
    """

    n_gates = 1

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        self.units = args.positive_int(name, "units", units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.recurrent_regularizer = recurrent_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.recurrent_constraint = recurrent_constraint
        self.bias_constraint = bias_constraint
        self.dropout = args.rate(name, dropout, "dropout")
        self.recurrent_dropout = args.rate(name, recurrent_dropout, "recurrent_dropout")
        self.seed = seed
        self.generator = args.generator(name, seed)
        self.state_size = self.units
        self.output_size = self.units
        self._dropout_mask = self._recurrent_dropout_mask = None

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' needs a known number of input features, "
                f"received input shape {tuple(input_shape)}."
            )
        width = self.n_gates * self.units
        self.kernel = self.add_weight(
            (features, width), self.kernel_initializer, name="kernel",
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            (self.units, width), self.recurrent_initializer, name="recurrent_kernel",
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        self.bias = self.add_weight(
            self.bias_shape(), self.bias_weight_initializer(), name="bias",
            regularizer=self.bias_regularizer, constraint=self.bias_constraint,
        ) if self.use_bias else None

    def bias_shape(self):
        return (self.n_gates * self.units,)

    def bias_weight_initializer(self):
        return self.bias_initializer

    def get_initial_state(self, batch_size=None):
        """Zero states, one (batch_size, size) array per entry of ``state_size``."""
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [np.zeros((batch_size, size), self.dtype) for size in sizes]

    # -- dropout: one mask per sequence, drawn on first use and kept until reset ---------
    def get_dropout_mask(self, step_input):
        """The (batch, features) input dropout mask, scaled by 1 / (1 - dropout)."""
        return self._input_mask(step_input.shape)

    def get_recurrent_dropout_mask(self, state):
        """The (batch, units) recurrent dropout mask, scaled by 1 / (1 - recurrent_dropout)."""
        if self._recurrent_dropout_mask is None and self.recurrent_dropout:
            self._recurrent_dropout_mask = self._draw_mask(state.shape, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    def _input_mask(self, shape):
        if self._dropout_mask is None and self.dropout:
            self._dropout_mask = self._draw_mask(shape, self.dropout)
        return self._dropout_mask

    def _draw_mask(self, shape, rate):
        keep = (self.generator or backend.rng()).random(shape) >= rate
        mask = keep.astype(self.dtype)
        mask *= 1.0 / (1.0 - rate)
        return mask

    def dropped_inputs(self, inputs, training):
        """The step's inputs with the input dropout mask applied while training."""
        return inputs * self.get_dropout_mask(inputs) if training and self.dropout else inputs

    def dropped_state(self, state, training):
        """The previous state with the recurrent dropout mask applied while training."""
        if training and self.recurrent_dropout:
            return state * self.get_recurrent_dropout_mask(state)
        return state

    def sequence_masks(self, sequences, state, training):
        """For the fused op: the sequences with input dropout applied (one mask broadcast over
        the time axis), and the recurrent mask (or None)."""
        if not training:
            return sequences, None
        if self.dropout:
            n, _, features = sequences.shape
            sequences = sequences * self._input_mask((n, features))[:, None, :]
        recurrent = self.get_recurrent_dropout_mask(state) if self.recurrent_dropout else None
        return sequences, recurrent

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": serialize(self.activation),
            "use_bias": self.use_bias,
            **serialize_arguments(self, *WEIGHT_ARGUMENTS),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
