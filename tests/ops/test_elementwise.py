"""Elementwise ops: forward vs NumPy, float64 gradients vs finite differences, and PyTorch."""

import doctest

import numpy as np
import pytest
from scipy import special

import deepbricks as db
from deepbricks import ops
from deepbricks.ops import elementwise
from tests.ops.cases import Case, check_forward, check_gradient, check_torch, draw


def normal(*shapes):
    return lambda rng: [rng.standard_normal(s) for s in shapes]


def positive(*shapes):
    return lambda rng: [rng.uniform(0.5, 2.0, s) for s in shapes]


def nonzero(*shapes):
    """Values with 0.2 <= |x| <= 2, away from the kink of abs."""
    return lambda rng: [rng.uniform(0.2, 2.0, s) * rng.choice([-1.0, 1.0], s) for s in shapes]


def small_ints(*shapes):
    """Floats drawn from {0, 1, 2}: comparisons then meet ties and both outcomes."""
    return lambda rng: [rng.integers(0, 3, s).astype(np.float64) for s in shapes]


MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])
ROW_MASK = np.array([[True], [False], [True]])
LOW, HIGH = np.full(4, -0.5), np.array([0.5, 1.0, 0.1, 2.0])


def compare(name, np_fn, torch_name, inputs=None):
    """A row for an op returning bools: no gradient, forward against NumPy and PyTorch."""
    inputs = inputs or small_ints((3, 4), (3, 4))
    torch_fn = lambda t, *xs: getattr(t, torch_name)(*xs)  # noqa: E731
    return Case(name, getattr(ops, name), inputs, np_fn, torch_fn, grad=False)


CASES = [
    Case("add", ops.add, normal((3, 4), (3, 4)), np.add, lambda t, a, b: a + b),
    Case("add_broadcast", ops.add, normal((2, 3, 4), (4,)), np.add, lambda t, a, b: a + b),
    Case("add_stretched", ops.add, normal((3, 1), (1, 4)), np.add, lambda t, a, b: a + b),
    Case("subtract", ops.subtract, normal((3, 4), (3, 1)), np.subtract, lambda t, a, b: a - b),
    Case("multiply", ops.multiply, normal((2, 3), (2, 3)), np.multiply, lambda t, a, b: a * b),
    Case("multiply_broadcast", ops.multiply, normal((4, 1, 3), (2, 1)), np.multiply,
         lambda t, a, b: a * b),
    Case("divide", ops.divide, positive((3, 4), (4,)), np.divide, lambda t, a, b: a / b),
    Case("negative", ops.negative, normal((5,)), np.negative, lambda t, a: -a),
    Case("power", ops.power, lambda rng: [rng.uniform(0.5, 2, (3, 4)), rng.normal(size=4)],
         np.power, lambda t, a, b: a**b),
    Case("power_scalar_exponent", lambda x: ops.power(x, 3), normal((3, 4)),
         lambda x: x**3, lambda t, a: a**3),
    Case("power_scalar_base", lambda x: ops.power(2.0, x), normal((3, 4)),
         lambda x: 2.0**x, lambda t, a: 2.0**a),
    Case("abs", ops.abs, nonzero((3, 4)), np.abs, lambda t, a: a.abs()),
    Case("sign", ops.sign, nonzero((3, 4)), np.sign, lambda t, a: a.sign(), grad=False),
    Case("sqrt", ops.sqrt, positive((3, 4)), np.sqrt, lambda t, a: a.sqrt()),
    Case("square", ops.square, normal((3, 4)), np.square, lambda t, a: a.square()),
    Case("exp", ops.exp, normal((3, 4)), np.exp, lambda t, a: a.exp()),
    Case("log", ops.log, positive((3, 4)), np.log, lambda t, a: a.log()),
    Case("log1p", ops.log1p, lambda rng: [rng.uniform(-0.5, 2.0, (3, 4))], np.log1p,
         lambda t, a: a.log1p()),
    Case("expm1", ops.expm1, normal((3, 4)), np.expm1, lambda t, a: a.expm1()),
    Case("erf", ops.erf, normal((3, 4)), special.erf, lambda t, a: t.special.erf(a)),
    Case("maximum", ops.maximum, normal((3, 4), (4,)), np.maximum,
         lambda t, a, b: t.maximum(a, b)),
    Case("minimum", ops.minimum, normal((3, 1), (1, 4)), np.minimum,
         lambda t, a, b: t.minimum(a, b)),
    Case("maximum_scalar", lambda x: ops.maximum(x, 0.3), normal((3, 4)),
         lambda x: np.maximum(x, 0.3), lambda t, a: a.clamp(min=0.3)),
    Case("clip", lambda x: ops.clip(x, -0.5, 0.5), normal((3, 4)),
         lambda x: np.clip(x, -0.5, 0.5), lambda t, a: a.clamp(-0.5, 0.5)),
    Case("clip_lower_only", lambda x: ops.clip(x, 0.1, None), normal((3, 4)),
         lambda x: np.clip(x, 0.1, None), lambda t, a: a.clamp(min=0.1)),
    Case("clip_array_bounds", lambda x: ops.clip(x, LOW, HIGH), normal((3, 4)),
         lambda x: np.clip(x, LOW, HIGH),
         lambda t, a: a.clamp(t.tensor(LOW), t.tensor(HIGH))),
    Case("where", lambda a, b: ops.where(MASK, a, b), normal((3, 4), (3, 4)),
         lambda a, b: np.where(MASK, a, b), lambda t, a, b: t.where(t.tensor(MASK), a, b)),
    Case("where_broadcast", lambda a, b: ops.where(ROW_MASK, a, b), normal((1, 4), (3, 1)),
         lambda a, b: np.where(ROW_MASK, a, b),
         lambda t, a, b: t.where(t.tensor(ROW_MASK), a, b)),
    Case("astype_float64", lambda x: ops.astype(x, "float64"), normal((3, 4)),
         lambda x: x, lambda t, a: a.to(t.float64)),
    Case("astype_int32", lambda x: ops.astype(x, "int32"), lambda rng: [rng.uniform(-5, 5, 6)],
         lambda x: x.astype(np.int32), lambda t, a: a.to(t.int32), grad=False),
    compare("equal", np.equal, "eq"),
    compare("not_equal", np.not_equal, "ne"),
    compare("greater", np.greater, "gt"),
    compare("greater_equal", np.greater_equal, "ge"),
    compare("less", np.less, "lt", small_ints((3, 4), (4,))),
    compare("less_equal", np.less_equal, "le", small_ints((3, 1), (1, 4))),
    compare("logical_and", np.logical_and, "logical_and"),
    compare("logical_or", np.logical_or, "logical_or"),
    compare("logical_not", np.logical_not, "logical_not", small_ints((3, 4))),
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


def check_float32(case):
    """Float32 inputs give float32 outputs and float32 gradients: nothing upcasts."""
    arrays = [a.astype(np.float32) for a in draw(case)]
    xs = [db.Tensor(a, requires_grad=True) for a in arrays]
    out = case.op(*xs)
    assert out.dtype == np.float32, f"{case.id} returned {out.dtype}"
    upstream = np.random.default_rng(1).standard_normal(out.shape).astype(np.float32)
    out.backward(upstream)
    for x in xs:
        assert x.grad is not None and x.grad.dtype == np.float32, f"{case.id}: {x.grad!r}"


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.grad and not c.id.startswith("astype")], ids=str
)
def test_float32_inputs_give_float32_outputs_and_gradients(case):
    check_float32(case)


def test_incompatible_shapes_name_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(3, 4\) and \(5,\)"):
        ops.add(np.zeros((3, 4)), np.zeros(5))


@pytest.mark.parametrize("op", [ops.multiply, ops.maximum, ops.power, ops.greater])
def test_every_binary_op_reports_bad_broadcasting_by_name(op):
    with pytest.raises(ValueError, match=rf"{op.__name__}: .*\(2, 3\) and \(4,\)"):
        op(db.Tensor(np.ones((2, 3))), db.Tensor(np.ones(4)))


def test_where_reports_a_condition_that_does_not_broadcast():
    with pytest.raises(ValueError, match=r"where: .*\(5,\) and \(2, 3\)"):
        ops.where(np.ones(5, bool), np.zeros((2, 3)), 1.0)


def test_non_numeric_input_raises_a_type_error_naming_the_op():
    with pytest.raises(TypeError, match="exp: expected a numeric"):
        ops.exp("3.0")
    with pytest.raises(TypeError, match="add: could not make an array"):
        ops.add(db.Tensor([1.0]), [[1.0], [2.0, 3.0]])


def test_clip_rejects_crossed_or_missing_bounds():
    with pytest.raises(ValueError, match="clip: x_min must not exceed x_max"):
        ops.clip(db.Tensor([1.0]), 2.0, 1.0)
    with pytest.raises(ValueError, match="clip: x_min and x_max are both None"):
        ops.clip(db.Tensor([1.0]), None, None)


def test_astype_rejects_an_unknown_dtype():
    with pytest.raises(TypeError, match="astype: 'floaty' is not a data type"):
        ops.astype(db.Tensor([1.0]), "floaty")


def test_scalars_are_weakly_typed_so_float32_stays_float32():
    x = db.Tensor(np.ones(3, np.float32), requires_grad=True)
    for y in (x * np.float64(2.0), np.float64(2.0) - x, x**2, 2**x, x / np.pi, x + 1):
        assert y.dtype == np.float32
    (x * np.float64(2.0)).sum().backward()
    assert x.grad.dtype == np.float32


def test_float32_operand_gets_a_float32_gradient_from_a_float64_product():
    x = db.Tensor(np.ones(3, np.float32), requires_grad=True)
    (x * db.Tensor(np.full(3, 2.0))).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])


def test_transcendental_ops_turn_integers_into_floatx():
    assert ops.exp(np.arange(3)).dtype == np.float32
    assert ops.sqrt(db.Tensor([1, 4, 9])).dtype == np.float32
    assert ops.square(np.arange(3)).dtype == np.int64


def test_astype_gradient_is_cast_back_to_the_input_dtype():
    x = db.Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    y = ops.astype(x, "float64")
    assert y.dtype == np.float64
    (y * db.Tensor(np.array([0.5, 3.0]))).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [0.5, 3.0])


def test_astype_to_an_integer_type_is_not_recorded():
    x = db.Tensor([1.5, -2.5], requires_grad=True)
    y = x.astype("int32")
    assert y.dtype == np.int32 and not y.requires_grad


@pytest.mark.parametrize("op", [ops.maximum, ops.minimum])
def test_ties_in_maximum_and_minimum_split_the_gradient_evenly(op):
    a = db.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = db.Tensor(np.array([1.0, 0.0, 5.0]), requires_grad=True)
    op(a, b).backward(np.array([4.0, 4.0, 4.0]))
    want_a = np.array([2.0, 4.0, 0.0] if op is ops.maximum else [2.0, 0.0, 4.0])
    np.testing.assert_array_equal(a.grad, want_a)
    np.testing.assert_array_equal(b.grad, 4.0 - want_a)


def test_ties_in_maximum_match_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch is an optional reference")
    a, b = np.array([[0.0, 1.0], [2.0, 2.0]]), np.array([0.0, 2.0])
    ours = [db.Tensor(v, requires_grad=True) for v in (a, b)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (a, b)]
    ops.maximum(*ours).sum().backward()
    torch.maximum(*theirs).sum().backward()
    for x, t in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(x.grad, t.grad.numpy())


def test_power_gradient_at_a_zero_base_matches_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch is an optional reference")
    base, exponent = np.array([0.0, 0.0, 2.0]), np.array([2.0, 0.0, 0.5])
    ours = [db.Tensor(v, requires_grad=True) for v in (base, exponent)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (base, exponent)]
    ops.power(*ours).sum().backward()
    torch.pow(*theirs).sum().backward()
    for x, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("op", [ops.equal, ops.greater, ops.less_equal, ops.logical_and])
def test_comparisons_build_no_graph(op):
    x = db.Tensor(np.array([0.5, -1.0]), requires_grad=True)
    y = op(x, 0.0)
    assert y.dtype == np.bool_
    assert not y.requires_grad and y.is_leaf


def test_comparison_operators_call_the_comparison_ops():
    x = db.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    np.testing.assert_array_equal((x > 2).numpy(), [False, False, True])
    np.testing.assert_array_equal((x <= 2).numpy(), [True, True, False])
    np.testing.assert_array_equal((x == 2).numpy(), [False, True, False])
    np.testing.assert_array_equal((x != 2).numpy(), [True, False, True])
    assert not (x >= 1).requires_grad


def test_tensor_methods_call_these_ops():
    x = db.Tensor(np.array([0.25, 0.75, 4.0]), requires_grad=True)
    y = x.sqrt() + x.square() + x.exp() + x.log() + abs(-x) + x.clip(0.5, 1.0) + x**3
    y.sum().backward()
    v = x.data
    inside = np.array([0.0, 1.0, 0.0])
    want = 0.5 / np.sqrt(v) + 2 * v + np.exp(v) + 1 / v + 1 + inside + 3 * v**2
    np.testing.assert_allclose(x.grad, want)


def test_gradients_accumulate_across_two_backward_calls():
    x = db.Tensor(np.array([0.5, -1.0]), requires_grad=True)
    ops.exp(x).sum().backward()
    ops.multiply(x, 3.0).sum().backward()
    np.testing.assert_allclose(x.grad, np.exp(x.data) + 3.0)


def test_docstring_examples_run():
    result = doctest.testmod(elementwise)
    assert result.attempted > 0 and result.failed == 0
