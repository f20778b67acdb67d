"""The engine's contract: graph walk, accumulation, freeing, no_grad, detach, dtypes, gradcheck."""

import re

import numpy as np
import pytest

import deepbricks as db
from deepbricks.autograd import Function, GradcheckError, gradcheck


def leaf(*values):
    return db.Tensor(np.array(values, dtype=np.float64), requires_grad=True)


def test_a_2000_step_chain_backpropagates_without_recursion_error():
    x = leaf(1.0)
    y = x
    for _ in range(2000):
        y = y * 0.999 + x
    y.sum().backward()
    # y_n = 0.999 y_{n-1} + x with y_0 = x, so dy/dx = sum_{k=0}^{2000} 0.999^k.
    np.testing.assert_allclose(x.grad, [(1 - 0.999**2001) / (1 - 0.999)], rtol=1e-12)


def test_a_diamond_graph_adds_the_gradients_of_both_paths():
    x = leaf(0.5, -1.5)
    square, exp = x * x, x.exp()
    (square * exp).sum().backward()
    v = x.data
    np.testing.assert_allclose(x.grad, 2 * v * np.exp(v) + v * v * np.exp(v), rtol=1e-12)


def test_a_tensor_used_twice_by_one_op_gets_both_gradients():
    x = leaf(3.0)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0])


def test_backward_on_a_non_scalar_without_grad_asks_for_grad():
    y = leaf(1.0, 2.0) * 2
    with pytest.raises(RuntimeError, match=r"pass grad= with shape \(2,\)"):
        y.backward()


def test_backward_with_a_gradient_of_the_wrong_shape_raises():
    y = leaf(1.0, 2.0) * 2
    with pytest.raises(ValueError, match=r"gradient of shape \(3,\) for a tensor of shape \(2,\)"):
        y.backward(np.ones(3))


def test_backward_on_a_tensor_that_does_not_require_grad_raises():
    y = db.Tensor([1.0, 2.0]).sum()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_a_second_backward_through_a_freed_graph_raises():
    x = leaf(2.0)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward_that_accumulates():
    x = leaf(2.0)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad, [8.0])


def test_gradients_accumulate_until_reset():
    x = leaf(1.0, 2.0)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_no_grad_stops_recording():
    x = leaf(1.0)
    with db.no_grad():
        y = x * 2
        assert not db.autograd.is_grad_enabled()
    assert db.autograd.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf


def test_no_grad_works_as_a_decorator_and_enable_grad_inside_it():
    x = leaf(1.0)

    @db.no_grad()
    def evaluate(t):
        with db.enable_grad():
            recorded = t * 2
        return t * 2, recorded

    plain, recorded = evaluate(x)
    assert not plain.requires_grad
    assert recorded.requires_grad
    recorded.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0])


def test_detach_cuts_the_graph_but_shares_the_array():
    x = leaf(1.0, 2.0)
    d = x.detach()
    assert not d.requires_grad and d.data is x.data
    (d * 5 + x).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_float32_stays_float32_through_ops_and_gradients():
    w = db.Tensor(np.array([[0.5, -1.0], [2.0, 0.25]], np.float32), requires_grad=True)
    b = db.Tensor(np.array([0.1, -0.2], np.float32), requires_grad=True)
    h = (w * np.float64(0.5) + b).tanh() ** 2 / 3.0
    loss = (h.exp() - h.sigmoid()).softmax().log().mean() + h.var() + h.max()
    assert loss.dtype == np.float32
    loss.backward()
    assert w.grad.dtype == np.float32 and b.grad.dtype == np.float32
    assert np.isfinite(w.grad).all() and np.isfinite(b.grad).all()


class _SquareWithAWrongGradient(Function):
    """x^2 whose backward is off by half on element 1 only."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, gy):
        g = 2 * self.x * gy
        g[1] *= 1.5
        return (g,)


def test_a_gradcheck_failure_names_the_worst_element():
    x = np.array([0.5, 2.0, -1.0])
    with pytest.raises(GradcheckError) as failure:
        gradcheck(_SquareWithAWrongGradient.apply, [x])
    report = str(failure.value)
    assert "input 0 (shape (3,))" in report and "1 of 3 elements fail" in report
    # The index is printed as (1,) or, from a NumPy integer, as (np.int64(1),).
    worst = re.search(r"wrong at \((?:np\.int64\()?(\d+)\)?,\)", report)
    assert worst and worst.group(1) == "1", report
    analytic, numeric = map(float, re.search(r"analytic (\S+), numeric (\S+),", report).groups())
    assert analytic == pytest.approx(1.5 * numeric, rel=1e-6)


def test_gradcheck_passes_a_correct_function():
    assert gradcheck(lambda t: (t * t).exp(), [np.array([0.1, -0.2, 0.3])])
