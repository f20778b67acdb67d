"""Fused cross-entropy losses: forward vs NumPy, float64 gradients (logits and soft targets)
vs finite differences and PyTorch, stability at logits of +-1000, dtypes, error messages."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks.ops import (
    cross_entropy,
    sigmoid_cross_entropy,
    softmax_cross_entropy,
    sparse_softmax_cross_entropy,
)
from tests.ops.cases import Case, check_forward, check_gradient, check_torch


def log_softmax_ref(z, axis=-1):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax_ce_ref(axis=-1):
    return lambda z, t: -(t * log_softmax_ref(z, axis)).sum(axis=axis)


def sparse_ce_ref(labels, axis=-1):
    def ref(z):
        per_sample = np.delete(z.shape, axis)  # (N, 1) labels read as (N,)
        picked = np.expand_dims(labels.reshape(per_sample), axis)
        return -np.take_along_axis(log_softmax_ref(z, axis), picked, axis).squeeze(axis)
    return ref


def sigmoid_ce_ref(z, t):
    """The textbook form, fine at moderate logits: -t log(p) - (1 - t) log(1 - p)."""
    p = 1 / (1 + np.exp(-z))
    return -t * np.log(p) - (1 - t) * np.log(1 - p)


def logits_and_distributions(shape, axis=-1):
    """Logits ~ N(0, 2^2) and probability targets (Dirichlet) along ``axis``."""
    def draw(rng):
        moved = list(shape)
        moved.append(moved.pop(axis))
        t = rng.dirichlet(np.ones(moved[-1]), moved[:-1])
        # C order: gradcheck perturbs inputs through a flat view.
        return [2.0 * rng.standard_normal(shape), np.ascontiguousarray(np.moveaxis(t, -1, axis))]
    return draw


def logits(*shape):
    return lambda rng: [2.0 * rng.standard_normal(shape)]


LABELS = np.array([0, 4, 2, 2])
LABEL_MAP = np.array([[2, 0, 1, 1], [0, 0, 2, 1]])  # (N, W) labels for (N, C, W) logits
SEQUENCE_LABELS = np.array([[4, 0, 1], [3, 3, 2]])  # (N, T) labels for (N, T, C) logits


def sparse_case(name, labels, shape, axis=-1, torch=None, op=sparse_softmax_cross_entropy):
    """A row whose labels are fixed (integers carry no gradient): logits are the only input."""
    return Case(name, lambda z: op(z, labels, axis=axis), logits(*shape),
                sparse_ce_ref(labels, axis), torch)


def torch_ce(t, z, target):
    return t.nn.functional.cross_entropy(z, target, reduction="none")


CASES = [
    Case("softmax_ce", softmax_cross_entropy, logits_and_distributions((4, 5)),
         softmax_ce_ref(), torch_ce),
    Case("softmax_ce_class_axis_1", lambda z, t: softmax_cross_entropy(z, t, axis=1),
         logits_and_distributions((2, 3, 4), axis=1), softmax_ce_ref(axis=1), torch_ce),
    Case("softmax_ce_unnormalised_target", softmax_cross_entropy,
         lambda rng: [rng.standard_normal((3, 4)), rng.uniform(0.0, 1.0, (3, 4))],
         softmax_ce_ref(), torch_ce),
    Case("cross_entropy_float_target", cross_entropy, logits_and_distributions((3, 6)),
         softmax_ce_ref(), torch_ce),
    sparse_case("sparse_ce", LABELS, (4, 5),
                torch=lambda t, z: torch_ce(t, z, t.as_tensor(LABELS))),
    sparse_case("sparse_ce_labels_n_by_1", LABELS[:, None], (4, 5),
                torch=lambda t, z: torch_ce(t, z, t.as_tensor(LABELS))),
    sparse_case("sparse_ce_class_axis_1", LABEL_MAP, (2, 3, 4), axis=1,
                torch=lambda t, z: torch_ce(t, z, t.as_tensor(LABEL_MAP))),
    sparse_case("sparse_ce_sequence", SEQUENCE_LABELS, (2, 3, 5),
                torch=lambda t, z: torch_ce(t, z.movedim(-1, 1), t.as_tensor(SEQUENCE_LABELS))),
    sparse_case("cross_entropy_integer_target", LABELS, (4, 5), op=cross_entropy,
                torch=lambda t, z: torch_ce(t, z, t.as_tensor(LABELS))),
    Case("sigmoid_ce", sigmoid_cross_entropy,
         lambda rng: [3.0 * rng.standard_normal((3, 4)), rng.uniform(0.0, 1.0, (3, 4))],
         sigmoid_ce_ref,
         lambda t, z, y: t.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_forward_matches_numpy(case):
    check_forward(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_matches_finite_differences(case):
    check_gradient(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_pytorch(case):
    check_torch(case)


EXTREME = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_losses_stay_finite_at_logits_of_1000(dtype):
    onehot = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    for loss_fn, target in [(softmax_cross_entropy, onehot),
                            (sparse_softmax_cross_entropy, np.array([0, 0]))]:
        z = db.Tensor(EXTREME.astype(dtype), requires_grad=True)
        loss = loss_fn(z, target)
        loss.backward(np.ones(2, dtype))
        np.testing.assert_allclose(loss.numpy(), [0.0, 2000.0])
        np.testing.assert_allclose(z.grad, [[0.0, 0.0, 0.0], [-1.0, 1.0, 0.0]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sigmoid_loss_stays_finite_at_logits_of_1000(dtype):
    z = db.Tensor(np.array([1000.0, -1000.0, 1000.0, -1000.0], dtype), requires_grad=True)
    loss = sigmoid_cross_entropy(z, np.array([0.0, 1.0, 1.0, 0.0]))
    loss.backward(np.ones(4, dtype))
    np.testing.assert_allclose(loss.numpy(), [1000.0, 1000.0, 0.0, 0.0])
    np.testing.assert_allclose(z.grad, [1.0, -1.0, 0.0, 0.0])


def test_soft_target_gradients_stay_finite_at_logits_of_1000():
    teacher = db.Tensor(np.full((2, 3), 1 / 3), requires_grad=True)
    softmax_cross_entropy(EXTREME, teacher).backward(np.ones(2))
    np.testing.assert_allclose(teacher.grad, -log_softmax_ref(EXTREME))
    assert teacher.grad.max() == 2000.0


def test_soft_targets_that_require_grad_receive_minus_log_softmax():
    z = db.Tensor(np.array([[1.0, 2.0, 3.0]]), requires_grad=True)
    teacher = db.Tensor(np.array([[0.2, 0.3, 0.5]]), requires_grad=True)
    softmax_cross_entropy(z, teacher).backward(np.array([2.0]))
    np.testing.assert_allclose(teacher.grad, -2.0 * log_softmax_ref(z.numpy()))


def test_targets_that_do_not_require_grad_get_none():
    target = db.Tensor(np.array([[0.0, 1.0]]))
    z = db.Tensor(np.zeros((1, 2)), requires_grad=True)
    softmax_cross_entropy(z, target).backward(np.ones(1))
    assert target.grad is None and z.grad is not None


@pytest.mark.parametrize("loss_fn, target", [
    (softmax_cross_entropy, np.eye(3)[[0, 2]]),
    (sparse_softmax_cross_entropy, np.array([0, 2])),
    (sigmoid_cross_entropy, np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])),
])
def test_float32_logits_give_float32_losses_and_gradients_even_with_float64_targets(loss_fn,
                                                                                   target):
    z = db.Tensor(np.ones((2, 3), "float32"), requires_grad=True)
    loss = loss_fn(z, target)
    loss.backward(np.ones(loss.shape, "float32"))
    assert loss.dtype == z.grad.dtype == np.float32


def test_sparse_labels_may_be_floats_holding_whole_numbers():
    z = np.random.default_rng(0).standard_normal((3, 4))
    from_floats = sparse_softmax_cross_entropy(z, np.array([1.0, 3.0, 0.0])).numpy()
    np.testing.assert_array_equal(from_floats, sparse_ce_ref(np.array([1, 3, 0]))(z))


def test_python_lists_are_accepted_as_float32_logits_and_integer_labels():
    z = [[2.0, 0.0], [0.0, 0.0]]
    dense = softmax_cross_entropy(z, [[1.0, 0.0], [0.0, 1.0]]).numpy()
    sparse = cross_entropy(z, [0, 1]).numpy()
    assert dense.dtype == sparse.dtype == np.float32
    np.testing.assert_allclose(dense, sparse)
    assert sigmoid_cross_entropy([0.0], [1.0]).dtype == np.float32


@pytest.mark.parametrize("call, error, message", [
    (lambda: softmax_cross_entropy(np.zeros((4, 3)), np.zeros(4)), ValueError,
     r"softmax_cross_entropy: target of shape \(4,\) does not match logits of shape \(4, 3\); "
     r".* For integer class labels use sparse_softmax_cross_entropy"),
    (lambda: sparse_softmax_cross_entropy(np.zeros((4, 10)), np.array([0, 10, 2, 3])),
     ValueError,
     r"sparse_softmax_cross_entropy: label 10 out of range for 10 classes; labels must be "
     r"integers in \[0, 10\)\. Check the labels, or give the last layer one unit per class"),
    (lambda: sparse_softmax_cross_entropy(np.zeros((2, 10)), np.array([-1, 0])), ValueError,
     r"label -1 out of range for 10 classes"),
    (lambda: sparse_softmax_cross_entropy(np.zeros((4, 3)), np.eye(3)[[0, 1, 2, 0]]),
     ValueError,
     r"sparse_softmax_cross_entropy: labels of shape \(4, 3\) do not match logits of shape "
     r"\(4, 3\) with classes on axis 1; expected labels of shape \(4,\) or \(4, 1\)\. For "
     r"one-hot or probability targets use softmax_cross_entropy"),
    (lambda: sparse_softmax_cross_entropy(np.zeros((2, 3)), np.array([0.5, 1.0])), TypeError,
     r"sparse_softmax_cross_entropy: labels must be integers; received dtype float64 with "
     r"non-integer values"),
    (lambda: cross_entropy(np.zeros((2, 3)), np.array([0, 1]), axis=2), ValueError,
     r"sparse_softmax_cross_entropy: axis 2 is out of range for logits of shape \(2, 3\) "
     r"\(rank 2\); the class axis must be in \[-2, 1\], usually -1"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), np.zeros((2, 3)), axis=1.0), TypeError,
     r"softmax_cross_entropy: axis must be an int, the class axis\. Received: axis=1\.0"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3), "int64"), np.zeros((2, 3))), TypeError,
     r"softmax_cross_entropy: logits must be floating-point; received dtype int64"),
    (lambda: sigmoid_cross_entropy(np.zeros((4, 1)), np.zeros(4)), ValueError,
     r"sigmoid_cross_entropy: target of shape \(4,\) does not match logits of shape \(4, 1\); "
     r"reshape one of them .* They are not broadcast"),
])
def test_bad_arguments_raise_messages_naming_the_op_and_the_fix(call, error, message):
    with pytest.raises(error, match=message):
        call()
