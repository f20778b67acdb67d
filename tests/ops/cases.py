"""The table row every op test file is driven by, and the three checks run on each row.

A row names the op, how to draw its float64 inputs (kept away from kinks), a NumPy reference
for the forward pass and, optionally, the same computation in PyTorch. Each test file
parametrizes ``check_forward``, ``check_gradient`` and ``check_torch`` over its table.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

import deepbricks as db
from deepbricks.autograd import gradcheck


@dataclass
class Case:
    id: str
    op: Callable  # deepbricks function of Tensors
    inputs: Callable  # rng -> list of float64 arrays
    numpy: Callable | None = None  # reference forward on arrays
    torch: Callable | None = None  # (torch, *torch tensors) -> tensor or tuple
    grad: bool = True  # False for ops without a gradient (comparisons, argmax)
    tol: dict = field(default_factory=dict)  # gradcheck tolerances

    def __str__(self):
        return self.id


def draw(case, seed=0):
    return case.inputs(np.random.default_rng(seed))


def _outputs(out):
    return out if isinstance(out, (tuple, list)) else (out,)


def check_forward(case):
    if case.numpy is None:
        pytest.skip(f"{case.id}: no NumPy reference (checked against PyTorch)")
    arrays = draw(case)
    got = _outputs(case.op(*[db.Tensor(a) for a in arrays]))
    want = _outputs(case.numpy(*arrays))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-10, atol=1e-12, err_msg=case.id)


def check_gradient(case):
    if not case.grad:
        pytest.skip(f"{case.id} has no gradient")
    assert gradcheck(case.op, draw(case), **case.tol)


def check_torch(case, rtol=1e-9, atol=1e-10):
    """Forward and backward (with a random upstream gradient) against PyTorch in float64."""
    torch = pytest.importorskip("torch", reason="PyTorch is an optional reference")
    if case.torch is None:
        pytest.skip(f"{case.id}: no PyTorch counterpart")
    arrays = draw(case)
    ours = [db.Tensor(a, requires_grad=case.grad) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=case.grad) for a in arrays]
    out_ours = _outputs(case.op(*ours))
    out_theirs = _outputs(case.torch(torch, *theirs))
    rng = np.random.default_rng(1)
    total_ours, total_theirs = None, None
    for o, t in zip(out_ours, out_theirs, strict=True):
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=rtol, atol=atol,
                                   err_msg=f"{case.id} forward")
        if case.grad:
            u = rng.standard_normal(o.shape)
            term_ours = (o * db.Tensor(u)).sum()
            term_theirs = (t * torch.tensor(u)).sum()
            total_ours = term_ours if total_ours is None else total_ours + term_ours
            total_theirs = term_theirs if total_theirs is None else total_theirs + term_theirs
    if not case.grad:
        return
    total_ours.backward()
    total_theirs.backward()
    for i, (a, b) in enumerate(zip(ours, theirs)):
        want = np.zeros(a.shape) if b.grad is None else b.grad.numpy()
        got = np.zeros(a.shape) if a.grad is None else a.grad
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol,
                                   err_msg=f"{case.id} gradient of input {i}")
