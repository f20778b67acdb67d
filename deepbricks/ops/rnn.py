"""Recurrent cells fused over a whole sequence, with hand-written backpropagation through time.

Each op runs one recurrent layer over (N, T, D) batch-major sequences:

- the input projection of every step is computed before the loop, in one batched product;
- each step then costs one (k*u, u) @ (u, N) product and a handful of in-place array ops;
- the backward pass walks the steps in reverse with one (u, k*u) @ (k*u, N) product per step,
  and the gradients of the kernel, the recurrent kernel and the bias are one product (or sum)
  each over all steps at the end.

Internally everything is time-major in the order the steps are processed (reversed for
``go_backwards``) and has the batch on the last axis: a step's state is (u, N) and its gates
(k, u, N), so that every gate block is one contiguous array. NumPy runs an elementwise op on a
contiguous array in one inner loop, but on a slice of batch-major rows in one loop per row,
which at these sizes costs about three times as much. The products follow suit: z = W^T x_t +
U^T h_{t-1}, and backward's dh = U dz.

The gate rows are reordered so that the sigmoid gates sit side by side: their rows of the
weights are halved once, so that one ``tanh`` over all gates gives sigmoid(z) = (1 + tanh(z / 2))
/ 2 for them (stable at any |z|, and halving is exact in binary floating point). Gate order and
bias layout seen from outside are exactly Keras 3's.

Masks follow Keras: at a masked step (mask False) the states are carried through unchanged, and
the output repeats the previous output (zeros before the first unmasked step).
"""

import numpy as np

from deepbricks.autograd import Function
from deepbricks.autograd.tensor import Tensor

__all__ = ["simple_rnn", "lstm", "gru"]


def _gate_columns(order, units):
    """Column indices that rearrange gate blocks of width ``units`` into ``order``."""
    return (np.asarray(order)[:, None] * units + np.arange(units)).ravel()


def _halved(matrix, columns, n_sigmoid, units):
    """``matrix[..., columns]`` with the first ``n_sigmoid`` gate blocks halved (a new array)."""
    out = matrix[..., columns]
    out[..., : n_sigmoid * units] *= 0.5
    return out


def _flat(a):
    """(T, m, N) -> (m, T*N), a copy: the step axis joins the batch axis, so that a weight's
    gradient over all steps is one product."""
    return a.transpose(1, 0, 2).reshape(a.shape[1], -1)


class _Recurrence(Function):
    """What the three cells share: time order, masks, the input projection, the output rule and
    the weight gradients taken over all steps at once."""

    order = None  # internal gate order, as indices of Keras's gate blocks
    n_sigmoid = 0  # number of leading internal gates that use the sigmoid
    kernel_index = None  # position of the kernel among the operands

    def __init__(self, mask=None, go_backwards=False, recurrent_mask=None, **params):
        self.mask, self.go_backwards, self.recurrent_mask = mask, go_backwards, recurrent_mask
        self.params = params

    def forward(self, *arrays):
        """Runs ``compute`` in the operands' common float type."""
        self.dtypes = [None if a is None else a.dtype for a in arrays]
        dtype = np.result_type(*[a for a in arrays if a is not None])
        return self.compute(*[None if a is None else a.astype(dtype, copy=False) for a in arrays])

    def backward(self, *grads):
        """Runs ``backprop``; each gradient comes back in its operand's dtype."""
        return tuple(None if g is None else g.astype(d, copy=False)
                     for g, d in zip(self.backprop(*grads), self.dtypes))

    def time_major(self, a):
        """(N, T, ...) in input order -> (T, N, ...) in processing order (a view)."""
        a = a.swapaxes(0, 1)
        return a[::-1] if self.go_backwards else a

    def batch_major(self, a):
        """Inverse of :meth:`time_major` (a view)."""
        return (a[::-1] if self.go_backwards else a).swapaxes(0, 1)

    def setup(self, x, kernel, recurrent_kernel, bias):
        """Saves the operands (x as (T, D, N) in processing order) and returns the projection
        of every step, (T, k, u, N) in internal gate order with the input bias added."""
        n, steps, features = x.shape
        units = recurrent_kernel.shape[0]
        self.units, self.n, self.steps = units, n, steps
        self.kernel, self.recurrent_kernel = kernel, recurrent_kernel
        self.has_bias = bias is not None
        self.columns = _gate_columns(self.order, units)
        self.recording = any(self.needs_input_grad)
        self.x_t = np.ascontiguousarray(self.time_major(x).transpose(0, 2, 1))
        projection = np.matmul(self.left_factor(kernel), self.x_t)
        if bias is not None:
            projection += self.bias_block(bias)
        if self.recurrent_mask is not None:
            self.recurrent_mask = np.ascontiguousarray(self.recurrent_mask.T)
        if self.mask is not None:
            self.step_mask = self.time_major(self.mask)[:, None, :]  # (T, 1, N)
            self.mask_f = self.step_mask.astype(x.dtype)
            self.seen = np.logical_or.accumulate(self.step_mask, axis=0)
        return projection.reshape(steps, len(self.order), units, n)

    def left_factor(self, matrix):
        """W^T (k*u, rows of W) in internal gate order, sigmoid gates halved, contiguous."""
        return np.ascontiguousarray(_halved(matrix, self.columns, self.n_sigmoid, self.units).T)

    def bias_block(self, bias):
        """The bias as a (k*u, N) column block, so that adding it is one contiguous loop."""
        halved = _halved(bias, self.columns, self.n_sigmoid, self.units)
        return np.repeat(halved[:, None], self.n, axis=1)

    def initial(self, state):
        """(N, u) -> (u, N)."""
        return state.T

    def final(self, state):
        """(u, N) -> (N, u), contiguous."""
        return np.ascontiguousarray(state.T)

    def dropped(self, h):
        return h if self.recurrent_mask is None else h * self.recurrent_mask

    def carry_masked(self, k, *pairs):
        """At step k, columns whose mask is False keep the previous value of each (new, old)."""
        if self.mask is not None:
            keep = ~self.step_mask[k]
            for new, old in pairs:
                np.copyto(new, old, where=keep)

    def outputs(self, states):
        """The output sequence (N, T, u), in processing order as Keras returns it, from the
        states after each step (T, u, N).

        With a mask, a masked step outputs the previous output, which is the carried state once
        any step was unmasked, and zeros before that. A view: a layer that returns only the
        last state never pays for the copy, and a recurrent layer stacked on top reads it back
        in the layout it was written in."""
        if self.mask is not None and not self.seen.all():
            states = states * self.seen
        return states.transpose(2, 0, 1)

    def sequence_grad(self, g_seq):
        """dL/d(state after step k) from the output sequence, (T, u, N), or None if all zero."""
        if not g_seq.any():
            return None
        g = np.ascontiguousarray(g_seq.transpose(1, 2, 0))
        return g * self.seen if self.mask is not None and not self.seen.all() else g

    def split_masked(self, k, dh, *grads):
        """At step k, the part of each gradient that flows into the cell, and the part that
        a masked column passes straight to the previous state."""
        if self.mask is None:
            return (dh, *grads), None
        m = self.mask_f[k]
        into = tuple(g * m for g in (dh, *grads))
        return into, tuple(g - g_in for g, g_in in zip((dh, *grads), into))

    def unpermute(self, grad):
        """(k*u, ...) in internal gate order -> (..., k*u) in Keras's order."""
        out = np.empty(grad.shape[::-1], grad.dtype)
        out[..., self.columns] = grad.T
        return out

    def kernel_grads(self, dz):
        """dx, dkernel and dbias from dL/d(pre-activations) of every step, (T, k, u, N); and
        those as one (k*u, T*N) matrix (None if no weight needs it) for the recurrent kernel."""
        dz = dz.reshape(self.steps, -1, self.n)
        needs = self.needs_input_grad
        dx = dkernel = dbias = flat = None
        if needs[0]:
            dx = np.matmul(self.kernel[:, self.columns], dz)  # (T, D, N)
            dx = self.batch_major(dx.transpose(0, 2, 1))
        if any(needs[self.kernel_index:]):
            flat = _flat(dz)
        if needs[self.kernel_index]:
            dkernel = self.unpermute(flat @ _flat(self.x_t).T)
        if self.has_bias and needs[-1]:
            dbias = self.unpermute(flat.sum(axis=1))
        return dx, dkernel, dbias, flat

    def recurrent_grad(self, h_prev, flat):
        """dL/d(recurrent kernel) = sum over steps of h_{t-1} dz_t^T, one product."""
        return self.unpermute(flat @ _flat(self.dropped(h_prev)).T)

    def right_factor(self):
        """U (u, k*u) in internal gate order, for the per-step product dh = U dz."""
        return self.recurrent_kernel[:, self.columns]


_ACTIVATIONS = {
    # name: (activation in place, its derivative written with the output y)
    "tanh": (lambda a: np.tanh(a, out=a), lambda y: 1.0 - y * y),
    "sigmoid": (lambda a: _sigmoid_inplace(a), lambda y: y * (1.0 - y)),
    "relu": (lambda a: np.maximum(a, 0, out=a), lambda y: (y > 0).astype(y.dtype)),
    "linear": (lambda a: a, None),
}


def _sigmoid_inplace(a):
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


class SimpleRNN(_Recurrence):
    order, n_sigmoid, kernel_index = (0,), 0, 2

    def compute(self, x, h0, kernel, recurrent_kernel, bias):
        self.activation = self.params["activation"]
        act = _ACTIVATIONS[self.activation][0]
        projection = self.setup(x, kernel, recurrent_kernel, bias)[:, 0]
        u_t = self.left_factor(recurrent_kernel)
        states = np.empty((self.steps + 1, self.units, self.n), x.dtype)
        states[0] = self.initial(h0)
        for k in range(self.steps):
            h = states[k + 1]
            np.matmul(u_t, self.dropped(states[k]), out=h)
            h += projection[k]
            act(h)
            self.carry_masked(k, (h, states[k]))
        self.states = states
        return self.outputs(states[1:]), self.final(states[-1])

    def backprop(self, g_seq, g_h):
        states, u = self.states, self.right_factor()
        derivative = _ACTIVATIONS[self.activation][1]
        slope = None if derivative is None else derivative(states[1:])
        from_outputs = self.sequence_grad(g_seq)
        dz = np.empty((self.steps, 1, self.units, self.n), g_h.dtype)
        dh = self.initial(g_h)
        for k in range(self.steps - 1, -1, -1):
            if from_outputs is not None:
                dh = dh + from_outputs[k]
            (dh_cell,), passed = self.split_masked(k, dh)
            da = dz[k, 0]
            if slope is None:
                np.copyto(da, dh_cell)
            else:
                np.multiply(dh_cell, slope[k], out=da)
            dh = self.dropped(u @ da)
            if passed is not None:
                dh += passed[0]
        dx, dkernel, dbias, flat = self.kernel_grads(dz)
        drec = self.recurrent_grad(states[:-1], flat) if self.needs_input_grad[3] else None
        return dx, dh.T, dkernel, drec, dbias


class LSTM(_Recurrence):
    # Keras's blocks are (i, f, c, o); inside they are (o, i, f, c): the three sigmoid gates
    # first, and the three gates that multiply dL/dc last, each group one contiguous slice.
    order, n_sigmoid, kernel_index = (3, 0, 1, 2), 3, 3

    def compute(self, x, h0, c0, kernel, recurrent_kernel, bias):
        gates = self.setup(x, kernel, recurrent_kernel, bias)  # (T, 4, u, N): the activations
        u_t = self.left_factor(recurrent_kernel)
        states = np.empty((self.steps + 1, self.units, self.n), x.dtype)
        cells = np.empty_like(states)
        states[0], cells[0] = self.initial(h0), self.initial(c0)
        buffer = np.empty_like(gates[0])
        tanh_c, ig = np.empty_like(states[0]), np.empty_like(states[0])
        if self.recording:
            # What backward needs of each step, computed while the step is in cache:
            # dz_o = dh * coef_o, dz_{i,f,c} = dc' * coef_{i,f,c}, with dc' = dc + dh * q.
            self.coef, self.q = np.empty_like(gates), np.empty_like(states[1:])
        for k in range(self.steps):
            z = gates[k]
            np.matmul(u_t, self.dropped(states[k]), out=buffer.reshape(-1, self.n))
            z += buffer
            np.tanh(z, out=z)
            if self.recording:
                # tanh'(a) = 1 - tanh(a)^2 and sigmoid'(a) = (1 - tanh(a / 2)^2) / 4.
                slope = self.coef[k]
                np.multiply(z, z, out=slope)
                np.subtract(1.0, slope, out=slope)
                slope[:3] *= 0.25
            sig = z[:3]
            sig *= 0.5
            sig += 0.5
            o, i, f, g = z
            c, h = cells[k + 1], states[k + 1]
            np.multiply(f, cells[k], out=c)
            np.multiply(i, g, out=ig)
            c += ig
            np.tanh(c, out=tanh_c)
            np.multiply(o, tanh_c, out=h)
            if self.recording:
                coef_o, coef_i, coef_f, coef_c = slope
                coef_o *= tanh_c
                coef_i *= g
                coef_f *= cells[k]
                coef_c *= i
                q = self.q[k]
                np.multiply(tanh_c, tanh_c, out=q)
                np.subtract(1.0, q, out=q)
                q *= o
            self.carry_masked(k, (c, cells[k]), (h, states[k]))
        self.gates, self.states = gates, states
        return self.outputs(states[1:]), self.final(states[-1]), self.final(cells[-1])

    def backprop(self, g_seq, g_h, g_c):
        coef, q, f, u = self.coef, self.q, self.gates[:, 2], self.right_factor()
        from_outputs = self.sequence_grad(g_seq)
        dz = np.empty_like(coef)
        dh, dc = self.initial(g_h), self.initial(g_c)
        for k in range(self.steps - 1, -1, -1):
            if from_outputs is not None:
                dh = dh + from_outputs[k]
            (dh_cell, dc_cell), passed = self.split_masked(k, dh, dc)
            dck = dh_cell * q[k]
            dck += dc_cell
            np.multiply(dh_cell, coef[k, 0], out=dz[k, 0])
            np.multiply(dck, coef[k, 1:], out=dz[k, 1:])
            dh = self.dropped(u @ dz[k].reshape(-1, self.n))
            dc = dck * f[k]
            if passed is not None:
                dh += passed[0]
                dc += passed[1]
        dx, dkernel, dbias, flat = self.kernel_grads(dz)
        drec = self.recurrent_grad(self.states[:-1], flat) if self.needs_input_grad[4] else None
        return dx, dh.T, dc.T, dkernel, drec, dbias


class GRU(_Recurrence):
    # Keras's blocks are (z, r, h); inside they are (r, z, h): the sigmoid gates first, and the
    # two blocks whose gradients are dh times a coefficient (z and the candidate) last.
    order, n_sigmoid, kernel_index = (1, 0, 2), 2, 2

    def compute(self, x, h0, kernel, recurrent_kernel, bias):
        self.reset_after = self.params["reset_after"]
        input_bias = bias[0] if bias is not None and self.reset_after else bias
        gates = self.setup(x, kernel, recurrent_kernel, input_bias)  # (T, 3, u, N): r, z, hh
        units, n = self.units, self.n
        u_t = self.left_factor(recurrent_kernel)
        states = np.empty((self.steps + 1, units, n), x.dtype)
        states[0] = self.initial(h0)
        if self.reset_after:
            # U^T h + b_rec of every step; the candidate block is needed again by backward.
            self.projected = np.empty_like(gates)
            rec_bias = None if bias is None else self.bias_block(bias[1]).reshape(3, units, n)
        else:
            u_gates, u_candidate = u_t[: 2 * units], u_t[2 * units :]
            buffer = np.empty((2 * units, n), x.dtype)
        scratch = np.empty((units, n), x.dtype)
        for k in range(self.steps):
            a, h_prev = gates[k], states[k]
            h_dropped = self.dropped(h_prev)
            if self.reset_after:
                hu = self.projected[k]
                np.matmul(u_t, h_dropped, out=hu.reshape(-1, n))
                if rec_bias is not None:
                    hu += rec_bias
                a[:2] += hu[:2]
            else:
                np.matmul(u_gates, h_dropped, out=buffer)
                a[:2] += buffer.reshape(2, units, n)
            rz = a[:2]
            np.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5
            r, z, hh = a
            if self.reset_after:
                np.multiply(r, hu[2], out=scratch)
            else:
                np.matmul(u_candidate, r * h_dropped, out=scratch)
            hh += scratch
            np.tanh(hh, out=hh)
            h = states[k + 1]
            np.subtract(h_prev, hh, out=h)
            h *= z
            h += hh
            self.carry_masked(k, (h, h_prev))
        self.gates, self.states = gates, states
        return self.outputs(states[1:]), self.final(states[-1])

    def backprop(self, g_seq, g_h):
        gates, states, n, units = self.gates, self.states, self.n, self.units
        r, z, hh = gates[:, 0], gates[:, 1], gates[:, 2]
        h_prev = states[:-1]
        # h = z * h_prev + (1 - z) * hh: dz = dh * coef_z, d(candidate pre-activation) = dh * coef_h
        coef = np.empty((self.steps, 2, units, n), gates.dtype)
        np.multiply(h_prev - hh, z * (1.0 - z), out=coef[:, 0])
        np.multiply(1.0 - z, 1.0 - hh * hh, out=coef[:, 1])
        # dr = d(candidate pre-activation) * what r multiplies, times the sigmoid's slope.
        r_slope = r * (1.0 - r)
        r_slope *= self.projected[:, 2] if self.reset_after else self.dropped(h_prev)
        u = self.right_factor()
        if self.reset_after:
            d_rec = np.empty_like(gates)  # dL/d(U^T h + b_rec), the recurrent side
        else:
            u_gates, u_candidate = u[:, : 2 * units], u[:, 2 * units :]
        from_outputs = self.sequence_grad(g_seq)
        dx = np.empty_like(gates)  # dL/d(W^T x + b_in), the input side
        dh = self.initial(g_h)
        for k in range(self.steps - 1, -1, -1):
            if from_outputs is not None:
                dh = dh + from_outputs[k]
            (dh_cell,), passed = self.split_masked(k, dh)
            dk = dx[k]
            np.multiply(dh_cell, coef[k], out=dk[1:])
            if self.reset_after:
                np.multiply(dk[2], r_slope[k], out=dk[0])
                rec = d_rec[k]
                rec[:2] = dk[:2]
                np.multiply(dk[2], r[k], out=rec[2])
                dh_dropped = u @ rec.reshape(-1, n)
            else:
                d_reset_h = u_candidate @ dk[2]
                np.multiply(d_reset_h, r_slope[k], out=dk[0])
                dh_dropped = d_reset_h * r[k]
                dh_dropped += u_gates @ dk[:2].reshape(-1, n)
            dh = self.dropped(dh_dropped)
            dh += dh_cell * z[k]
            if passed is not None:
                dh += passed[0]
        dxs, dkernel, dbias, flat = self.kernel_grads(dx)
        drec = None
        if self.reset_after:
            flat_rec = _flat(d_rec.reshape(self.steps, -1, n))
            if self.needs_input_grad[3]:
                drec = self.recurrent_grad(h_prev, flat_rec)
            if dbias is not None:
                dbias = np.stack([dbias, self.unpermute(flat_rec.sum(axis=1))])
        elif self.needs_input_grad[3]:
            h_dropped = self.dropped(h_prev)
            gates_part = flat[: 2 * units] @ _flat(h_dropped).T
            candidate_part = flat[2 * units :] @ _flat(r * h_dropped).T
            drec = self.unpermute(np.concatenate([gates_part, candidate_part]))
        return dxs, dh.T, dkernel, drec, dbias


# -- argument checks shared by the public functions -------------------------------------------


def _array(x):
    return x.data if isinstance(x, Tensor) else x


def _float_operand(op, name, x, dtype=None):
    """``x`` as a Tensor or float array (None stays None); non-float input raises."""
    if x is None:
        return None
    if not isinstance(x, (Tensor, np.ndarray)):
        x = Tensor(x) if dtype is None else np.asarray(x, dtype)
    data = _array(x)
    if not np.issubdtype(data.dtype, np.floating):
        raise TypeError(
            f"{op}: {name} must be a floating-point Tensor or array; received dtype {data.dtype}. "
            f"Cast it with .astype('float32')."
        )
    return x


def _check_shape(op, name, x, expected, why):
    shape = tuple(_array(x).shape)
    if shape != tuple(expected):
        raise ValueError(
            f"{op}: {name} must have shape {tuple(expected)} {why}; received shape {shape}."
        )


def _prepare(op, x, states, kernel, recurrent_kernel, bias, n_gates, bias_shape, mask,
             recurrent_mask):
    """Validates the operands of a recurrent op; returns them ready for ``apply``."""
    x = _float_operand(op, "x", x)
    shape = tuple(_array(x).shape)
    if len(shape) != 3:
        raise ValueError(
            f"{op}: x must be a batch of sequences of rank 3 (batch, timesteps, features); "
            f"received shape {shape}. Add a time axis, e.g. x[:, None, :] for a single step."
        )
    n, steps, features = shape
    if steps == 0:
        raise ValueError(f"{op}: x has no timesteps (shape {shape}); pass at least one step.")
    dtype = _array(x).dtype
    recurrent_kernel = _float_operand(op, "recurrent_kernel", recurrent_kernel, dtype)
    rk_shape = tuple(_array(recurrent_kernel).shape)
    if len(rk_shape) != 2 or rk_shape[1] != n_gates * rk_shape[0]:
        raise ValueError(
            f"{op}: recurrent_kernel must have shape (units, {n_gates} * units) with the gate "
            f"blocks side by side; received shape {rk_shape}."
        )
    units = rk_shape[0]
    why = f"for x of shape {shape} and {units} units"
    kernel = _float_operand(op, "kernel", kernel, dtype)
    _check_shape(op, "kernel", kernel, (features, n_gates * units), why)
    bias = _float_operand(op, "bias", bias, dtype)
    if bias is not None:
        _check_shape(op, "bias", bias, bias_shape(units), f"for {units} units")
    checked = []
    for name, state in states:
        if state is None:
            state = np.zeros((n, units), dtype)
        state = _float_operand(op, name, state, dtype)
        _check_shape(op, name, state, (n, units), f"(batch, units) {why}")
        checked.append(state)
    if mask is not None:
        mask = np.asarray(_array(mask))
        if mask.shape != (n, steps):
            raise ValueError(
                f"{op}: mask must have shape (batch, timesteps) = {(n, steps)} for x of shape "
                f"{shape}; received shape {mask.shape}."
            )
        mask = mask.astype(bool, copy=False)
    if recurrent_mask is not None:
        recurrent_mask = np.asarray(_array(recurrent_mask), dtype)
        _check_shape(op, "recurrent_mask", recurrent_mask, (n, units), f"(batch, units) {why}")
    return x, checked, kernel, recurrent_kernel, bias, mask, recurrent_mask


def simple_rnn(x, h0, kernel, recurrent_kernel, bias=None, activation="tanh", mask=None,
               go_backwards=False, recurrent_mask=None):
    """A fully connected recurrent layer over a whole sequence (Keras's SimpleRNN).

    h_t = activation(x_t W + b + (h_{t-1} * recurrent_mask) U), for t = 1..T (T..1 when
    ``go_backwards``). A masked step (mask False) keeps h_{t-1}.

    Args:
        x: (N, T, D) float Tensor, batch-major.
        h0: (N, u) initial state, or None for zeros.
        kernel: W, shape (D, u).
        recurrent_kernel: U, shape (u, u).
        bias: b, shape (u,), or None.
        activation: 'tanh', 'relu', 'sigmoid' or 'linear' (None).
        mask: optional (N, T) bool array, True where a step is real.
        go_backwards: process the steps from last to first.
        recurrent_mask: optional (N, u) array multiplying h_{t-1} before U at every step
            (recurrent dropout, already scaled by 1 / (1 - rate)).

    Returns:
        (outputs, h): the (N, T, u) outputs in processing order (reversed when
        ``go_backwards``; masked steps repeat the previous output, zeros before the first real
        step) and the last state (N, u).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.ones((2, 3, 4), 'float32')
        >>> w, u = np.full((4, 5), 0.1, 'float32'), np.eye(5, dtype='float32')
        >>> seq, h = db.ops.simple_rnn(x, None, w, u)
        >>> seq.shape, h.shape
        ((2, 3, 5), (2, 5))
    """
    op = "simple_rnn"
    activation = "linear" if activation is None else activation
    if activation not in _ACTIVATIONS:
        raise ValueError(
            f"{op}: the fused kernel supports activation in {sorted(_ACTIVATIONS)}; received "
            f"{activation!r}. Other activations run through the cell step by step "
            f"(layers.SimpleRNN does that on its own)."
        )
    x, (h0,), kernel, recurrent_kernel, bias, mask, recurrent_mask = _prepare(
        op, x, [("h0", h0)], kernel, recurrent_kernel, bias, 1, lambda u: (u,), mask,
        recurrent_mask)
    return SimpleRNN.apply(x, h0, kernel, recurrent_kernel, bias, activation=activation,
                           mask=mask, go_backwards=bool(go_backwards),
                           recurrent_mask=recurrent_mask)


def lstm(x, h0, c0, kernel, recurrent_kernel, bias=None, mask=None, go_backwards=False,
         recurrent_mask=None):
    """A long short-term memory layer over a whole sequence (Keras's LSTM, default activations).

    With gate blocks in Keras's order (i, f, c, o) along the columns of W, U and b,
    z_t = x_t W + (h_{t-1} * recurrent_mask) U + b, and
    i = sigmoid(z_i), f = sigmoid(z_f), g = tanh(z_c), o = sigmoid(z_o),
    c_t = f * c_{t-1} + i * g,  h_t = o * tanh(c_t).
    A masked step (mask False) keeps h_{t-1} and c_{t-1}.

    Args:
        x: (N, T, D) float Tensor, batch-major.
        h0, c0: (N, u) initial hidden and carry states, or None for zeros.
        kernel: W, shape (D, 4u).
        recurrent_kernel: U, shape (u, 4u).
        bias: b, shape (4u,), or None.
        mask: optional (N, T) bool array, True where a step is real.
        go_backwards: process the steps from last to first.
        recurrent_mask: optional (N, u) array multiplying h_{t-1} before U (recurrent dropout).

    Returns:
        (outputs, h, c): the (N, T, u) outputs in processing order (see :func:`simple_rnn`)
        and the last hidden and carry states, (N, u) each.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.ones((2, 3, 4), 'float32')
        >>> w, u = np.full((4, 20), 0.1, 'float32'), np.zeros((5, 20), 'float32')
        >>> seq, h, c = db.ops.lstm(x, None, None, w, u)
        >>> seq.shape, c.shape
        ((2, 3, 5), (2, 5))
    """
    x, (h0, c0), kernel, recurrent_kernel, bias, mask, recurrent_mask = _prepare(
        "lstm", x, [("h0", h0), ("c0", c0)], kernel, recurrent_kernel, bias, 4,
        lambda u: (4 * u,), mask, recurrent_mask)
    return LSTM.apply(x, h0, c0, kernel, recurrent_kernel, bias, mask=mask,
                      go_backwards=bool(go_backwards), recurrent_mask=recurrent_mask)


def gru(x, h0, kernel, recurrent_kernel, bias=None, reset_after=True, mask=None,
        go_backwards=False, recurrent_mask=None):
    """A gated recurrent unit layer over a whole sequence (Keras's GRU, default activations).

    With gate blocks in Keras's order (z, r, h) and h' = h_{t-1} * recurrent_mask:
    z = sigmoid(x W_z + h' U_z + b_z), r = sigmoid(x W_r + h' U_r + b_r), then the candidate
    reset_after=True:  hh = tanh(x W_h + b_in_h + r * (h' U_h + b_rec_h)), bias (2, 3u) holding
    the input bias b_in and the recurrent bias b_rec (b_z = b_in_z + b_rec_z, same for r);
    reset_after=False: hh = tanh(x W_h + (r * h') U_h + b_h), bias (3u,);
    and h_t = z * h_{t-1} + (1 - z) * hh. A masked step (mask False) keeps h_{t-1}.

    Args:
        x: (N, T, D) float Tensor, batch-major.
        h0: (N, u) initial state, or None for zeros.
        kernel: W, shape (D, 3u).
        recurrent_kernel: U, shape (u, 3u).
        bias: (2, 3u) when ``reset_after``, else (3u,); or None.
        reset_after: apply the reset gate after the recurrent product (Keras's default).
        mask: optional (N, T) bool array, True where a step is real.
        go_backwards: process the steps from last to first.
        recurrent_mask: optional (N, u) array multiplying h_{t-1} before U (recurrent dropout).

    Returns:
        (outputs, h): the (N, T, u) outputs in processing order (see :func:`simple_rnn`) and
        the last state (N, u).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> x = np.ones((2, 3, 4), 'float32')
        >>> w, u = np.full((4, 15), 0.1, 'float32'), np.zeros((5, 15), 'float32')
        >>> seq, h = db.ops.gru(x, None, w, u)
        >>> h.shape
        (2, 5)
    """
    bias_shape = (lambda u: (2, 3 * u)) if reset_after else (lambda u: (3 * u,))
    x, (h0,), kernel, recurrent_kernel, bias, mask, recurrent_mask = _prepare(
        "gru", x, [("h0", h0)], kernel, recurrent_kernel, bias, 3, bias_shape, mask,
        recurrent_mask)
    return GRU.apply(x, h0, kernel, recurrent_kernel, bias, reset_after=bool(reset_after),
                     mask=mask, go_backwards=bool(go_backwards), recurrent_mask=recurrent_mask)
