"""Embedding lookup: forward vs NumPy indexing, the table's gradient vs finite differences and
PyTorch (repeated indices accumulate), index dtypes and error messages."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks.ops import embedding
from tests.ops.cases import Case, check_forward, check_gradient, check_torch

TOKENS = np.array([[3, 1, 3, 0], [9, 3, 1, 1], [0, 0, 7, 3]])  # repeats on purpose


def table(rows, dim):
    return lambda rng: [rng.standard_normal((rows, dim))]


def lookup(indices):
    """The case's op: the table is the only differentiable input, the indices are fixed."""
    return dict(
        op=lambda t: embedding(indices, t),
        numpy=lambda t: t[indices],
        torch=lambda torch, t: torch.nn.functional.embedding(torch.as_tensor(indices), t),
    )


CASES = [
    Case("batch_of_sequences", **lookup(TOKENS), inputs=table(10, 4)),
    Case("flat_indices", **lookup(np.array([2, 0, 2, 2, 1])), inputs=table(3, 5)),
    Case("one_index_many_times", **lookup(np.full((2, 3, 2), 4)), inputs=table(6, 3)),
    Case("scalar_index", **lookup(np.array(2)), inputs=table(4, 3)),
    Case("int32_indices", **lookup(TOKENS.astype(np.int32)), inputs=table(10, 2)),
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


def test_repeated_indices_accumulate_into_their_row():
    weights = db.Tensor(np.zeros((4, 2), "float32"), requires_grad=True)
    y = embedding(np.array([[1, 3], [1, 1]]), weights)
    y.backward(np.arange(8, dtype="float32").reshape(2, 2, 2))
    np.testing.assert_array_equal(weights.grad, [[0, 0], [0 + 4 + 6, 1 + 5 + 7], [0, 0], [2, 3]])
    assert weights.grad.dtype == np.float32


def test_output_keeps_the_table_dtype_and_appends_its_width():
    weights = db.Variable(np.ones((5, 3), "float32"))
    y = embedding(db.Tensor(np.zeros((2, 7), "int64")), weights)
    assert y.shape == (2, 7, 3) and y.dtype == np.float32


def test_float_indices_holding_whole_numbers_are_accepted():
    weights = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(embedding(np.array([2.0, 0.0]), weights).numpy(),
                                  [[4.0, 5.0], [0.0, 1.0]])


def test_python_lists_are_accepted():
    y = embedding([[0, 1]], [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(y.numpy(), [[[1.0, 2.0], [3.0, 4.0]]])
    assert y.dtype == np.float32


@pytest.mark.parametrize("indices, error, message", [
    (np.array([[5, 1000]]), ValueError,
     r"embedding: index 1000 out of range for a table of 1000 rows \(input_dim\)\. Indices "
     r"must lie in \[0, 1000\); set input_dim to the vocabulary size"),
    (np.array([3, -1]), ValueError, r"embedding: index -1 out of range for a table of 1000"),
    (np.array([0.5, 1.0]), TypeError,
     r"embedding: indices must be integers; received dtype float64 with non-integer values\. "
     r"Pass integer indices, e.g. indices.astype\('int64'\)"),
    (np.array([np.nan]), TypeError, r"received dtype float64 with non-integer values"),
    (np.array([True, False]), TypeError, r"embedding: indices must be integers; received "
                                         r"dtype bool\. Pass integer indices"),
])
def test_bad_indices_raise_messages_naming_the_op_and_the_fix(indices, error, message):
    with pytest.raises(error, match=message):
        embedding(indices, np.zeros((1000, 4)))


def test_a_table_that_is_not_a_matrix_is_refused():
    with pytest.raises(ValueError, match=r"embedding: table must be 2-D with shape "
                                         r"\(input_dim, output_dim\); received shape \(10,\)"):
        embedding(np.array([1]), np.zeros(10))
