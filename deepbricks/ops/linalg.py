"""Linear algebra: matrix products and tensor contractions, with their backward passes.

Every gradient here is itself a product: for y = a @ b, dL/da = dL/dy @ b^T and
dL/db = a^T @ dL/dy, taken on the last two axes with transposed views (no copies) and summed
over the batch axes that broadcasting stretched.
"""

import numpy as np

from deepbricks.autograd import Function, Tensor
from deepbricks.ops._util import unbroadcast
from deepbricks.ops.activation import activate_in_place, activation_grad, check_fusable
from deepbricks.ops.elementwise import multiply

__all__ = ["matmul", "dense", "dot", "tensordot", "einsum", "outer"]


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _check_matmul(op, a, b):
    if not a or not b:
        raise ValueError(
            f"{op}: operands must have at least one dimension; received shapes {a} and {b}. "
            f"Use multiply to scale by a scalar."
        )
    k, inner = (b[0], "first") if len(b) == 1 else (b[-2], "second-to-last")
    if a[-1] != k:
        raise ValueError(
            f"{op}: cannot multiply shapes {a} and {b}: the last dimension of x1 ({a[-1]}) "
            f"must equal the {inner} dimension of x2 ({k}). Check the layer sizes, or "
            f"transpose one operand."
        )
    if len(a) > 2 and len(b) > 2:
        try:
            np.broadcast_shapes(a[:-2], b[:-2])
        except ValueError:
            raise ValueError(
                f"{op}: the batch dimensions {a[:-2]} and {b[:-2]} of shapes {a} and {b} "
                f"cannot be broadcast together (each pair must be equal or contain a 1)."
            ) from None


class MatMul(Function):
    def __init__(self, op="matmul"):
        self.op = op

    def forward(self, a, b):
        _check_matmul(self.op, a.shape, b.shape)
        self.a, self.b = a, b
        if a.ndim > 2 and b.ndim == 2:
            # One product over all the rows is several times faster than NumPy's loop over the
            # batch (the same holds for both gradients below).
            return (a.reshape(-1, a.shape[-1]) @ b).reshape(a.shape[:-1] + b.shape[-1:])
        return a @ b

    def backward(self, gy):
        a, b = self.a, self.b
        # A 1-D operand is a row (x1) or a column (x2) whose extra axis the product removed;
        # give that axis back to the gradient so every case is a product of matrices.
        if b.ndim == 1:
            b, gy = b[:, None], gy[..., None]
        if a.ndim == 1:
            a, gy = a[None, :], gy[..., None, :]
        ga = gb = None
        if b.ndim == 2:
            rows = gy.reshape(-1, gy.shape[-1])
            if self.needs_input_grad[0]:
                ga = _reshaped(rows @ b.T, self.a.shape)
            if self.needs_input_grad[1]:
                gb = _reshaped(a.reshape(-1, a.shape[-1]).T @ rows, self.b.shape)
            return ga, gb
        if self.needs_input_grad[0]:
            ga = _reshaped(unbroadcast(gy @ b.swapaxes(-1, -2), a.shape), self.a.shape)
        if self.needs_input_grad[1]:
            gb = _reshaped(unbroadcast(a.swapaxes(-1, -2) @ gy, b.shape), self.b.shape)
        return ga, gb


def _reshaped(g, shape):
    # Even a same-shape reshape returns a view, which a leaf's .grad would then have to copy.
    return g if g.shape == shape else g.reshape(shape)


def matmul(x1, x2):
    """Matrix product with NumPy's rules: y[..., i, j] = sum_k x1[..., i, k] * x2[..., k, j].

    A 1-D x1 is a row vector and a 1-D x2 a column vector (that axis is removed from the
    result); leading batch dimensions broadcast, and the gradient of a broadcast operand is
    summed back to its shape. dL/dx1 = dL/dy @ x2^T, dL/dx2 = x1^T @ dL/dy.

    Args:
        x1: Tensor or array-like with at least one dimension.
        x2: Tensor or array-like with at least one dimension.

    Returns:
        A Tensor of shape broadcast(x1.shape[:-2], x2.shape[:-2]) + (n, m), less the axes of
        1-D operands.

    Example:
        >>> import deepbricks as db
        >>> db.ops.matmul(db.Tensor([[1.0, 2.0]]), db.Tensor([[3.0], [4.0]]))
        Tensor([[11.]], dtype=float32)
    """
    return MatMul.apply(_tensor(x1), _tensor(x2))


class Dense(Function):
    """x @ kernel + bias then an activation, all on the product's own buffer.

    Only the activated output is saved for the activation's derivative; backward turns the
    incoming gradient into the pre-activation gradient once and reuses it for all three
    operands.
    """

    def __init__(self, activation):
        self.activation = activation

    def forward(self, x, kernel, bias=None):
        rows = x.reshape(-1, x.shape[-1])
        y = rows @ kernel
        if bias is not None:
            if np.result_type(y, bias) == y.dtype:
                y += bias
            else:
                y = y + bias
        activate_in_place(y, self.activation)
        if self.needs_input_grad[0]:
            self.kernel = kernel
        if self.needs_input_grad[1]:
            self.rows = rows
        if self.activation != "linear":
            self.y = y
        return y.reshape(x.shape[:-1] + kernel.shape[-1:])

    def backward(self, gy):
        g = gy.reshape(-1, gy.shape[-1])
        if self.activation != "linear":
            g = activation_grad(g, self.y, self.activation)
        x, kernel, bias = self.inputs
        gx = gk = gb = None
        if self.needs_input_grad[0]:
            gx = (g @ self.kernel.T).reshape(x.shape)
        if self.needs_input_grad[1]:
            gk = self.rows.T @ g
        if self.needs_input_grad[2]:
            # A product with a ones row is one BLAS call, several times faster than sum(0).
            gb = (np.ones(len(g), g.dtype) @ g).astype(bias.dtype, copy=False)
        return gx, gk, gb


def dense(x, kernel, bias=None, activation=None):
    """Fully connected layer as one op: y = activation(x @ kernel + bias).

    The bias add and the activation run in place on the product, and backward needs only
    the activated output: dL/dz = dL/dy * act'(z) is computed from y (relu: y > 0; tanh:
    1 - y^2; sigmoid: y (1 - y)), then dL/dx = dL/dz @ kernel^T, dL/dkernel = x^T @ dL/dz
    and dL/dbias = sum of dL/dz over all rows.

    Args:
        x: Tensor or array-like of shape (..., in_features).
        kernel: shape (in_features, units), Keras's Dense layout.
        bias: optional, shape (units,).
        activation: None (or 'linear'), 'relu', 'tanh' or 'sigmoid'.

    Returns:
        A Tensor of shape (..., units).

    Example:
        >>> import deepbricks as db
        >>> db.ops.dense(db.Tensor([[1.0, -2.0]]), db.Tensor([[1.0], [1.0]]), activation="relu")
        Tensor([[0.]], dtype=float32)
    """
    x, kernel = _tensor(x), _tensor(kernel)
    name = check_fusable("dense", activation)
    if kernel.ndim != 2 or x.ndim < 1:
        raise ValueError(
            f"dense: expected x of shape (..., in_features) and a 2-D kernel (in_features, "
            f"units); received shapes {x.shape} and {kernel.shape}."
        )
    _check_matmul("dense", x.shape, kernel.shape)
    if bias is not None:
        bias = _tensor(bias)
        if bias.shape != kernel.shape[-1:]:
            raise ValueError(
                f"dense: bias must have shape ({kernel.shape[-1]},), one value per unit; "
                f"received shape {bias.shape}."
            )
    return Dense.apply(x, kernel, bias, activation=name)


def dot(x1, x2):
    """Dot product with ``np.dot``'s rules.

    Scalars multiply; 1-D and 2-D operands are matrix products (an inner product for two
    vectors); for higher dimensions y[i..., j..., m] = sum_k x1[i..., k] * x2[j..., k, m].

    Args:
        x1: Tensor or array-like.
        x2: Tensor or array-like.

    Returns:
        A Tensor.

    Example:
        >>> import deepbricks as db
        >>> db.ops.dot(db.Tensor([1.0, 2.0]), db.Tensor([3.0, 4.0]))
        Tensor(11., dtype=float32)
    """
    x1, x2 = _tensor(x1), _tensor(x2)
    if not x1.ndim or not x2.ndim:
        return multiply(x1, x2)
    if x1.ndim <= 2 and x2.ndim <= 2:
        return MatMul.apply(x1, x2, op="dot")
    return _tensordot("dot", x1, x2, ([x1.ndim - 1], [max(x2.ndim - 2, 0)]))


class TensorDot(Function):
    def __init__(self, axes_a, axes_b):
        self.axes_a, self.axes_b = axes_a, axes_b

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.tensordot(a, b, (self.axes_a, self.axes_b))

    def backward(self, gy):
        a, b, axes_a, axes_b = self.a, self.b, self.axes_a, self.axes_b
        free_a = [i for i in range(a.ndim) if i not in axes_a]
        free_b = [i for i in range(b.ndim) if i not in axes_b]
        ga = gb = None
        # gy's axes are x1's free axes then x2's. Contracting gy with the other operand over
        # the other's free axes leaves this operand's axes, in an order undone by a transpose.
        if self.needs_input_grad[0]:
            raw = np.tensordot(gy, b, (list(range(len(free_a), gy.ndim)), free_b))
            order = free_a + [axes_a[axes_b.index(j)] for j in sorted(axes_b)]
            ga = raw.transpose(np.argsort(order))
        if self.needs_input_grad[1]:
            raw = np.tensordot(a, gy, (free_a, list(range(len(free_a)))))
            order = [axes_b[axes_a.index(i)] for i in sorted(axes_a)] + free_b
            gb = raw.transpose(np.argsort(order))
        return ga, gb


def _contracted_axes(op, axes, shape):
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
        axes = [int(axes)]
    normalized = []
    for axis in axes:
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{op}: axes must be ints; received {axis!r}.")
        if not -len(shape) <= axis < len(shape):
            raise ValueError(f"{op}: axis {axis} is out of range for an operand of shape {shape}.")
        normalized.append(int(axis) % len(shape))
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: repeated axis in {axes} for an operand of shape {shape}.")
    return normalized


def _tensordot(op, x1, x2, axes):
    a, b = x1.shape, x2.shape
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
        if not 0 <= axes <= min(len(a), len(b)):
            raise ValueError(
                f"{op}: axes={axes} asks to contract more axes than shapes {a} and {b} have "
                f"(or is negative)."
            )
        axes_a, axes_b = list(range(len(a) - axes, len(a))), list(range(axes))
    else:
        if not isinstance(axes, (tuple, list)) or len(axes) != 2:
            raise TypeError(
                f"{op}: axes must be an int or a pair (axes of x1, axes of x2); received {axes!r}."
            )
        given_a, given_b = axes
        axes_a = _contracted_axes(op, given_a, a)
        axes_b = _contracted_axes(op, given_b, b)
    sizes_a, sizes_b = [a[i] for i in axes_a], [b[i] for i in axes_b]
    if sizes_a != sizes_b:
        raise ValueError(
            f"{op}: cannot contract axes {axes_a} of shape {a} (sizes {sizes_a}) with axes "
            f"{axes_b} of shape {b} (sizes {sizes_b}); paired axes must have equal sizes."
        )
    return TensorDot.apply(x1, x2, axes_a=axes_a, axes_b=axes_b)


def tensordot(x1, x2, axes=2):
    """Sums products over paired axes of two tensors.

    With axes=n the last n axes of x1 pair with the first n of x2; with axes=(A, B) axis A[i]
    of x1 pairs with axis B[i] of x2. The result has x1's unpaired axes, then x2's. Each
    gradient is the contraction of dL/dy with the other operand over its unpaired axes.

    Args:
        x1: Tensor or array-like.
        x2: Tensor or array-like.
        axes: an int, or a pair of ints or of int sequences.

    Returns:
        A Tensor.

    Example:
        >>> import deepbricks as db
        >>> import numpy as np
        >>> db.ops.tensordot(db.Tensor(np.ones((2, 3, 4))), db.Tensor(np.ones((3, 4, 5)))).shape
        (2, 5)
    """
    return _tensordot("tensordot", _tensor(x1), _tensor(x2), axes)


class Einsum(Function):
    def __init__(self, terms, output):
        # One subscript string per operand (``inputs`` is taken: it holds the input Tensors).
        self.terms, self.output = terms, output

    def forward(self, *arrays):
        self.arrays = arrays
        spec = ",".join(self.terms) + "->" + self.output
        # The optimized path turns two-operand products into BLAS calls.
        return np.einsum(spec, *arrays, optimize=len(arrays) > 1)

    def backward(self, gy):
        return tuple(
            self.grad(i, gy) if needed else None for i, needed in enumerate(self.needs_input_grad)
        )

    def grad(self, i, gy):
        """dL/d(operand i): gy contracted with every other operand onto operand i's letters."""
        subs, shape = self.terms[i], self.arrays[i].shape
        others = [s for j, s in enumerate(self.terms) if j != i]
        arrays = [a for j, a in enumerate(self.arrays) if j != i]
        letters = "".join(dict.fromkeys(subs))
        seen = set(self.output).union(*others)
        reached = "".join(c for c in letters if c in seen)
        spec = ",".join([self.output, *others]) + "->" + reached
        g = np.einsum(spec, gy, *arrays, optimize=len(arrays) > 0)
        size = dict(zip(subs, shape, strict=True))
        if reached != letters:
            # A letter found only in this operand was summed away, so every entry along its
            # axis gets the same gradient.
            kept = [size[c] if c in seen else 1 for c in letters]
            g = np.broadcast_to(g.reshape(kept), [size[c] for c in letters])
        if letters != subs:
            # A repeated letter read a diagonal; its gradient goes back onto that diagonal.
            gx = np.zeros(shape, g.dtype)
            np.einsum(f"{subs}->{letters}", gx)[...] = g
            return gx
        return g


def _parse_einsum(subscripts, shapes):
    spec = subscripts.replace(" ", "") if isinstance(subscripts, str) else None
    if spec is None or "..." in spec or spec.count("->") != 1:
        raise ValueError(
            f"einsum: supports explicit subscripts with one '->' and no ellipsis; received "
            f"{subscripts!r}. Write out the output and every axis, e.g. 'ij,jk->ik' or "
            f"'bij,bjk->bik'."
        )
    lhs, output = spec.split("->")
    inputs = lhs.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(
            f"einsum: subscripts {subscripts!r} name {len(inputs)} operands but "
            f"{len(shapes)} were given."
        )
    if not all(c.isalpha() and c.isascii() for c in lhs.replace(",", "") + output):
        raise ValueError(
            f"einsum: subscripts may only use the letters a-z and A-Z; received {subscripts!r}."
        )
    sizes = {}
    for index, (subs, shape) in enumerate(zip(inputs, shapes, strict=True)):
        if len(subs) != len(shape):
            raise ValueError(
                f"einsum: operand {index} has shape {shape} but its subscripts {subs!r} name "
                f"{len(subs)} axes."
            )
        for letter, n in zip(subs, shape, strict=True):
            if sizes.setdefault(letter, (n, index, shape))[0] != n:
                first_n, first_index, first_shape = sizes[letter]
                raise ValueError(
                    f"einsum: index {letter!r} has size {first_n} in operand {first_index} "
                    f"(shape {first_shape}) but size {n} in operand {index} (shape {shape}). "
                    f"Size-1 axes are not broadcast here; use broadcast_to first."
                )
    if len(set(output)) != len(output) or any(c not in sizes for c in output):
        raise ValueError(
            f"einsum: the output {output!r} of {subscripts!r} must list distinct letters, each "
            f"used by some operand."
        )
    return inputs, output


def einsum(subscripts, *operands):
    """Einstein summation: multiplies the operands' entries that share letters and sums over
    the letters absent from the output.

    'ij,jk->ik' is a matrix product, 'bij,bjk->bik' a batched one, 'ii->' a trace. The
    gradient of an operand is an einsum of dL/dy with the other operands onto its letters.

    Args:
        subscripts: explicit form with '->' and no ellipsis, one letter per axis.
        *operands: Tensors or array-likes, one per comma-separated input term.

    Returns:
        A Tensor with one axis per output letter.

    Example:
        >>> import deepbricks as db
        >>> db.ops.einsum("ij,j->i", db.Tensor([[1.0, 2.0]]), db.Tensor([3.0, 4.0]))
        Tensor([11.], dtype=float32)
    """
    operands = [_tensor(x) for x in operands]
    terms, output = _parse_einsum(subscripts, [x.shape for x in operands])
    return Einsum.apply(*operands, terms=terms, output=output)


class Outer(Function):
    def forward(self, a, b):
        self.a_shape, self.b_shape = a.shape, b.shape
        self.a, self.b = a.ravel(), b.ravel()
        return np.outer(self.a, self.b)

    def backward(self, gy):
        ga = (gy @ self.b).reshape(self.a_shape) if self.needs_input_grad[0] else None
        gb = (self.a @ gy).reshape(self.b_shape) if self.needs_input_grad[1] else None
        return ga, gb


def outer(x1, x2):
    """Outer product of the flattened operands: y[i, j] = x1.flat[i] * x2.flat[j].

    dL/dx1 = dL/dy @ x2 and dL/dx2 = x1 @ dL/dy, reshaped to the operands' shapes.

    Example:
        >>> import deepbricks as db
        >>> db.ops.outer(db.Tensor([1.0, 2.0]), db.Tensor([3.0, 4.0, 5.0])).shape
        (2, 3)
    """
    return Outer.apply(_tensor(x1), _tensor(x2))
