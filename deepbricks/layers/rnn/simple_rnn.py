"""SimpleRNNCell and SimpleRNN: the fully connected recurrent layer."""

from deepbricks import activations, ops
from deepbricks.layers.rnn.cell import RecurrentCell
from deepbricks.layers.rnn.rnn import CellRNN, keras1_units

_FUSED = {activations.tanh: "tanh", activations.relu: "relu", activations.sigmoid: "sigmoid",
          activations.linear: "linear"}


class SimpleRNNCell(RecurrentCell):
    """One step of a fully connected RNN: h_t = activation(x_t W + b + h_{t-1} U).

    Weights: ``kernel`` (features, units), ``recurrent_kernel`` (units, units), ``bias``
    (units,), as in Keras. The arguments are those of :class:`RecurrentCell`
    (``activation`` default 'tanh').

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> cell = layers.SimpleRNNCell(4)
        >>> h, states = cell(np.ones((2, 3), 'float32'), [np.zeros((2, 4), 'float32')])
        >>> h.shape
        (2, 4)
    """

    def call(self, inputs, states, training=None):
        previous = states[0] if isinstance(states, (list, tuple)) else states
        h = ops.matmul(self.dropped_inputs(inputs, training), self.kernel)
        if self.bias is not None:
            h = h + self.bias
        h = h + ops.matmul(self.dropped_state(previous, training), self.recurrent_kernel)
        h = self.activation(h)
        return h, [h]

    def sequence_call(self, sequences, states, mask=None, go_backwards=False, training=None):
        """The whole sequence in one fused op (None for activations the op does not have)."""
        name = _FUSED.get(self.activation)
        if name is None:
            return None
        sequences, recurrent_mask = self.sequence_masks(sequences, states[0], training)
        outputs, h = ops.simple_rnn(sequences, states[0], self.kernel, self.recurrent_kernel,
                                    self.bias, activation=name, mask=mask,
                                    go_backwards=go_backwards, recurrent_mask=recurrent_mask)
        return outputs, [h]


class SimpleRNN(CellRNN):
    """Fully connected RNN whose output is fed back: h_t = activation(x_t W + b + h_{t-1} U).

    Same arguments, defaults and weights as Keras 3's SimpleRNN: the cell's (``units``,
    ``activation='tanh'``, ``use_bias``, initializers, regularizers, constraints,
    ``dropout``, ``recurrent_dropout``, ``seed``) and the RNN's (``return_sequences``,
    ``return_state``, ``go_backwards``, ``stateful``, ``unroll``); see
    :class:`~deepbricks.layers.rnn.cell.RecurrentCell` and :class:`RNN`.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.SimpleRNN(8)(np.ones((2, 5, 3), 'float32')).shape
        (2, 8)
    """

    def __init__(self, units=None, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, output_dim=None, **kwargs):
        cell = SimpleRNNCell(
            keras1_units("SimpleRNN", units, output_dim), activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="simple_rnn_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
