"""Fused recurrent ops: forward vs a step-by-step NumPy reference, float64 gradients of every
operand vs finite differences (masks, go_backwards and recurrent dropout masks included), and
torch.nn.RNN/LSTM/GRU with the weights rearranged to PyTorch's layout."""

import doctest

import numpy as np
import pytest

import deepbricks as db
from deepbricks import ops
from deepbricks.ops import rnn
from tests.ops.cases import Case, check_forward, check_gradient, check_torch

N, T, D, U = 3, 4, 3, 3

# Row 0 starts with two padded steps, row 1 is padded at the end, row 2 is fully padded.
MASK = np.array([[False, False, True, True], [True, True, True, False], [False] * 4])
DROP = np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0], [2.0, 2.0, 0.0]])  # recurrent dropout, rate 0.5


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# -- the step-by-step reference: one time step at a time, exactly as the formulas read ------


def reference(step, x, states, mask=None, go_backwards=False, recurrent_mask=None):
    """Runs ``step(x_t, states, h_dropped) -> new states`` over time with Keras's mask rule:
    masked steps keep the states and repeat the previous output (zeros before the first)."""
    outputs, previous = [], np.zeros_like(states[0])
    for t in reversed(range(x.shape[1])) if go_backwards else range(x.shape[1]):
        dropped = states[0] if recurrent_mask is None else states[0] * recurrent_mask
        new = step(x[:, t], states, dropped)
        if mask is not None:
            keep = mask[:, t, None]
            new = [np.where(keep, a, b) for a, b in zip(new, states)]
            output = np.where(keep, new[0], previous)
        else:
            output = new[0]
        states, previous = new, output
        outputs.append(output)
    return (np.stack(outputs, axis=1), *states)


def simple_step(w, u, b, activation):
    act = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "sigmoid": sigmoid,
           "linear": lambda a: a}[activation]
    return lambda x, states, h: [act(x @ w + h @ u + (0.0 if b is None else b))]


def lstm_step(w, u, b):
    def step(x, states, h):
        i, f, c, o = np.split(x @ w + h @ u + (0.0 if b is None else b), 4, axis=1)
        cell = sigmoid(f) * states[1] + sigmoid(i) * np.tanh(c)
        return [sigmoid(o) * np.tanh(cell), cell]
    return step


def gru_step(w, u, b, reset_after):
    def step(x, states, h):
        x_z, x_r, x_h = np.split(x @ w + (0.0 if b is None else (b[0] if reset_after else b)),
                                 3, axis=1)
        if reset_after:
            h_z, h_r, h_h = np.split(h @ u + (0.0 if b is None else b[1]), 3, axis=1)
            z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
            candidate = np.tanh(x_h + r * h_h)
        else:
            z, r = sigmoid(x_z + h @ u[:, :U]), sigmoid(x_r + h @ u[:, U : 2 * U])
            candidate = np.tanh(x_h + (r * h) @ u[:, 2 * U :])
        return [z * states[0] + (1.0 - z) * candidate]
    return step


# -- PyTorch counterparts (float64 modules called with our arrays as their parameters) ------


def torch_module(torch, kind, nonlinearity=None):
    import torch.nn as nn

    if kind == "rnn":
        return nn.RNN(D, U, batch_first=True, nonlinearity=nonlinearity, dtype=torch.float64)
    return getattr(nn, kind.upper())(D, U, batch_first=True, dtype=torch.float64)


def torch_run(torch, kind, x, states, w, u, b, go_backwards=False, columns=None, **module):
    """PyTorch keeps (gates*u, D) matrices and two biases; GRU's gates are ordered (r, z, n)."""
    from torch.func import functional_call

    if b is None:
        b = torch.zeros(w.shape[1], dtype=w.dtype)
    if columns is not None:
        w, u = w[:, columns], u[:, columns]
        b = b[:, columns] if b.ndim == 2 else b[columns]
    b_ih, b_hh = (b[0], b[1]) if b.ndim == 2 else (b, torch.zeros_like(b))
    params = {"weight_ih_l0": w.T, "weight_hh_l0": u.T, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh}
    if go_backwards:
        x = torch.flip(x, [1])
    states = tuple(s[None] for s in states)
    out, last = functional_call(torch_module(torch, kind, **module), params,
                                (x, states if kind == "lstm" else states[0]))
    last = last if kind == "lstm" else (last,)
    return (out, *(s[0] for s in last))


GRU_COLUMNS = np.r_[U : 2 * U, 0:U, 2 * U : 3 * U]  # Keras (z, r, h) -> PyTorch (r, z, n)


# -- the rows ---------------------------------------------------------------------------------


def operands(*shapes, scale=0.6):
    return lambda rng: [rng.standard_normal(s) * (1.0 if i < 2 else scale)
                        for i, s in enumerate(shapes)]


def simple_case(name, activation="tanh", bias=True, **kw):
    shapes = [(N, T, D), (N, U), (D, U), (U, U)] + ([(U,)] if bias else [])

    def op(x, h, w, u, b=None):
        return ops.simple_rnn(x, h, w, u, b, activation=activation, **kw)

    def numpy(x, h, w, u, b=None):
        return reference(simple_step(w, u, b, activation), x, [h], **kw)

    def torch(t, x, h, w, u, b=None):
        return torch_run(t, "rnn", x, [h], w, u, b, kw.get("go_backwards", False),
                         nonlinearity=activation)

    usable = activation in ("tanh", "relu") and set(kw) <= {"go_backwards"}
    return Case(name, op, operands(*shapes), numpy, torch if usable else None)


def lstm_case(name, bias=True, **kw):
    shapes = [(N, T, D), (N, U), (N, U), (D, 4 * U), (U, 4 * U)] + ([(4 * U,)] if bias else [])

    def op(x, h, c, w, u, b=None):
        return ops.lstm(x, h, c, w, u, b, **kw)

    def numpy(x, h, c, w, u, b=None):
        return reference(lstm_step(w, u, b), x, [h, c], **kw)

    def torch(t, x, h, c, w, u, b=None):
        return torch_run(t, "lstm", x, [h, c], w, u, b, kw.get("go_backwards", False))

    usable = set(kw) <= {"go_backwards"}
    return Case(name, op, operands(*shapes), numpy, torch if usable else None)


def gru_case(name, reset_after=True, bias=True, **kw):
    bias_shape = (2, 3 * U) if reset_after else (3 * U,)
    shapes = [(N, T, D), (N, U), (D, 3 * U), (U, 3 * U)] + ([bias_shape] if bias else [])

    def op(x, h, w, u, b=None):
        return ops.gru(x, h, w, u, b, reset_after=reset_after, **kw)

    def numpy(x, h, w, u, b=None):
        return reference(gru_step(w, u, b, reset_after), x, [h], **kw)

    def torch(t, x, h, w, u, b=None):
        return torch_run(t, "gru", x, [h], w, u, b, kw.get("go_backwards", False), GRU_COLUMNS)

    usable = reset_after and set(kw) <= {"go_backwards"}
    return Case(name, op, operands(*shapes), numpy, torch if usable else None)


CASES = [
    simple_case("simple_rnn_tanh"),
    simple_case("simple_rnn_relu", activation="relu"),
    simple_case("simple_rnn_sigmoid", activation="sigmoid"),
    simple_case("simple_rnn_linear_no_bias", activation="linear", bias=False),
    simple_case("simple_rnn_go_backwards", go_backwards=True),
    simple_case("simple_rnn_mask", mask=MASK),
    simple_case("simple_rnn_recurrent_dropout", recurrent_mask=DROP),
    lstm_case("lstm"),
    lstm_case("lstm_no_bias", bias=False),
    lstm_case("lstm_go_backwards", go_backwards=True),
    lstm_case("lstm_mask", mask=MASK),
    lstm_case("lstm_mask_go_backwards", mask=MASK, go_backwards=True),
    lstm_case("lstm_recurrent_dropout", recurrent_mask=DROP),
    gru_case("gru"),
    gru_case("gru_no_bias", bias=False),
    gru_case("gru_go_backwards", go_backwards=True),
    gru_case("gru_mask", mask=MASK),
    gru_case("gru_mask_go_backwards_dropout", mask=MASK, go_backwards=True, recurrent_mask=DROP),
    gru_case("gru_reset_before", reset_after=False),
    gru_case("gru_reset_before_no_bias", reset_after=False, bias=False),
    gru_case("gru_reset_before_mask", reset_after=False, mask=MASK),
    gru_case("gru_reset_before_dropout_backwards", reset_after=False, recurrent_mask=DROP,
             go_backwards=True),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_forward_matches_the_step_by_step_reference(case):
    check_forward(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradients_of_every_operand_match_finite_differences(case):
    check_gradient(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_pytorch(case):
    check_torch(case)


# -- behaviour beyond the table ---------------------------------------------------------------


def float32_lstm_operands(rng, scale=1.0):
    x = (rng.standard_normal((2, 5, 3)) * scale).astype("float32")
    weights = [rng.standard_normal(s).astype("float32") * scale for s in [(3, 8), (2, 8), (8,)]]
    return x, weights


def test_float32_stays_float32_in_outputs_and_gradients():
    x, weights = float32_lstm_operands(np.random.default_rng(0))
    x = db.Tensor(x, requires_grad=True)
    params = [db.Tensor(w, requires_grad=True) for w in weights]
    seq, h, c = ops.lstm(x, None, None, *params)
    assert seq.dtype == h.dtype == c.dtype == np.float32
    (seq.sum() + c.sum()).backward()
    assert x.grad.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in params)


def test_mixed_precision_follows_numpy_promotion_and_gradients_keep_each_dtype():
    rng = np.random.default_rng(1)
    x = db.Tensor(rng.standard_normal((2, 3, 2)).astype("float32"), requires_grad=True)
    w = db.Tensor(rng.standard_normal((2, 6)), requires_grad=True)  # float64
    seq, h = ops.gru(x, None, w, rng.standard_normal((2, 6)), None)
    assert seq.dtype == np.float64
    h.sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float64


def test_saturating_inputs_stay_finite():
    x, weights = float32_lstm_operands(np.random.default_rng(2), scale=1000.0)
    params = [db.Tensor(w, requires_grad=True) for w in weights]
    seq, h, c = ops.lstm(x, None, None, *params)
    gru_seq, _ = ops.gru(x, None, weights[0][:, :6], weights[1][:, :6], weights[2][:6], False)
    seq.sum().backward()
    for a in (seq.numpy(), h.numpy(), c.numpy(), gru_seq.numpy(), *[p.grad for p in params]):
        assert np.isfinite(a).all()
    assert np.abs(seq.numpy()).max() <= 1.0


def test_the_whole_sequence_is_one_node_of_the_graph():
    rng = np.random.default_rng(3)
    x = db.Tensor(rng.standard_normal((2, 6, 3)), requires_grad=True)
    w = db.Tensor(rng.standard_normal((3, 8)), requires_grad=True)
    u = db.Tensor(rng.standard_normal((2, 8)), requires_grad=True)
    seq, h, c = ops.lstm(x, None, None, w, u)
    assert seq._ctx is h._ctx is c._ctx
    assert seq._ctx.inputs[0] is x and seq._ctx.inputs[3] is w and seq._ctx.inputs[4] is u


def test_inputs_that_need_no_gradient_get_none():
    rng = np.random.default_rng(4)
    w = db.Tensor(rng.standard_normal((3, 2)), requires_grad=True)
    x = db.Tensor(rng.standard_normal((2, 4, 3)))
    seq, h = ops.simple_rnn(x, None, w, rng.standard_normal((2, 2)))
    h.sum().backward()
    assert x.grad is None and w.grad.shape == (3, 2)


def test_no_graph_is_recorded_under_no_grad():
    rng = np.random.default_rng(5)
    w = db.Tensor(rng.standard_normal((3, 6)), requires_grad=True)
    with db.no_grad():
        seq, h = ops.gru(rng.standard_normal((2, 4, 3)), None, w, np.zeros((2, 6)))
    assert not seq.requires_grad and seq._ctx is None


def test_fully_masked_rows_output_zeros_and_keep_their_initial_state():
    rng = np.random.default_rng(6)
    h0 = rng.standard_normal((3, 3))
    seq, h = ops.simple_rnn(rng.standard_normal((3, 4, 3)), h0, rng.standard_normal((3, 3)),
                            rng.standard_normal((3, 3)), mask=MASK)
    np.testing.assert_array_equal(seq.numpy()[2], 0.0)
    np.testing.assert_array_equal(h.numpy()[2], h0[2])
    np.testing.assert_array_equal(seq.numpy()[0, :2], 0.0)  # padded before the first real step
    np.testing.assert_array_equal(seq.numpy()[1, 3], seq.numpy()[1, 2])  # repeats the last


def test_go_backwards_returns_the_sequence_in_processing_order():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 5, 3))
    w, u = rng.standard_normal((3, 4)), rng.standard_normal((4, 4))
    backwards, _ = ops.simple_rnn(x, None, w, u, go_backwards=True)
    forwards, _ = ops.simple_rnn(x[:, ::-1], None, w, u)
    np.testing.assert_allclose(backwards.numpy(), forwards.numpy(), rtol=1e-12)


# -- errors -----------------------------------------------------------------------------------


def lstm_args(x=None, h0=None, w=None, u=None, b=None, **kw):
    return dict(x=np.zeros((4, 5, 3)) if x is None else x, h0=h0, c0=None,
                kernel=np.zeros((3, 8)) if w is None else w,
                recurrent_kernel=np.zeros((2, 8)) if u is None else u, bias=b, **kw)


@pytest.mark.parametrize("kwargs, error, message", [
    (lstm_args(x=np.zeros((4, 3))), ValueError,
     r"lstm: x must be a batch of sequences of rank 3 \(batch, timesteps, features\); received "
     r"shape \(4, 3\)\. Add a time axis"),
    (lstm_args(x=np.zeros((4, 0, 3))), ValueError, r"lstm: x has no timesteps"),
    (lstm_args(x=np.zeros((4, 5, 3), int)), TypeError,
     r"lstm: x must be a floating-point Tensor or array; received dtype int64"),
    (lstm_args(u=np.zeros((2, 6))), ValueError,
     r"lstm: recurrent_kernel must have shape \(units, 4 \* units\) .*received shape \(2, 6\)"),
    (lstm_args(w=np.zeros((5, 8))), ValueError,
     r"lstm: kernel must have shape \(3, 8\) for x of shape \(4, 5, 3\) and 2 units; received "
     r"shape \(5, 8\)"),
    (lstm_args(b=np.zeros(6)), ValueError, r"lstm: bias must have shape \(8,\) for 2 units"),
    (lstm_args(h0=np.zeros((4, 3))), ValueError,
     r"lstm: h0 must have shape \(4, 2\) \(batch, units\)"),
    (lstm_args(mask=np.ones((4, 4), bool)), ValueError,
     r"lstm: mask must have shape \(batch, timesteps\) = \(4, 5\) for x of shape \(4, 5, 3\); "
     r"received shape \(4, 4\)"),
    (lstm_args(recurrent_mask=np.ones((4, 3))), ValueError,
     r"lstm: recurrent_mask must have shape \(4, 2\)"),
])  # fmt: skip
def test_bad_operands_raise_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        ops.lstm(**kwargs)


def test_gru_bias_shape_depends_on_reset_after():
    x, w, u = np.zeros((1, 2, 3)), np.zeros((3, 6)), np.zeros((2, 6))
    with pytest.raises(ValueError, match=r"gru: bias must have shape \(2, 6\) for 2 units"):
        ops.gru(x, None, w, u, np.zeros(6))
    with pytest.raises(ValueError, match=r"gru: bias must have shape \(6,\) for 2 units"):
        ops.gru(x, None, w, u, np.zeros((2, 6)), reset_after=False)


def test_simple_rnn_rejects_activations_it_has_no_kernel_for():
    expected = (r"simple_rnn: the fused kernel supports activation in "
                r"\['linear', 'relu', 'sigmoid', 'tanh'\]; received 'elu'")
    with pytest.raises(ValueError, match=expected):
        ops.simple_rnn(np.zeros((1, 2, 3)), None, np.zeros((3, 2)), np.zeros((2, 2)),
                       activation="elu")


def test_docstring_examples_run():
    assert doctest.testmod(rnn, raise_on_error=True).attempted > 0
