"""Embedding lookup: rows of a table gathered by integer indices, and its scatter-add backward.

The backward pass adds each upstream row into the table row it was read from; an index that
appears k times receives k rows. That sum is a product with the (V, n) one-hot matrix of the
indices, which SciPy's sparse CSC format holds without any sorting (column j has its single 1
in row indices[j]). Measured on 2 CPU cores for float32 gradients: 0.5 ms against 4.3 ms for
``np.add.at`` and 1.6 ms for a sort followed by ``np.add.reduceat`` (V = 1,000 rows, D = 64,
n = 3,200 lookups); 1.6 ms against 37 ms and 31 ms (V = 20,000, D = 128, n = 12,800).
"""

import numpy as np
import scipy.sparse

from deepbricks.autograd import Function
from deepbricks.autograd.tensor import Tensor

__all__ = ["embedding"]


def as_indices(op, name, values):
    """``values`` as an integer array; floats are accepted when they hold whole numbers.

    Shared with the sparse cross-entropy in ``ops/loss.py``, whose labels follow the same rule.
    """
    array = values.data if isinstance(values, Tensor) else np.asarray(values)
    if np.issubdtype(array.dtype, np.integer):
        return array
    if np.issubdtype(array.dtype, np.floating):
        with np.errstate(invalid="ignore"):  # NaN and inf fail the comparison below
            whole = array.astype(np.int64)
        if np.array_equal(whole, array):
            return whole
    raise TypeError(
        f"{op}: {name} must be integers; received dtype {array.dtype}"
        + (" with non-integer values" if np.issubdtype(array.dtype, np.floating) else "")
        + f". Pass integer {name}, e.g. {name}.astype('int64')."
    )


class Embedding(Function):
    def forward(self, indices, table):
        self.indices, self.n_rows = indices, table.shape[0]
        return np.take(table, indices, axis=0)

    def backward(self, gy):
        flat = self.indices.reshape(-1)
        rows = gy.reshape(flat.size, gy.shape[-1])
        one_hot = scipy.sparse.csc_matrix(
            (np.ones(flat.size, gy.dtype), flat, np.arange(flat.size + 1)),
            shape=(self.n_rows, flat.size),
        )
        # SciPy has no float16 kernels and answers in float32; cast back to the table's type.
        return None, np.asarray(one_hot @ rows).astype(gy.dtype, copy=False)


def embedding(indices, table):
    """Looks up rows of ``table``: y[..., :] = table[indices[...], :].

    The gradient goes to the table only: row v receives the sum of the upstream gradients of
    every position whose index is v (repeated indices accumulate).

    Args:
        indices: integer array or Tensor of any shape, values in [0, V).
        table: Tensor of shape (V, D), the embedding matrix (Keras's ``embeddings``).

    Returns:
        A Tensor of shape (*indices.shape, D).

    Raises:
        ValueError: an index outside [0, V), or a table that is not 2-D.
        TypeError: indices that are not integers.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> table = db.Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
        >>> y = db.ops.embedding(np.array([[2, 0], [2, 2]]), table)
        >>> y.shape
        (2, 2, 2)
        >>> y.backward(np.ones(y.shape))
        >>> table.grad
        array([[1., 1.],
               [0., 0.],
               [3., 3.]])
    """
    ids = as_indices("embedding", "indices", indices)
    if not isinstance(table, (Tensor, np.ndarray)):
        table = Tensor(table)
    table_shape = table.shape
    if len(table_shape) != 2:
        raise ValueError(
            f"embedding: table must be 2-D with shape (input_dim, output_dim); received shape "
            f"{table_shape}."
        )
    n_rows = table_shape[0]
    if ids.size:
        low, high = ids.min(), ids.max()
        if low < 0 or high >= n_rows:
            bad = high if high >= n_rows else low
            raise ValueError(
                f"embedding: index {bad} out of range for a table of {n_rows} rows "
                f"(input_dim). Indices must lie in [0, {n_rows}); set input_dim to the "
                f"vocabulary size (largest index + 1) or remap the indices."
            )
    return Embedding.apply(ids, table)
