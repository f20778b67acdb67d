"""Recurrent layers against Keras 3 (torch backend): outputs, and gradients with respect to the
inputs, the initial states and every weight, for SimpleRNN, LSTM, GRU (both reset_after), RNN
around a cell, Bidirectional (every merge mode) and TimeDistributed; masks flowing from
Embedding and Masking through Sequential and functional models; stacking, seq2seq initial
states, statefulness, dropout, shapes, configs and error messages."""

from dataclasses import dataclass, field

import numpy as np
import pytest

import deepbricks as db
from deepbricks import backend
from deepbricks import layers as L
from deepbricks.layers import Input
from tests.layers.reference import assert_close, keras_torch, keras_weights

N, T, D = 3, 5, 4

# Row 0 is padded at the end, row 1 at the start, row 2 in the middle.
MASK = np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 0, 1, 1, 1]], bool)


@dataclass
class Row:
    id: str
    ours: object  # () -> deepbricks layer
    keras: object  # keras -> the same Keras layer
    states: list = field(default_factory=list)  # shapes of the initial states passed in
    mask: bool = False
    training: bool = False

    def __str__(self):
        return self.id


def both(name, *args, **kwargs):
    """Our layer and Keras's, built from the same class name and arguments."""
    return (lambda: getattr(L, name)(*args, **kwargs),
            lambda k: getattr(k.layers, name)(*args, **kwargs))


def bidirectional(inner, *args, merge_mode="concat", **kwargs):
    return (lambda: L.Bidirectional(getattr(L, inner)(*args, **kwargs), merge_mode=merge_mode),
            lambda k: k.layers.Bidirectional(getattr(k.layers, inner)(*args, **kwargs),
                                             merge_mode=merge_mode))


def wrapped_cell(cell, *args, **kwargs):
    return (lambda: L.RNN(getattr(L, cell)(*args), **kwargs),
            lambda k: k.layers.RNN(getattr(k.layers, cell)(*args), **kwargs))


SEQ = dict(return_sequences=True)
ALL = dict(return_sequences=True, return_state=True)
ROWS = [
    Row("simple_rnn_sequences_and_state", *both("SimpleRNN", 6, **ALL)),
    Row("simple_rnn_relu_go_backwards", *both("SimpleRNN", 6, activation="relu",
                                              go_backwards=True, **SEQ)),
    Row("simple_rnn_softsign_steps_the_cell", *both("SimpleRNN", 6, activation="softsign",
                                                    **SEQ), mask=True),
    Row("simple_rnn_mask_initial_state", *both("SimpleRNN", 6, **ALL), states=[(N, 6)],
        mask=True),
    Row("lstm_sequences_and_state", *both("LSTM", 6, **ALL)),
    Row("lstm_go_backwards", *both("LSTM", 6, go_backwards=True, **SEQ)),
    Row("lstm_mask", *both("LSTM", 6, **ALL), mask=True),
    Row("lstm_mask_go_backwards_last_output", *both("LSTM", 6, go_backwards=True), mask=True),
    Row("lstm_initial_state", *both("LSTM", 6, **ALL), states=[(N, 6), (N, 6)]),
    Row("lstm_no_bias", *both("LSTM", 6, use_bias=False, **SEQ)),
    Row("lstm_relu_steps_the_cell", *both("LSTM", 6, activation="relu", **ALL), mask=True,
        states=[(N, 6), (N, 6)]),
    Row("lstm_dropout_inactive_at_inference", *both("LSTM", 6, dropout=0.5,
                                                   recurrent_dropout=0.5, **SEQ)),
    Row("gru_sequences_and_state", *both("GRU", 6, **ALL)),
    Row("gru_mask_go_backwards", *both("GRU", 6, go_backwards=True, **SEQ), mask=True),
    Row("gru_initial_state", *both("GRU", 6, **ALL), states=[(N, 6)]),
    Row("gru_reset_before", *both("GRU", 6, reset_after=False, **ALL)),
    Row("gru_reset_before_mask_state", *both("GRU", 6, reset_after=False, **SEQ), mask=True,
        states=[(N, 6)]),
    Row("gru_hard_sigmoid_steps_the_cell", *both("GRU", 6, recurrent_activation="hard_sigmoid",
                                                 **SEQ), mask=True),
    Row("rnn_lstm_cell", *wrapped_cell("LSTMCell", 6, **ALL), mask=True),
    Row("rnn_gru_cell_unrolled", *wrapped_cell("GRUCell", 6, unroll=True, **SEQ)),
    Row("rnn_simple_rnn_cell_go_backwards", *wrapped_cell("SimpleRNNCell", 6, go_backwards=True,
                                                          **ALL), mask=True),
    Row("bidirectional_concat", *bidirectional("LSTM", 6, **SEQ)),
    Row("bidirectional_sum", *bidirectional("GRU", 6, merge_mode="sum", **SEQ)),
    Row("bidirectional_mul", *bidirectional("LSTM", 6, merge_mode="mul", **SEQ)),
    Row("bidirectional_ave", *bidirectional("SimpleRNN", 6, merge_mode="ave", **SEQ)),
    Row("bidirectional_none", *bidirectional("LSTM", 6, merge_mode=None, **SEQ)),
    Row("bidirectional_last_output", *bidirectional("LSTM", 6)),
    Row("bidirectional_mask", *bidirectional("LSTM", 6, **SEQ), mask=True),
    Row("bidirectional_state", *bidirectional("GRU", 6, return_state=True),
        states=[(N, 6), (N, 6)]),
    Row("time_distributed_dense", lambda: L.TimeDistributed(L.Dense(3)),
        lambda k: k.layers.TimeDistributed(k.layers.Dense(3))),
]


def as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def run_both(ours, theirs, arrays, call_ours, call_theirs):
    """Calls both on the same arrays (first the input, then initial states); returns our and
    Keras's outputs and the leaves whose gradients are compared."""
    import torch

    x_ours = [db.Tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    x_theirs = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    got = as_list(call_ours(ours, x_ours))
    want = as_list(call_theirs(theirs, x_theirs))
    return got, want, x_ours, x_theirs


def compare(ours, theirs, got, want, x_ours, x_theirs, what, tol=2e-5):
    """Outputs, then gradients of a random projection of all outputs, must agree."""
    import torch

    assert len(got) == len(want), f"{what}: {len(got)} outputs, Keras gives {len(want)}"
    rng = np.random.default_rng(7)
    total_ours = total_theirs = None
    for i, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == np.float32, f"{what}: output {i} is {g.dtype}"
        assert_close(g.numpy(), w.detach().numpy(), tol, f"{what} output {i}")
        u = rng.standard_normal(g.shape).astype(np.float32)
        term_ours, term_theirs = (g * u).sum(), (w * torch.tensor(u)).sum()
        total_ours = term_ours if total_ours is None else total_ours + term_ours
        total_theirs = term_theirs if total_theirs is None else total_theirs + term_theirs
    total_ours.backward()
    total_theirs.backward()
    for i, (a, b) in enumerate(zip(x_ours, x_theirs)):
        if b.requires_grad:
            assert_close(a.grad, b.grad.numpy(), tol, f"{what} d/d input {i}")
    for a, b in zip(ours.weights, theirs.weights, strict=True):
        assert_close(a.grad, b.value.grad.numpy(), tol, f"{what} d/d {a.path}")


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_matches_keras(row):
    keras = keras_torch()
    import torch

    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(N, T, D), *row.states]]
    theirs = row.keras(keras)
    theirs.build((N, T, D))
    theirs.set_weights([rng.standard_normal(w.shape).astype(np.float32) * 0.5
                        for w in theirs.weights])
    ours = row.ours()
    ours.build_from_shape((N, T, D))
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    ours.set_weights(keras_weights(theirs))

    def call(layer, xs, mask):
        kwargs = {"training": row.training}
        if row.mask:
            kwargs["mask"] = mask
        if row.states:
            kwargs["initial_state"] = xs[1:]
        return layer(xs[0], **kwargs)

    got, want, x_ours, x_theirs = run_both(
        ours, theirs, arrays, lambda la, xs: call(la, xs, MASK),
        lambda la, xs: call(la, xs, torch.tensor(MASK)))
    compare(ours, theirs, got, want, x_ours, x_theirs, row.id)


@pytest.mark.parametrize("name, kwargs", [
    ("SimpleRNNCell", {}), ("LSTMCell", {}), ("GRUCell", {}), ("GRUCell", {"reset_after": False}),
])  # fmt: skip
def test_one_step_of_each_cell_matches_keras(name, kwargs):
    keras = keras_torch()
    rng = np.random.default_rng(1)
    theirs, ours = getattr(keras.layers, name)(6, **kwargs), getattr(L, name)(6, **kwargs)
    theirs.build((N, D))
    theirs.set_weights([rng.standard_normal(w.shape).astype(np.float32) * 0.5
                        for w in theirs.weights])
    ours.build_from_shape((N, D))
    ours.set_weights(keras_weights(theirs))
    sizes = ours.state_size if isinstance(ours.state_size, list) else [ours.state_size]
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(N, D)] + [(N, u) for u in sizes]]

    def step(cell, xs):
        output, states = cell(xs[0], list(xs[1:]))
        return [output, *states]

    got, want, x_ours, x_theirs = run_both(ours, theirs, arrays, step, step)
    compare(ours, theirs, got, want, x_ours, x_theirs, name)


# -- masks through models -------------------------------------------------------------------


IDS = np.array([[5, 2, 7, 0, 0], [0, 0, 3, 9, 1], [4, 0, 0, 6, 2]])  # 0 pads


def check_model(build, inputs, tol=2e-5):
    """``build(module, Input)`` makes the same model in both frameworks; same weights, then
    outputs and gradients with respect to the float inputs and every weight must agree."""
    keras = keras_torch()
    theirs = build(keras, keras.Input)
    ours = build(db, Input)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    rng = np.random.default_rng(3)
    theirs.set_weights([rng.standard_normal(w.shape).astype(np.float32) * 0.5
                        for w in theirs.weights])
    ours.set_weights(keras_weights(theirs))
    got, want, x_ours, x_theirs = run_both(
        ours, theirs, inputs, lambda m, xs: m(xs if len(xs) > 1 else xs[0]),
        lambda m, xs: m(xs if len(xs) > 1 else xs[0]))
    compare(ours, theirs, got, want, x_ours, x_theirs, "model", tol)
    return got


def test_embedding_mask_flows_through_stacked_lstms_in_a_sequential_model():
    def build(m, Input):
        return m.Sequential([
            Input(shape=(T,), dtype="int32"),
            m.layers.Embedding(10, D, mask_zero=True),
            m.layers.LSTM(6, return_sequences=True),
            m.layers.TimeDistributed(m.layers.Dense(5)),
            m.layers.GRU(4, go_backwards=True),
            m.layers.Dense(2),
        ])

    check_model(build, [IDS])


def test_embedding_mask_flows_through_bidirectional_layers_in_a_functional_model():
    def build(m, Input):
        ids = Input(shape=(T,), dtype="int32")
        x = m.layers.Embedding(10, D, mask_zero=True)(ids)
        x = m.layers.Bidirectional(m.layers.GRU(5, return_sequences=True))(x)
        x = m.layers.Bidirectional(m.layers.LSTM(3), merge_mode="sum")(x)
        return m.Model(ids, m.layers.Dense(2)(x))

    check_model(build, [IDS])


def test_masking_layer_skips_padded_steps_of_a_simple_rnn():
    x = np.random.default_rng(4).standard_normal((N, T, D)).astype(np.float32)
    x[~MASK] = 0.0

    def build(m, Input):
        return m.Sequential([Input(shape=(T, D)), m.layers.Masking(),
                             m.layers.SimpleRNN(6, return_sequences=True)])

    got = check_model(build, [x])
    # The padded steps of row 0 repeat its last real output.
    np.testing.assert_array_equal(got[0].numpy()[0, 3], got[0].numpy()[0, 2])


def test_encoder_states_start_the_decoder_in_a_seq2seq_model():
    rng = np.random.default_rng(5)
    source = rng.standard_normal((N, T, D)).astype(np.float32)
    target = rng.standard_normal((N, 3, 2)).astype(np.float32)

    def build(m, Input):
        encoder_in, decoder_in = Input(shape=(None, D)), Input(shape=(None, 2))
        _, h, c = m.layers.LSTM(6, return_state=True)(encoder_in)
        decoded = m.layers.LSTM(6, return_sequences=True)(decoder_in, initial_state=[h, c])
        return m.Model([encoder_in, decoder_in], m.layers.Dense(2)(decoded))

    check_model(build, [source, target])


def test_stateful_layer_carries_its_states_between_calls_until_reset():
    keras = keras_torch()
    import torch

    rng = np.random.default_rng(6)
    first, second = (rng.standard_normal((N, T, D)).astype(np.float32) for _ in range(2))
    theirs = keras.layers.LSTM(4, stateful=True, return_sequences=True)
    theirs.build((N, T, D))
    ours = L.LSTM(4, stateful=True, return_sequences=True)
    ours.build_from_shape((N, T, D))
    ours.set_weights(keras_weights(theirs))
    for x in (first, second):
        want = theirs(torch.tensor(x)).detach().numpy()
        assert_close(ours(x).numpy(), want, 2e-5, "consecutive stateful calls")
    assert [s.shape for s in ours.states] == [(N, 4), (N, 4)]
    theirs.reset_state()
    ours.reset_states()
    want = theirs(torch.tensor(first)).detach().numpy()
    assert_close(ours(first).numpy(), want, 2e-5, "the call after reset_states")
    with pytest.raises(ValueError, match=r"LSTM '.*' is stateful and holds states for a batch "
                                         r"of 3, but received a batch of 2\."):
        ours(first[:2])


def test_time_distributed_hands_the_mask_to_a_layer_that_takes_one():
    keras = keras_torch()
    import torch

    x = np.random.default_rng(12).standard_normal((N, T, D)).astype(np.float32)
    mask = np.random.default_rng(13).random((N, T, D)) > 0.3
    want = keras.layers.TimeDistributed(keras.layers.Softmax())(torch.tensor(x),
                                                                 mask=torch.tensor(mask))
    got = L.TimeDistributed(L.Softmax())(x, mask=mask)
    assert_close(got.numpy(), want.numpy(), 1e-6, "masked softmax at every step")


# -- dropout --------------------------------------------------------------------------------


def identity_rnn(**kwargs):
    """A linear SimpleRNN with W = I, U = 0 (or I) and no bias: it shows its dropout masks."""
    layer = L.SimpleRNN(D, activation=None, use_bias=False, return_sequences=True, **kwargs)
    layer.build_from_shape((N, T, D))
    layer.set_weights([np.eye(D, dtype=np.float32), np.zeros((D, D), np.float32)])
    return layer


def test_input_dropout_uses_one_mask_for_all_steps_and_only_while_training():
    x = np.ones((N, T, D), np.float32)
    layer = identity_rnn(dropout=0.5, seed=1)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    dropped = layer(x, training=True).numpy()
    assert set(np.unique(dropped)) == {0.0, 2.0}
    np.testing.assert_array_equal(dropped, np.broadcast_to(dropped[:, :1], dropped.shape))
    assert not np.array_equal(layer(x, training=True).numpy(), dropped), "a fresh mask per call"


def test_recurrent_dropout_uses_one_mask_for_the_whole_sequence():
    layer = identity_rnn(recurrent_dropout=0.5, seed=2)
    layer.set_weights([np.eye(D, dtype=np.float32), np.eye(D, dtype=np.float32)])
    x = np.zeros((N, T, D), np.float32)
    x[:, 0] = 1.0  # h_t = h_{t-1} * mask, so h_t = mask ** t
    h = layer(x, training=True).numpy()
    mask = h[:, 1]
    assert set(np.unique(mask)) == {0.0, 2.0}
    np.testing.assert_allclose(h[:, 2], mask * mask)
    np.testing.assert_allclose(h[:, 4], mask**4)


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_fused_kernel_and_stepped_cell_drop_the_same_units(name):
    x = np.random.default_rng(8).standard_normal((N, T, D)).astype(np.float32)
    fused, stepped = (getattr(L, name)(5, dropout=0.3, recurrent_dropout=0.4, seed=3,
                                       unroll=unroll, return_sequences=True)
                      for unroll in (False, True))
    fused.build_from_shape((N, T, D))
    stepped.build_from_shape((N, T, D))
    stepped.set_weights(fused.get_weights())
    np.testing.assert_allclose(fused(x, training=True).numpy(),
                               stepped(x, training=True).numpy(), rtol=1e-5, atol=1e-6)


# -- the fused kernels and the cells' step-by-step call agree (float64) ----------------------


@pytest.mark.parametrize("name, kwargs", [
    ("SimpleRNN", {}), ("LSTM", {}), ("GRU", {}), ("GRU", {"reset_after": False}),
])  # fmt: skip
def test_fused_kernel_matches_stepping_the_cell(name, kwargs):
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        rng = np.random.default_rng(9)
        x = rng.standard_normal((N, T, D))
        fused, stepped = (getattr(L, name)(4, return_sequences=True, return_state=True,
                                           go_backwards=True, unroll=unroll, **kwargs)
                          for unroll in (False, True))
        for layer in (fused, stepped):
            layer.build_from_shape((N, T, D))
        fused.set_weights([rng.standard_normal(w.shape) * 0.5 for w in fused.weights])
        stepped.set_weights(fused.get_weights())
        results = []
        for layer in (fused, stepped):
            xt = db.Tensor(x, requires_grad=True)
            states = [db.Tensor(rng.standard_normal((N, 4)) if not results else s, True)
                      for s in (results[0][1] if results else layer.state_size)]
            outs = layer(xt, mask=MASK, initial_state=states)
            sum(o.sum() * (i + 1) for i, o in enumerate(outs)).backward()
            results.append(([o.numpy() for o in outs], [s.numpy() for s in states],
                            [xt.grad] + [s.grad for s in states] + [w.grad for w in layer.weights]))
    finally:
        backend.set_floatx(previous)
    for a, b in zip(results[0][0] + results[0][2], results[1][0] + results[1][2], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_a_custom_cell_is_stepped_through_time():
    class MinimalRNNCell(L.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units, self.state_size = units, units

        def build(self, input_shape):
            self.kernel = self.add_weight((input_shape[-1], self.units), name="kernel")

        def call(self, inputs, states):
            output = db.ops.matmul(inputs, self.kernel) + states[0]
            return output, [output]

    layer = L.RNN(MinimalRNNCell(3), return_sequences=True)
    x = np.random.default_rng(10).standard_normal((N, T, D)).astype(np.float32)
    out = layer(x, mask=MASK).numpy()
    projected = x @ layer.cell.kernel.numpy()
    # The state adds up the real steps; masked steps repeat it (zero before the first).
    expected = np.cumsum(projected * MASK[..., None], axis=1)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


# -- shapes, masks and configs ----------------------------------------------------------------


@pytest.mark.parametrize("make, expected", [
    (lambda: L.LSTM(7, return_sequences=True), (None, None, 7)),
    (lambda: L.GRU(7), (None, 7)),
    (lambda: L.SimpleRNN(7, return_state=True), [(None, 7), (None, 7)]),
    (lambda: L.LSTM(7, return_sequences=True, return_state=True),
     [(None, None, 7), (None, 7), (None, 7)]),
    (lambda: L.Bidirectional(L.LSTM(7, return_sequences=True)), (None, None, 14)),
    (lambda: L.Bidirectional(L.GRU(7), merge_mode=None), [(None, 7), (None, 7)]),
    (lambda: L.Bidirectional(L.LSTM(7, return_state=True), merge_mode="ave"),
     [(None, 7)] + [(None, 7)] * 4),
    (lambda: L.TimeDistributed(L.Dense(7)), (None, None, 7)),
])  # fmt: skip
def test_symbolic_output_shapes_with_an_unknown_number_of_steps(make, expected):
    out = make()(Input(shape=(None, D)))
    shapes = [t.shape for t in out] if isinstance(out, list) else out.shape
    assert shapes == expected


def test_eager_outputs_have_the_symbolic_shapes():
    for layer in (L.LSTM(3, return_state=True), L.Bidirectional(L.GRU(3, return_sequences=True),
                                                                merge_mode=None)):
        eager = layer(np.zeros((N, T, D), np.float32))
        symbolic = layer(Input(shape=(T, D)))
        assert [e.shape[1:] for e in eager] == [s.shape[1:] for s in symbolic]


def test_masks_pass_on_only_with_sequences():
    mask = db.Tensor(MASK)
    x = np.zeros((N, T, D), np.float32)
    assert L.LSTM(2, return_sequences=True).compute_mask(x, mask) is mask
    assert L.LSTM(2).compute_mask(x, mask) is None
    assert L.GRU(2, return_sequences=True, return_state=True).compute_mask(x, mask) == [
        mask, None]
    assert L.Bidirectional(L.LSTM(2, return_sequences=True)).compute_mask(x, mask) is mask
    assert L.Bidirectional(L.LSTM(2, return_sequences=True), merge_mode=None).compute_mask(
        x, mask) == [mask, mask]
    assert L.TimeDistributed(L.Dense(2)).compute_mask(x, mask) is mask


CONFIG_LAYERS = [
    lambda: L.SimpleRNN(3, activation="relu", dropout=0.1, return_sequences=True, seed=4),
    lambda: L.LSTM(3, unit_forget_bias=False, recurrent_dropout=0.2, go_backwards=True,
                   kernel_regularizer="l2", return_state=True),
    lambda: L.GRU(3, reset_after=False, stateful=True, use_bias=False),
    lambda: L.RNN(L.LSTMCell(3), return_sequences=True, unroll=True),
    lambda: L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="mul"),
    lambda: L.TimeDistributed(L.Dense(3, activation="relu")),
]


@pytest.mark.parametrize("make", CONFIG_LAYERS)
def test_config_round_trip_rebuilds_the_same_function(make):
    import json

    layer = make()
    x = np.random.default_rng(11).standard_normal((N, T, D)).astype(np.float32)
    before = as_list(layer(x))
    config = layer.get_config()
    assert json.loads(json.dumps(config)) == config
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone.build_from_shape((N, T, D))
    clone.set_weights(layer.get_weights())
    if getattr(layer, "stateful", False):
        layer.reset_states()
        before = as_list(layer(x))
    for a, b in zip(as_list(clone(x)), before, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_weights_have_keras_shapes_names_and_initial_values():
    lstm = L.LSTM(4)
    lstm.build_from_shape((None, T, D))
    kernel, recurrent, bias = lstm.get_weights()
    assert (kernel.shape, recurrent.shape, bias.shape) == ((D, 16), (4, 16), (16,))
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(4), atol=1e-5)  # orthogonal rows
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    assert [w.path for w in lstm.weights] == [
        f"{lstm.name}/lstm_cell/{n}" for n in ("kernel", "recurrent_kernel", "bias")]
    gru = L.GRU(4, reset_after=False)
    gru.build_from_shape((None, T, D))
    assert [w.shape for w in gru.weights] == [(D, 12), (4, 12), (12,)]
    bi = L.Bidirectional(L.SimpleRNN(2, name="rnn"))
    bi.build_from_shape((None, T, D))
    assert bi.count_params() == 2 * (D * 2 + 2 * 2 + 2)
    assert [w.path for w in bi.weights] == [
        f"{direction}_rnn/simple_rnn_cell/{name}" for direction in ("forward", "backward")
        for name in ("kernel", "recurrent_kernel", "bias")]


def test_float64_is_kept():
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        for layer in (L.LSTM(3, return_sequences=True), L.GRU(3), L.SimpleRNN(3),
                      L.Bidirectional(L.LSTM(3)), L.TimeDistributed(L.Dense(2))):
            out = layer(np.zeros((N, T, D)))
            assert out.dtype == np.float64
            assert all(w.dtype == np.float64 for w in layer.weights)
    finally:
        backend.set_floatx(previous)


def test_keras1_spellings_are_accepted_with_a_warning():
    with pytest.warns(DeprecationWarning, match=r"`input_dim=`/`input_length=` are the Keras 1"):
        layer = L.LSTM(3, input_dim=D, input_length=T)
    model = db.Sequential([layer])
    assert model.output_shape == (None, 3)
    with pytest.warns(DeprecationWarning, match=r"`output_dim=` is the Keras 1 spelling"):
        assert L.GRU(output_dim=5).units == 5


# -- errors -------------------------------------------------------------------------------------


def test_a_2d_input_names_the_layer_the_expected_rank_and_the_received_shape():
    expected = (r"LSTM 'lstm' expected an input of rank 3 \(batch, timesteps, features\), "
                r"received input shape \(32, 10\)\. .*x\[\.\.\., None\]")
    with pytest.raises(ValueError, match=expected):
        L.LSTM(4, name="lstm")(np.zeros((32, 10), np.float32))
    with pytest.raises(ValueError, match=r"GRU 'gru_in' expected an input of rank 3"):
        L.GRU(4, name="gru_in")(Input(shape=(10,)))
    layer = L.SimpleRNN(4, name="built")
    layer(np.zeros((2, 3, 4), np.float32))
    with pytest.raises(ValueError, match=r"SimpleRNN 'built' expected an input of rank 3"):
        layer(np.zeros((2, 3, 4, 1), np.float32))


def test_a_mask_of_the_wrong_shape_names_both_shapes():
    expected = (r"LSTM 'masked' received a mask of shape \(3, 4\) for inputs of shape "
                r"\(3, 5, 4\); the mask must have shape \(batch, timesteps\) = \(3, 5\)")
    with pytest.raises(ValueError, match=expected):
        L.LSTM(2, name="masked")(np.zeros((N, T, D), np.float32), mask=MASK[:, :4])


def test_initial_states_of_the_wrong_size_name_the_expected_shapes():
    x = np.zeros((N, T, D), np.float32)
    expected = (r"LSTM 'init' expected initial_state as 2 tensor\(s\) of shapes \[\(3, 6\), "
                r"\(3, 6\)\] \(batch, state size\) for inputs of shape \(3, 5, 4\); received "
                r"shapes \[\(3, 5\), \(3, 5\)\]\. An LSTM takes two states, \[h, c\]\.")
    with pytest.raises(ValueError, match=expected):
        L.LSTM(6, name="init")(x, initial_state=[np.zeros((N, 5), np.float32)] * 2)
    with pytest.raises(ValueError, match=r"GRU 'one' expected initial_state as 1 tensor\(s\) "
                                         r"of shapes \[\(3, 6\)\].*received shapes \[\(3, 6\), "
                                         r"\(3, 6\)\]"):
        L.GRU(6, name="one")(x, initial_state=[np.zeros((N, 6), np.float32)] * 2)
    with pytest.raises(ValueError, match=r"Bidirectional 'bi' expected initial_state as the "
                                         r"forward layer's 2 state\(s\) followed by"):
        L.Bidirectional(L.LSTM(6), name="bi")(x, initial_state=[np.zeros((N, 6))] * 3)


@pytest.mark.parametrize("make, error, message", [
    (lambda: L.LSTM(0), ValueError, r"LSTMCell: `units` must be a positive integer\. "
                                    r"Received: units=0"),
    (lambda: L.GRU(4, dropout=1.5), ValueError, r"GRUCell: `dropout` must be a float in "
                                                r"\[0, 1\)"),
    (lambda: L.LSTM(4, activation="nope"), ValueError, r"Unknown activation 'nope'"),
    (lambda: L.LSTM(4, use_cudnn="yes"), ValueError, r"LSTM: `use_cudnn` must be"),
    (lambda: L.RNN([L.LSTMCell(2), L.LSTMCell(2)]), ValueError,
     r"RNN: stacking cells in one layer .* stack layers instead"),
    (lambda: L.RNN(L.Dense(2)), ValueError, r"RNN: `cell` must be a layer with a "
                                            r"`call\(inputs, states\)` method and a `state_size`"),
    (lambda: L.Bidirectional(L.Dense(2)), ValueError,
     r"Bidirectional: `layer` must be a recurrent layer instance"),
    (lambda: L.Bidirectional(L.LSTM(2), merge_mode="max"), ValueError,
     r"Bidirectional: `merge_mode` must be one of"),
    (lambda: L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2)), ValueError,
     r"the forward and backward layers must have different `go_backwards`"),
    (lambda: L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2, go_backwards=True,
                                                              return_sequences=True)),
     ValueError, r"must have the same `return_sequences`; received False for the forward"),
    (lambda: L.TimeDistributed("dense"), ValueError, r"TimeDistributed: `layer` must be a layer"),
])  # fmt: skip
def test_bad_arguments_fail_at_construction(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_time_distributed_needs_a_time_axis():
    with pytest.raises(ValueError, match=r"TimeDistributed 'td' expected an input of rank >= 3 "
                                         r"\(batch, timesteps, \.\.\.\), received input shape "
                                         r"\(2, 4\)"):
        L.TimeDistributed(L.Dense(2), name="td")(np.zeros((2, 4), np.float32))


@pytest.mark.parametrize("module", ["rnn", "simple_rnn", "lstm", "gru", "bidirectional",
                                    "time_distributed"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    found = doctest.testmod(importlib.import_module(f"deepbricks.layers.rnn.{module}"),
                            raise_on_error=True)
    assert found.attempted > 0
