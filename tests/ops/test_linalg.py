"""Linear algebra ops: forward vs NumPy, float64 gradients vs finite differences, and PyTorch.

matmul rows cover 1-D operands on either side and batch dimensions that broadcast, whose
gradients must be summed back to the operand's shape.
"""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import ops
from tests.ops.cases import Case, check_forward, check_gradient, check_torch, draw


def normal(*shapes):
    return lambda rng: [rng.standard_normal(s) for s in shapes]


def matmul_case(id, *shapes):
    return Case(id, ops.matmul, normal(*shapes), np.matmul, lambda t, a, b: a @ b)


def einsum_case(id, subscripts, *shapes):
    return Case(
        f"einsum_{id}",
        lambda *xs: ops.einsum(subscripts, *xs),
        normal(*shapes),
        lambda *xs: np.einsum(subscripts, *xs),
        lambda t, *xs: t.einsum(subscripts, *xs),
    )


_NUMPY_ACTIVATIONS = {
    None: lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
}
_TORCH_ACTIVATIONS = {None: lambda t, z: z, "relu": lambda t, z: t.relu(z),
                      "tanh": lambda t, z: t.tanh(z), "sigmoid": lambda t, z: t.sigmoid(z)}


def dense_case(id, x, units, activation=None, bias=True):
    """ops.dense against x @ kernel + bias then the activation, in NumPy and PyTorch."""
    shapes = (x, (x[-1], units)) + (((units,),) if bias else ())
    act, torch_act = _NUMPY_ACTIVATIONS[activation], _TORCH_ACTIVATIONS[activation]
    return Case(
        f"dense_{id}",
        lambda *a: ops.dense(*a, activation=activation),
        normal(*shapes),
        lambda x, k, b=0.0: act(x @ k + b),
        lambda t, x, k, b=0.0: torch_act(t, x @ k + b),
    )


CASES = [
    dense_case("linear", (4, 3), 5),
    dense_case("relu", (6, 3), 4, "relu"),
    dense_case("tanh_batch_of_sequences", (2, 3, 4), 3, "tanh"),
    dense_case("sigmoid_no_bias", (4, 3), 2, "sigmoid", bias=False),
    dense_case("vector_input", (3,), 2, "relu"),
    matmul_case("matmul_2d", (3, 4), (4, 5)),
    matmul_case("matmul_vector_matrix", (4,), (4, 5)),
    matmul_case("matmul_matrix_vector", (3, 4), (4,)),
    matmul_case("matmul_vector_vector", (4,), (4,)),
    matmul_case("matmul_batch_times_matrix", (2, 3, 4), (4, 5)),
    matmul_case("matmul_matrix_times_batch", (3, 4), (2, 4, 5)),
    matmul_case("matmul_batch_times_batch", (2, 3, 4), (2, 4, 5)),
    matmul_case("matmul_batches_broadcast", (2, 1, 3, 4), (3, 4, 2)),
    matmul_case("matmul_vector_times_batch", (4,), (2, 4, 3)),
    matmul_case("matmul_batch_times_vector", (2, 3, 4), (4,)),
    Case("dot_vectors", ops.dot, normal((4,), (4,)), np.dot, lambda t, a, b: a.dot(b)),
    Case("dot_matrices", ops.dot, normal((3, 4), (4, 2)), np.dot, lambda t, a, b: a.mm(b)),
    Case("dot_matrix_vector", ops.dot, normal((3, 4), (4,)), np.dot, lambda t, a, b: a.mv(b)),
    Case("dot_scalar", ops.dot, normal((), (2, 3)), np.dot, lambda t, a, b: a * b),
    Case("dot_nd", ops.dot, normal((2, 3, 4), (2, 4, 3)), np.dot,
         lambda t, a, b: t.tensordot(a, b, ([2], [1]))),
    Case("dot_nd_vector", ops.dot, normal((2, 3, 4), (4,)), np.dot,
         lambda t, a, b: t.tensordot(a, b, ([2], [0]))),
    Case("tensordot_default_two_axes", ops.tensordot, normal((2, 3, 4), (3, 4, 5)),
         np.tensordot, lambda t, a, b: t.tensordot(a, b)),
    Case("tensordot_one_axis", lambda a, b: ops.tensordot(a, b, 1), normal((2, 3), (3, 4)),
         lambda a, b: np.tensordot(a, b, 1), lambda t, a, b: t.tensordot(a, b, 1)),
    Case("tensordot_paired_axes_out_of_order",
         lambda a, b: ops.tensordot(a, b, ([2, 0], [0, -1])), normal((2, 3, 4), (4, 5, 2)),
         lambda a, b: np.tensordot(a, b, ([2, 0], [0, 2])),
         lambda t, a, b: t.tensordot(a, b, ([2, 0], [0, 2]))),
    Case("tensordot_zero_axes_is_outer", lambda a, b: ops.tensordot(a, b, 0),
         normal((2, 3), (4,)), lambda a, b: np.tensordot(a, b, 0),
         lambda t, a, b: t.tensordot(a, b, 0)),
    einsum_case("matmul", "ij,jk->ik", (3, 4), (4, 2)),
    einsum_case("batched_matmul", "bij,bjk->bik", (2, 3, 4), (2, 4, 2)),
    einsum_case("transpose", "ij->ji", (3, 4)),
    einsum_case("row_sums", "ij->i", (3, 4)),
    einsum_case("letter_only_in_second_operand", "ij,jk->i", (3, 4), (4, 2)),
    einsum_case("trace", "ii->", (3, 3)),
    einsum_case("diagonal", "ii->i", (3, 3)),
    einsum_case("diagonal_times_matrix", "ii,ij->j", (3, 3), (3, 2)),
    einsum_case("three_operands", "ij,jk,kl->il", (2, 3), (3, 4), (4, 2)),
    einsum_case("outer", "i,j->ij", (3,), (4,)),
    einsum_case("bilinear_scalar", "i,ij,j->", (3,), (3, 4), (4,)),
    Case("outer", ops.outer, normal((3,), (4,)), np.outer, lambda t, a, b: t.outer(a, b)),
    Case("outer_flattens", ops.outer, normal((2, 2), (3,)), np.outer,
         lambda t, a, b: t.outer(a.flatten(), b)),
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


@pytest.mark.parametrize("case", CASES, ids=str)
def test_float32_stays_float32(case):
    xs = [db.Tensor(a.astype(np.float32), requires_grad=True) for a in draw(case)]
    out = case.op(*xs)
    out.backward(np.ones(out.shape, np.float32))
    assert out.dtype == np.float32
    assert [x.grad.dtype for x in xs] == [np.float32] * len(xs)


def test_matmul_computes_only_the_gradients_that_are_needed():
    x = db.Tensor(np.ones((2, 3)), requires_grad=True)
    w = np.arange(12.0).reshape(3, 4)
    ops.matmul(x, w).backward(np.ones((2, 4)))
    np.testing.assert_array_equal(x.grad, np.ones((2, 4)) @ w.T)


def test_matmul_operator_works_with_arrays_on_either_side():
    x = db.Tensor(np.eye(2), requires_grad=True)
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal((a @ x).data, a)
    np.testing.assert_array_equal((x @ a).data, a)


def test_dense_keeps_finite_values_and_gradients_at_extreme_inputs():
    x = db.Tensor(np.array([[-1000.0], [1000.0]], np.float32), requires_grad=True)
    for activation in ("relu", "tanh", "sigmoid"):
        y = ops.dense(x, np.ones((1, 2), np.float32), np.zeros(2, np.float32), activation)
        y.backward(np.ones(y.shape, np.float32))
        assert np.isfinite(y.data).all() and np.isfinite(x.grad).all(), activation
        x.grad = None


def test_dense_layer_fuses_its_activation_into_one_op():
    layer = db.layers.Dense(3, activation="relu")
    y = layer(db.Tensor(np.ones((2, 4), np.float32)))
    assert type(y._ctx).__name__ == "Dense"


def test_dense_layer_applies_an_unfusable_activation_after_the_op():
    layer = db.layers.Dense(3, activation="softmax")
    y = layer(db.Tensor(np.ones((2, 4), np.float32)))
    np.testing.assert_allclose(y.numpy().sum(axis=-1), 1.0, rtol=1e-6)


def test_einsum_gets_the_same_operand_twice():
    x = db.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    ops.einsum("i,i->", x, x).backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])


ERRORS = [
    (lambda: ops.dense(np.zeros((2, 3)), np.zeros((3, 4)), activation="softmax"),
     r"dense: activation must be None or one of 'linear', 'relu', 'tanh', 'sigmoid'; "
     r"received activation='softmax'"),
    (lambda: ops.dense(np.zeros((2, 3)), np.zeros((3, 4)), np.zeros(3)),
     r"dense: bias must have shape \(4,\), one value per unit; received shape \(3,\)"),
    (lambda: ops.dense(np.zeros((2, 3)), np.zeros((4, 4))),
     r"dense: cannot multiply shapes \(2, 3\) and \(4, 4\)"),
    (lambda: ops.dense(np.zeros((2, 3)), np.zeros(3)), r"dense: expected x of shape"),
    (lambda: ops.matmul(np.zeros((32, 784)), np.zeros((100, 10))),
     r"matmul: cannot multiply shapes \(32, 784\) and \(100, 10\): the last dimension of x1 "
     r"\(784\) must equal the second-to-last dimension of x2 \(100\)"),
    (lambda: ops.matmul(np.zeros((3, 4)), np.zeros(5)),
     r"matmul: .*shapes \(3, 4\) and \(5,\).*the first dimension of x2 \(5\)"),
    (lambda: ops.matmul(np.zeros((2, 3, 4)), np.zeros((5, 4, 2))),
     r"matmul: the batch dimensions \(2,\) and \(5,\) of shapes \(2, 3, 4\) and \(5, 4, 2\)"),
    (lambda: ops.matmul(np.float32(2.0), np.zeros(3)),
     r"matmul: operands must have at least one dimension; received shapes \(\) and \(3,\)"),
    (lambda: ops.dot(np.zeros((2, 3)), np.zeros((2, 3))), r"dot: .*\(2, 3\) and \(2, 3\)"),
    (lambda: ops.dot(np.zeros((2, 3, 4)), np.zeros((3, 2, 4))),
     r"dot: cannot contract axes \[2\] of shape \(2, 3, 4\) \(sizes \[4\]\) with axes \[1\] of "
     r"shape \(3, 2, 4\) \(sizes \[2\]\)"),
    (lambda: ops.tensordot(np.zeros((2, 3)), np.zeros(3), 3),
     r"tensordot: axes=3 asks to contract more axes than shapes \(2, 3\) and \(3,\) have"),
    (lambda: ops.tensordot(np.zeros((2, 3)), np.zeros(3), ([0, 1], [0])),
     r"tensordot: cannot contract axes \[0, 1\] of shape \(2, 3\)"),
    (lambda: ops.tensordot(np.zeros((2, 3)), np.zeros(3), ([2], [0])),
     r"tensordot: axis 2 is out of range for an operand of shape \(2, 3\)"),
    (lambda: ops.tensordot(np.zeros((2, 3)), np.zeros(3), "ij"),
     r"tensordot: axes must be an int or a pair"),
    (lambda: ops.einsum("ij,jk", np.zeros((2, 3)), np.zeros((3, 4))),
     r"einsum: supports explicit subscripts .*received 'ij,jk'. Write out the output"),
    (lambda: ops.einsum("...ij->...ji", np.zeros((2, 3))), r"einsum: .*no ellipsis"),
    (lambda: ops.einsum("ij,jk->ik", np.zeros((2, 3))),
     r"einsum: subscripts 'ij,jk->ik' name 2 operands but 1 were given"),
    (lambda: ops.einsum("i1->i", np.zeros((2, 3))), r"einsum: .* only use the letters"),
    (lambda: ops.einsum("ijk->i", np.zeros((2, 3))),
     r"einsum: operand 0 has shape \(2, 3\) but its subscripts 'ijk' name 3 axes"),
    (lambda: ops.einsum("ij,jk->ik", np.zeros((2, 3)), np.zeros((1, 4))),
     r"einsum: index 'j' has size 3 in operand 0 \(shape \(2, 3\)\) but size 1 in operand 1 "
     r"\(shape \(1, 4\)\)"),
    (lambda: ops.einsum("ij->ik", np.zeros((2, 3))),
     r"einsum: the output 'ik' of 'ij->ik' must list distinct letters, each used by some"),
    (lambda: ops.einsum("ij->ii", np.zeros((2, 3))), r"einsum: the output 'ii'"),
]  # fmt: skip


@pytest.mark.parametrize("call, message", ERRORS, ids=[m.split(":")[0] for _, m in ERRORS])
def test_bad_arguments_raise_errors_naming_the_op_and_both_shapes(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
