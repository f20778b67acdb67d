"""GRUCell and GRU: the gated recurrent unit (Cho et al., 2014)."""

from deepbricks import activations, ops
from deepbricks.layers.rnn.cell import RecurrentCell
from deepbricks.layers.rnn.rnn import CellRNN, cell_property, check_use_cudnn, keras1_units


class GRUCell(RecurrentCell):
    """One GRU step, gates in Keras's order (z, r, h) along the weight columns:

    z = s(x W_z + h U_z + b_z), r = s(x W_r + h U_r + b_r),
    reset_after=True (default): hh = a(x W_h + b_in_h + r * (h U_h + b_rec_h)), with a bias
    of shape (2, 3u) holding the input bias b_in and the recurrent bias b_rec (b_z is then
    b_in_z + b_rec_z, likewise b_r);
    reset_after=False: hh = a(x W_h + (r * h) U_h + b_h), bias (3u,);
    h_t = z * h_{t-1} + (1 - z) * hh,
    with s = ``recurrent_activation`` (sigmoid) and a = ``activation`` (tanh).

    Weights: ``kernel`` (features, 3u), ``recurrent_kernel`` (u, 3u), ``bias``. Besides
    :class:`RecurrentCell`'s arguments:

    Args:
        recurrent_activation: activation of the gates, default 'sigmoid'.
        reset_after: apply the reset gate after the recurrent product (Keras's and cuDNN's
            convention) rather than before it.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> cell = layers.GRUCell(4)
        >>> h, states = cell(np.ones((2, 3), 'float32'), [np.zeros((2, 4), 'float32')])
        >>> cell.bias.shape
        (2, 12)
    """

    n_gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 reset_after=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=None):
        h = states[0] if isinstance(states, (list, tuple)) else states
        units = self.units
        x = ops.matmul(self.dropped_inputs(inputs, training), self.kernel)
        h_dropped = self.dropped_state(h, training)
        if self.bias is not None:
            x = x + (self.bias[0] if self.reset_after else self.bias)
        if self.reset_after:
            inner = ops.matmul(h_dropped, self.recurrent_kernel)
            if self.bias is not None:
                inner = inner + self.bias[1]
        else:
            inner = ops.matmul(h_dropped, self.recurrent_kernel[:, : 2 * units])
        x_z, x_r, x_h = ops.split(x, 3, axis=-1)
        gate = self.recurrent_activation
        z = gate(x_z + inner[:, :units])
        r = gate(x_r + inner[:, units : 2 * units])
        if self.reset_after:
            recurrent_h = r * inner[:, 2 * units :]
        else:
            recurrent_h = ops.matmul(r * h_dropped, self.recurrent_kernel[:, 2 * units :])
        candidate = self.activation(x_h + recurrent_h)
        h = z * h + (1.0 - z) * candidate
        return h, [h]

    def sequence_call(self, sequences, states, mask=None, go_backwards=False, training=None):
        """The whole sequence in one fused op (None unless the activations are tanh/sigmoid)."""
        if self.activation is not activations.tanh or \
                self.recurrent_activation is not activations.sigmoid:
            return None
        sequences, recurrent_mask = self.sequence_masks(sequences, states[0], training)
        outputs, h = ops.gru(sequences, states[0], self.kernel, self.recurrent_kernel,
                             self.bias, reset_after=self.reset_after, mask=mask,
                             go_backwards=go_backwards, recurrent_mask=recurrent_mask)
        return outputs, [h]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


class GRU(CellRNN):
    """Gated recurrent unit layer (Keras 3's GRU: same arguments, defaults and weights).

    The cell's arguments (``units``, ``activation='tanh'``,
    ``recurrent_activation='sigmoid'``, ``use_bias``, initializers, regularizers,
    constraints, ``dropout``, ``recurrent_dropout``, ``reset_after=True``, ``seed``) and the
    RNN's (``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``,
    ``unroll``); see :class:`GRUCell` and :class:`RNN`. With the default activations the
    whole sequence runs through the fused :func:`deepbricks.ops.gru`. ``use_cudnn`` is
    accepted for compatibility.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.GRU(8, return_sequences=True)(np.ones((2, 5, 3), 'float32')).shape
        (2, 5, 8)
    """

    def __init__(self, units=None, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, reset_after=True, use_cudnn="auto", output_dim=None, **kwargs):
        check_use_cudnn("GRU", use_cudnn)
        cell = GRUCell(
            keras1_units("GRU", units, output_dim), activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, reset_after=reset_after, seed=seed,
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True), name="gru_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = use_cudnn

    recurrent_activation = cell_property("recurrent_activation")
    reset_after = cell_property("reset_after")
