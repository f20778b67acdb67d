"""LSTMCell and LSTM: long short-term memory (Hochreiter and Schmidhuber, 1997)."""

import numpy as np

from deepbricks import activations, initializers, ops
from deepbricks.layers.rnn.cell import RecurrentCell
from deepbricks.layers.rnn.rnn import CellRNN, cell_property, check_use_cudnn, keras1_units


class LSTMCell(RecurrentCell):
    """One LSTM step, gates in Keras's order (i, f, c, o) along the weight columns:

    z = x_t W + h_{t-1} U + b;  i = s(z_i), f = s(z_f), g = a(z_c), o = s(z_o);
    c_t = f * c_{t-1} + i * g;  h_t = o * a(c_t),
    with s = ``recurrent_activation`` (sigmoid) and a = ``activation`` (tanh).

    Weights: ``kernel`` (features, 4u), ``recurrent_kernel`` (u, 4u), ``bias`` (4u,). States:
    [h, c]. Besides :class:`RecurrentCell`'s arguments:

    Args:
        recurrent_activation: activation of the gates, default 'sigmoid'.
        unit_forget_bias: initialise the forget gate's bias to 1 (the other blocks with
            ``bias_initializer``), as Jozefowicz et al. (2015) recommend.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> cell = layers.LSTMCell(4)
        >>> zeros = np.zeros((2, 4), 'float32')
        >>> h, (h_again, c) = cell(np.ones((2, 3), 'float32'), [zeros, zeros])
        >>> c.shape
        (2, 4)
    """

    n_gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def bias_weight_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        rest = initializers.get(self.bias_initializer)
        units = self.units

        def forget_gate_ones(shape, dtype=None):
            return np.concatenate([rest((units,), dtype=dtype), np.ones(units, dtype),
                                   rest((2 * units,), dtype=dtype)])

        return forget_gate_ones

    def call(self, inputs, states, training=None):
        h, c = states
        z = ops.matmul(self.dropped_inputs(inputs, training), self.kernel)
        z = z + ops.matmul(self.dropped_state(h, training), self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        gate = self.recurrent_activation
        c = gate(z_f) * c + gate(z_i) * self.activation(z_c)
        h = gate(z_o) * self.activation(c)
        return h, [h, c]

    def sequence_call(self, sequences, states, mask=None, go_backwards=False, training=None):
        """The whole sequence in one fused op (None unless the activations are tanh/sigmoid)."""
        if self.activation is not activations.tanh or \
                self.recurrent_activation is not activations.sigmoid:
            return None
        sequences, recurrent_mask = self.sequence_masks(sequences, states[0], training)
        outputs, h, c = ops.lstm(sequences, states[0], states[1], self.kernel,
                                 self.recurrent_kernel, self.bias, mask=mask,
                                 go_backwards=go_backwards, recurrent_mask=recurrent_mask)
        return outputs, [h, c]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class LSTM(CellRNN):
    """Long short-term memory layer (Keras 3's LSTM: same arguments, defaults and weights).

    The cell's arguments (``units``, ``activation='tanh'``,
    ``recurrent_activation='sigmoid'``, ``use_bias``, initializers with
    ``recurrent_initializer='orthogonal'``, ``unit_forget_bias=True``, regularizers,
    constraints, ``dropout``, ``recurrent_dropout``, ``seed``) and the RNN's
    (``return_sequences``, ``return_state`` giving [output, h, c], ``go_backwards``,
    ``stateful``, ``unroll``); see :class:`LSTMCell` and :class:`RNN`. With the default
    activations the whole sequence runs through the fused :func:`deepbricks.ops.lstm`.
    ``use_cudnn`` is accepted for compatibility (there is no cuDNN here).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> out, h, c = layers.LSTM(8, return_state=True)(np.ones((2, 5, 3), 'float32'))
        >>> out.shape, c.shape
        ((2, 8), (2, 8))
    """

    def __init__(self, units=None, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto",
                 output_dim=None, **kwargs):
        check_use_cudnn("LSTM", use_cudnn)
        cell = LSTMCell(
            keras1_units("LSTM", units, output_dim), activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True), name="lstm_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = use_cudnn

    recurrent_activation = cell_property("recurrent_activation")
    unit_forget_bias = cell_property("unit_forget_bias")
