"""Reductions: forward vs NumPy, float64 gradients vs finite differences, and PyTorch."""

import doctest

import numpy as np
import pytest
from scipy import special

import deepbricks as db
from deepbricks import ops
from deepbricks.ops import reduction
from tests.ops.cases import Case, check_forward, check_gradient, check_torch
from tests.ops.test_elementwise import check_float32, normal

SHAPE = (2, 3, 4)

# (id suffix, axis, keepdims, the same axes for torch's dim=)
AXES = [
    ("all", None, False, (0, 1, 2)),
    ("axis0", 0, False, 0),
    ("last_keepdims", -1, True, -1),
    ("tuple", (0, 2), False, (0, 2)),
    ("negative_tuple_keepdims", (-1, 0), True, (-1, 0)),
]


def rows(name, np_fn, torch_fn):
    """One row per axis spec: ``np_fn(x, axis, keepdims)``, ``torch_fn(t, a, dim, keepdim)``."""
    return [
        Case(f"{name}_{suffix}",
             lambda x, axis=axis, keepdims=keepdims: getattr(ops, name)(x, axis, keepdims),
             normal(SHAPE),
             lambda x, axis=axis, keepdims=keepdims: np_fn(x, axis=axis, keepdims=keepdims),
             lambda t, a, dim=dim, keepdims=keepdims: torch_fn(t, a, dim, keepdims))
        for suffix, axis, keepdims, dim in AXES
    ]  # fmt: skip


def arg_row(name, axis, keepdims=False):
    """argmax/argmin: ties impossible for continuous draws, so the index is unique."""

    def np_fn(x):
        return getattr(np, name)(x, axis=axis, keepdims=keepdims)

    def torch_fn(t, a):
        return getattr(t, name)(a, dim=axis, keepdim=keepdims)

    return Case(
        f"{name}_{axis}_{keepdims}",
        lambda x: getattr(ops, name)(x, axis, keepdims),
        normal(SHAPE),
        np_fn,
        torch_fn,
        grad=False,
    )


CASES = [
    *rows("sum", np.sum, lambda t, a, dim, k: t.sum(a, dim=dim, keepdim=k)),
    *rows("mean", np.mean, lambda t, a, dim, k: t.mean(a, dim=dim, keepdim=k)),
    *rows("max", np.max, lambda t, a, dim, k: t.amax(a, dim=dim, keepdim=k)),
    *rows("min", np.min, lambda t, a, dim, k: t.amin(a, dim=dim, keepdim=k)),
    *rows("var", np.var, lambda t, a, dim, k: t.var(a, dim=dim, keepdim=k, correction=0)),
    *rows("std", np.std, lambda t, a, dim, k: t.std(a, dim=dim, keepdim=k, correction=0)),
    *rows("logsumexp", special.logsumexp,
          lambda t, a, dim, k: t.logsumexp(a, dim=dim, keepdim=k)),
    arg_row("argmax", None),
    arg_row("argmax", 1),
    arg_row("argmin", -1, keepdims=True),
    arg_row("argmin", 0),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=str)
def test_forward_matches_numpy(case):
    check_forward(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_matches_finite_differences(case):
    check_gradient(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_pytorch(case):
    check_torch(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=str)
def test_float32_inputs_give_float32_outputs_and_gradients(case):
    check_float32(case)


def test_reduced_shapes_follow_numpy_for_negative_and_tuple_axes():
    x = db.Tensor(np.zeros((2, 3, 4, 5)))
    assert ops.sum(x, axis=(-1, 1)).shape == (2, 4)
    assert ops.mean(x, axis=(-1, 1), keepdims=True).shape == (2, 1, 4, 1)
    assert ops.max(x, axis=-2).shape == (2, 3, 5)
    assert ops.var(x, axis=(0, -3), keepdims=True).shape == (1, 1, 4, 5)
    assert ops.logsumexp(x).shape == ()


def test_ties_in_max_share_the_gradient_evenly():
    x = db.Tensor(np.array([[3.0, 1.0, 3.0, 3.0], [0.0, 2.0, 2.0, -1.0]]), requires_grad=True)
    ops.max(x, axis=1).backward(np.array([6.0, 1.0]))
    np.testing.assert_array_equal(x.grad, [[2.0, 0.0, 2.0, 2.0], [0.0, 0.5, 0.5, 0.0]])


def test_ties_in_min_over_everything_share_the_gradient_evenly():
    x = db.Tensor(np.array([[1.0, 4.0], [1.0, 2.0]]), requires_grad=True)
    x.min().backward()
    np.testing.assert_array_equal(x.grad, [[0.5, 0.0], [0.5, 0.0]])


def test_ties_in_max_match_pytorch_amax():
    torch = pytest.importorskip("torch", reason="PyTorch is an optional reference")
    data = np.array([[[1.0, 5.0], [5.0, 0.0]], [[2.0, 2.0], [2.0, 2.0]]])
    ours, theirs = db.Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    upstream = np.array([1.5, -2.0])
    ops.max(ours, axis=(1, 2)).backward(upstream)
    torch.amax(theirs, dim=(1, 2)).backward(torch.tensor(upstream))
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-12)


def test_logsumexp_is_finite_at_extreme_values():
    x = db.Tensor(
        np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -1000.0]], np.float32),
        requires_grad=True,
    )
    y = ops.logsumexp(x, axis=1)
    np.testing.assert_allclose(
        y.numpy(), [1000.0 + np.log1p(np.exp(-1.0)), -1000 + np.log(3)], rtol=1e-6
    )
    y.sum().backward()
    assert np.isfinite(x.grad).all()
    np.testing.assert_allclose(x.grad.sum(axis=1), [1.0, 1.0], rtol=1e-6)


def test_logsumexp_of_a_fully_masked_row_is_minus_infinity_with_a_zero_gradient():
    x = db.Tensor(np.array([[-np.inf, -np.inf], [0.0, -np.inf]]), requires_grad=True)
    y = ops.logsumexp(x, axis=-1)
    np.testing.assert_array_equal(y.numpy(), [-np.inf, 0.0])
    y.backward(np.ones(2))
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [1.0, 0.0]])


@pytest.mark.parametrize("op", [ops.sum, ops.max, ops.var, ops.argmax])
def test_an_axis_out_of_range_names_the_op_and_the_shape(op):
    with pytest.raises(ValueError, match=rf"{op.__name__}: axis 3 is out of range .*\(2, 3\)"):
        op(db.Tensor(np.zeros((2, 3))), axis=3)


def test_a_repeated_axis_is_rejected():
    with pytest.raises(ValueError, match=r"mean: axis \(1, -1\) names the same axis twice"):
        ops.mean(db.Tensor(np.zeros((2, 3))), axis=(1, -1))


def test_a_non_integer_axis_is_a_type_error():
    with pytest.raises(TypeError, match="sum: axis must be None, an int or a tuple of ints"):
        ops.sum(db.Tensor(np.zeros((2, 3))), axis=1.0)
    with pytest.raises(TypeError, match="argmax: axis must be None or an int"):
        ops.argmax(db.Tensor(np.zeros((2, 3))), axis=(0, 1))


def test_max_of_an_empty_axis_is_a_value_error():
    with pytest.raises(ValueError, match=r"max: cannot reduce a tensor of shape \(0, 3\)"):
        ops.max(db.Tensor(np.zeros((0, 3))), axis=0)


def test_argmax_gives_int32_indices_and_no_graph():
    x = db.Tensor(np.array([[0.1, 0.9], [0.7, 0.3]]), requires_grad=True)
    index = x.argmax(axis=1)
    assert index.dtype == np.int32 and not index.requires_grad
    np.testing.assert_array_equal(index.numpy(), [1, 0])
    np.testing.assert_array_equal(x.argmin(axis=1).numpy(), [0, 1])


def test_mean_and_var_of_integers_are_floatx():
    assert ops.mean(np.arange(4)).dtype == np.float32
    assert ops.var(db.Tensor([1, 2, 3, 4])).numpy() == np.float32(1.25)


def test_tensor_methods_call_these_reductions():
    data = np.array([[1.0, 2.0, 6.0], [4.0, 3.0, 0.5]])
    x = db.Tensor(data, requires_grad=True)
    y = x.sum(axis=0) + x.mean(axis=0) + x.max(axis=0) + x.min(axis=0) + x.var(0) + x.std(0)
    y.sum().backward()
    mu, sd = data.mean(0), data.std(0)
    want = 1 + 0.5 + (data == data.max(0)) + (data == data.min(0)) + (data - mu) * (1 + 0.5 / sd)
    np.testing.assert_allclose(x.grad, want)


def test_sum_gradient_is_a_fresh_array_the_leaf_owns():
    x = db.Tensor(np.ones((2, 3)), requires_grad=True)
    x.sum().backward()
    x.grad += 1
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 2.0))


def test_docstring_examples_run():
    result = doctest.testmod(reduction)
    assert result.attempted > 0 and result.failed == 0
