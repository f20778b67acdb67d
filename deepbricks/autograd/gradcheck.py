"""Finite-difference gradient checks in float64.

The analytic gradient of ``fn`` is contracted with a seeded random upstream gradient (a
plain ``sum()`` would hide transposition bugs, since it weighs every output the same) and
compared with central differences of the same contraction.
"""

import numpy as np

from deepbricks.autograd import graph
from deepbricks.autograd.tensor import Tensor


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` with a report of the worst element."""


def _as_outputs(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def numerical_grad(fn, inputs, upstream, eps=1e-6):
    """Central-difference gradients of ``sum_k <fn(*inputs)[k], upstream[k]>`` per input.

    Args:
        fn: function of Tensors returning a Tensor or a tuple of Tensors.
        inputs: list of float64 Tensors (perturbed in place, then restored).
        upstream: one array per output of ``fn``.
        eps: step of the central difference.

    Returns:
        A list with one array per input, or None for inputs that do not require grad.
    """

    def objective():
        with graph.no_grad():
            outs = _as_outputs(fn(*inputs))
        return sum(float(np.sum(o.data * u)) for o, u in zip(outs, upstream))

    grads = []
    for t in inputs:
        if not t.requires_grad:
            grads.append(None)
            continue
        if not t.data.flags.c_contiguous:
            # reshape(-1) must be a view, or the perturbations would miss the input.
            t.data = np.array(t.data, order="C")
        g = np.zeros_like(t.data)
        flat, gflat = t.data.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + eps
            plus = objective()
            flat[i] = original - eps
            minus = objective()
            flat[i] = original
            gflat[i] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def gradcheck(fn, inputs, eps=1e-6, atol=1e-6, rtol=1e-5, seed=0):
    """Checks the analytic gradients of ``fn`` against central finite differences.

    For each input x, the check is |analytic - numeric| <= atol + rtol * |numeric| elementwise,
    where both are gradients of L = sum(fn(x) * u) for a random upstream gradient u.

    Args:
        fn: function of Tensors returning a Tensor or a tuple of Tensors. It must be
            deterministic (reseed inside it if it draws random numbers).
        inputs: arrays or Tensors; arrays become float64 Tensors requiring grad, Tensors keep
            their ``requires_grad``. Everything must be float64.
        eps, atol, rtol: finite-difference step and tolerances.
        seed: seed of the random upstream gradient.

    Returns:
        True when every gradient matches.

    Raises:
        GradcheckError: naming the input, the worst element, both values and the error.

    Example:
        >>> import numpy as np
        >>> from deepbricks.autograd import gradcheck
        >>> gradcheck(lambda x: (x * x).exp(), [np.array([0.1, -0.2, 0.3])])
        True
    """
    tensors = []
    for x in inputs:
        t = x if isinstance(x, Tensor) else Tensor(np.array(x, dtype=np.float64), True)
        if t.dtype != np.float64:
            raise TypeError(f"gradcheck needs float64 inputs; received dtype {t.dtype}.")
        t.grad = None
        tensors.append(t)
    outs = _as_outputs(fn(*tensors))
    rng = np.random.default_rng(seed)
    upstream = [rng.standard_normal(o.shape) for o in outs]
    total = None
    for o, u in zip(outs, upstream):
        if o.requires_grad:
            term = (o * Tensor(u)).sum()
            total = term if total is None else total + term
    if total is None:
        raise GradcheckError("fn's outputs do not depend on any input that requires grad.")
    total.backward()
    numeric = numerical_grad(fn, tensors, upstream, eps)
    for index, (t, num) in enumerate(zip(tensors, numeric)):
        if num is None:
            continue
        ana = np.zeros_like(t.data) if t.grad is None else np.asarray(t.grad, np.float64)
        if ana.shape != num.shape:
            raise GradcheckError(
                f"input {index}: gradient has shape {ana.shape}, expected {num.shape}"
            )
        err = np.abs(ana - num)
        excess = err - (atol + rtol * np.abs(num))
        if excess.size and excess.max() > 0:
            worst = tuple(int(i) for i in np.unravel_index(np.argmax(excess), excess.shape))
            raise GradcheckError(
                f"gradient of input {index} (shape {t.shape}) is wrong at {worst}: "
                f"analytic {ana[worst]:.8g}, numeric {num[worst]:.8g}, "
                f"|diff| {err[worst]:.3g} > atol {atol:g} + rtol {rtol:g} * |numeric|; "
                f"{int((excess > 0).sum())} of {excess.size} elements fail."
            )
    return True
