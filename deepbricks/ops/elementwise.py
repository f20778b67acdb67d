"""Elementwise arithmetic, math, comparisons and casts: each op's forward and backward side by side.

Binary ops broadcast like NumPy; their backward sums the gradient back to each operand's
shape (``unbroadcast``) and casts it to the operand's dtype. Scalars are weakly typed, as in
PyTorch: ``x * 2.0`` and ``x * np.float64(2.0)`` both keep a float32 ``x`` in float32.
Comparisons and logical ops return bool Tensors that are never recorded.
"""

import math

import numpy as np
from scipy import special

from deepbricks import backend
from deepbricks.autograd import Function, Tensor
from deepbricks.ops._util import broadcast_shapes, unbroadcast

__all__ = [
    "add", "subtract", "multiply", "divide", "negative", "power",
    "abs", "sign", "sqrt", "square", "exp", "log", "log1p", "expm1", "erf",
    "maximum", "minimum", "clip", "where", "astype",
    "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
    "logical_and", "logical_or", "logical_not",
]  # fmt: skip

_NUMERIC_KINDS = "biufc"


def operand(x, op):
    """``x`` as a Tensor or an array, ready for op ``op``.

    Scalars and lists become Tensors the way ``Tensor(...)`` makes them (Python floats in
    floatx), and anything that is not numeric raises a TypeError naming ``op``.
    """
    if isinstance(x, Tensor):
        array = x.data
    elif isinstance(x, np.ndarray):
        array = x
    else:
        try:
            x = Tensor(x)
        except ValueError as e:
            raise TypeError(
                f"{op}: could not make an array from the {type(x).__name__} received ({e}). "
                f"Pass a Tensor, a NumPy array or a rectangular nested list of numbers."
            ) from None
        array = x.data
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(
            f"{op}: expected a numeric Tensor, array or scalar; received a "
            f"{type(x).__name__} of dtype {array.dtype}. Convert it with "
            f"np.asarray(..., dtype='float32')."
        )
    return x


def float_operand(x, op):
    """Like :func:`operand`, but integer and bool data become floatx.

    Keras does the same for exp, mean, softmax, ...; it keeps a transcendental op from
    silently returning float64.
    """
    x = operand(x, op)
    array = x.data if isinstance(x, Tensor) else x
    if array.dtype.kind in "biu":
        return Tensor(array.astype(backend.floatx()))
    return x


def _operands(op, *xs):
    """The operands of a broadcasting op; next to an array, scalars stay weakly typed."""
    if not any(isinstance(x, (Tensor, np.ndarray)) for x in xs):
        return [operand(x, op) for x in xs]
    return [_weak_scalar(x, op) for x in xs]


def _weak_scalar(x, op):
    if isinstance(x, np.generic):
        # Under NEP 50 a NumPy scalar (np.float64 included, though it subclasses float) is a
        # strong type: float32 array * np.float64(2.0) is float64. As a Python scalar it is
        # weak, so float32 tensors stay float32.
        return operand(x, op).item()
    if isinstance(x, (bool, int, float)):
        return x
    return operand(x, op)


def _array(x):
    return x.data if isinstance(x, Tensor) else x


def _shapes(xs):
    # Arrays carry their shape; Python scalars (and a missing clip bound) have none.
    return [getattr(x, "shape", ()) for x in xs]


def _check_broadcast(op, shapes):
    sized = [s for s in shapes if s]
    if any(s != sized[0] for s in sized):
        broadcast_shapes(op, *sized)


class _Binary(Function):
    name = "binary op"

    def check(self, *xs):
        """Validates broadcasting and records each operand's shape and dtype for ``reduce``."""
        shapes = _shapes(xs)
        _check_broadcast(self.name, shapes)
        self.meta = [(s, getattr(x, "dtype", None)) for s, x in zip(shapes, xs, strict=True)]

    def reduce(self, grad, i):
        """The gradient of operand ``i``: summed back to its shape, cast to its dtype."""
        shape, dtype = self.meta[i]
        grad = unbroadcast(grad, shape)
        return grad if grad.dtype == dtype else grad.astype(dtype)


class Add(_Binary):
    name = "add"

    def forward(self, a, b):
        self.check(a, b)
        return a + b

    def backward(self, gy):
        ga = self.reduce(gy, 0) if self.needs_input_grad[0] else None
        gb = self.reduce(gy, 1) if self.needs_input_grad[1] else None
        return ga, gb


def add(x1, x2):
    """Elementwise sum with broadcasting: y = x1 + x2.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A Tensor of the broadcast shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.add(db.Tensor([1.0, 2.0]), 3.0)
        Tensor([4., 5.], dtype=float32)
    """
    return Add.apply(*_operands("add", x1, x2))


class Subtract(_Binary):
    name = "subtract"

    def forward(self, a, b):
        self.check(a, b)
        return a - b

    def backward(self, gy):
        ga = self.reduce(gy, 0) if self.needs_input_grad[0] else None
        gb = self.reduce(-gy, 1) if self.needs_input_grad[1] else None
        return ga, gb


def subtract(x1, x2):
    """Elementwise difference with broadcasting: y = x1 - x2.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A Tensor of the broadcast shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.subtract(db.Tensor([1.0, 2.0]), 3.0)
        Tensor([-2., -1.], dtype=float32)
    """
    return Subtract.apply(*_operands("subtract", x1, x2))


class Multiply(_Binary):
    name = "multiply"

    def forward(self, a, b):
        self.check(a, b)
        self.a, self.b = a, b
        return a * b

    def backward(self, gy):
        ga = self.reduce(gy * self.b, 0) if self.needs_input_grad[0] else None
        gb = self.reduce(gy * self.a, 1) if self.needs_input_grad[1] else None
        return ga, gb


def multiply(x1, x2):
    """Elementwise product with broadcasting: y = x1 * x2; dy/dx1 = x2, dy/dx2 = x1.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A Tensor of the broadcast shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.multiply(db.Tensor([1.0, 2.0]), db.Tensor([[3.0], [4.0]]))
        Tensor([[3., 6.],
                [4., 8.]], dtype=float32)
    """
    return Multiply.apply(*_operands("multiply", x1, x2))


class Divide(_Binary):
    name = "divide"

    def forward(self, a, b):
        self.check(a, b)
        self.a, self.b = a, b
        return a / b

    def backward(self, gy):
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = self.reduce(gy / self.b, 0)
        if self.needs_input_grad[1]:
            gb = self.reduce(-gy * self.a / (self.b * self.b), 1)
        return ga, gb


def divide(x1, x2):
    """Elementwise quotient with broadcasting: y = x1 / x2; dy/dx1 = 1 / x2, dy/dx2 = -x1 / x2^2.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A Tensor of the broadcast shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.divide(db.Tensor([1.0, 3.0]), 2.0)
        Tensor([0.5, 1.5], dtype=float32)
    """
    return Divide.apply(*_operands("divide", x1, x2))


class Negative(Function):
    def forward(self, x):
        return -x

    def backward(self, gy):
        return (-gy,)


def negative(x):
    """Elementwise negation: y = -x.

    Example:
        >>> import deepbricks as db
        >>> db.ops.negative(db.Tensor([1.0, -2.0]))
        Tensor([-1.,  2.], dtype=float32)
    """
    return Negative.apply(operand(x, "negative"))


class Power(_Binary):
    name = "power"

    def forward(self, a, b):
        self.check(a, b)
        self.a, self.b = a, b
        y = a**b
        if self.needs_input_grad[1]:
            self.y = y
        return y

    def backward(self, gy):
        a, b = self.a, self.b
        ga = gb = None
        # At a base of 0 the derivatives are taken as PyTorch takes them (inf where b < 1,
        # and 0 for d/da where b = 0 and for d/db where b >= 0), without NumPy warning about
        # the 0^-1, log(0) and 0 * inf it meets on the way.
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.needs_input_grad[0]:
                g = gy * b * a ** (b - 1)
                ga = self.reduce(_zero_where(np.equal(b, 0), g), 0)
            if self.needs_input_grad[1]:
                base = np.asarray(a, gy.dtype)
                g = gy * self.y * np.log(base)
                gb = self.reduce(_zero_where((base == 0) & (np.asarray(b) >= 0), g), 1)
        return ga, gb


def _zero_where(mask, g):
    return np.where(mask, 0, g) if np.any(mask) else g


def power(x1, x2):
    """Elementwise power with broadcasting: y = x1 ** x2.

    Both operands are differentiable: dy/dx1 = x2 * x1^(x2 - 1) (0 where x2 = 0) and
    dy/dx2 = x1^x2 * log(x1) (0 where x1 = 0 and x2 >= 0; nan for negative x1).

    Args:
        x1: the base (Tensor, array or scalar).
        x2: the exponent, broadcastable against ``x1``.

    Returns:
        A Tensor of the broadcast shape.

    Example:
        >>> import deepbricks as db
        >>> x = db.Tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x ** 2).sum().backward()
        >>> x.grad
        array([2., 4., 6.], dtype=float32)
    """
    return Power.apply(*_operands("power", x1, x2))


class Abs(Function):
    def forward(self, x):
        self.x = x
        return np.abs(x)

    def backward(self, gy):
        return (gy * np.sign(self.x),)


def abs(x):
    """Elementwise absolute value: y = |x|; dy/dx = sign(x), which is 0 at x = 0.

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape and dtype.

    Example:
        >>> import deepbricks as db
        >>> db.ops.abs(db.Tensor([-1.5, 2.0]))
        Tensor([1.5, 2. ], dtype=float32)
    """
    return Abs.apply(operand(x, "abs"))


def sign(x):
    """Elementwise sign: -1, 0 or 1. Piecewise constant, so it has no gradient.

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape and dtype that is never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.sign(db.Tensor([-2.0, 0.0, 3.0]))
        Tensor([-1.,  0.,  1.], dtype=float32)
    """
    return Tensor(np.sign(_array(operand(x, "sign"))))


class Sqrt(Function):
    def forward(self, x):
        self.y = np.sqrt(x)
        return self.y

    def backward(self, gy):
        return (gy / (2 * self.y),)


def sqrt(x):
    """Elementwise square root: y = sqrt(x); dy/dx = 1 / (2 y), infinite at x = 0.

    Args:
        x: a Tensor or array of non-negative values (integers become floatx).

    Returns:
        A float Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.sqrt(db.Tensor([4.0, 9.0]))
        Tensor([2., 3.], dtype=float32)
    """
    return Sqrt.apply(float_operand(x, "sqrt"))


class Square(Function):
    def forward(self, x):
        self.x = x
        return np.square(x)

    def backward(self, gy):
        return (2 * gy * self.x,)


def square(x):
    """Elementwise square: y = x^2; dy/dx = 2x.

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape and dtype.

    Example:
        >>> import deepbricks as db
        >>> db.ops.square(db.Tensor([-3.0, 0.5]))
        Tensor([9.  , 0.25], dtype=float32)
    """
    return Square.apply(operand(x, "square"))


class Exp(Function):
    def forward(self, x):
        self.y = np.exp(x)
        return self.y

    def backward(self, gy):
        return (gy * self.y,)


def exp(x):
    """Elementwise exponential: y = e^x; dy/dx = y.

    Args:
        x: a Tensor or array (integers become floatx).

    Returns:
        A float Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.exp(db.Tensor([0.0, 1.0])).numpy().round(4)
        array([1.    , 2.7183], dtype=float32)
    """
    return Exp.apply(float_operand(x, "exp"))


class Log(Function):
    def forward(self, x):
        self.x = x
        return np.log(x)

    def backward(self, gy):
        return (gy / self.x,)


def log(x):
    """Elementwise natural logarithm: y = ln(x); dy/dx = 1 / x.

    Args:
        x: a Tensor or array of positive values (integers become floatx).

    Returns:
        A float Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.log(db.Tensor([1.0, 100.0])).numpy().round(4)
        array([0.    , 4.6052], dtype=float32)
    """
    return Log.apply(float_operand(x, "log"))


class Log1p(Function):
    def forward(self, x):
        self.x = x
        return np.log1p(x)

    def backward(self, gy):
        return (gy / (1 + self.x),)


def log1p(x):
    """Elementwise ln(1 + x), accurate for tiny x; dy/dx = 1 / (1 + x).

    Args:
        x: a Tensor or array of values > -1 (integers become floatx).

    Returns:
        A float Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.log1p(db.Tensor([1e-10, 0.0]))
        Tensor([1.e-10, 0.e+00], dtype=float32)
    """
    return Log1p.apply(float_operand(x, "log1p"))


class Expm1(Function):
    def forward(self, x):
        self.y = np.expm1(x)
        return self.y

    def backward(self, gy):
        return (gy * (self.y + 1),)


def expm1(x):
    """Elementwise e^x - 1, accurate for tiny x; dy/dx = e^x = y + 1.

    Args:
        x: a Tensor or array (integers become floatx).

    Returns:
        A float Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.expm1(db.Tensor([1e-10, 0.0]))
        Tensor([1.e-10, 0.e+00], dtype=float32)
    """
    return Expm1.apply(float_operand(x, "expm1"))


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Erf(Function):
    def forward(self, x):
        self.x = x
        return special.erf(x)

    def backward(self, gy):
        x = self.x
        return (gy * (_TWO_OVER_SQRT_PI * np.exp(-x * x)),)


def erf(x):
    """Elementwise Gauss error function: y = 2/sqrt(pi) * integral_0^x e^(-t^2) dt.

    dy/dx = 2/sqrt(pi) * e^(-x^2).

    Args:
        x: a Tensor or array (integers become floatx).

    Returns:
        A float Tensor of the same shape, with values in (-1, 1).

    Example:
        >>> import deepbricks as db
        >>> db.ops.erf(db.Tensor([0.0, 1.0])).numpy().round(4)
        array([0.    , 0.8427], dtype=float32)
    """
    return Erf.apply(float_operand(x, "erf"))


class _Extremum(_Binary):
    """Shared by maximum and minimum: ``beats(a, b)`` says where ``a`` is the one picked."""

    def forward(self, a, b):
        self.check(a, b)
        self.a, self.b = a, b
        return self.pick(a, b)

    def backward(self, gy):
        a, b = self.a, self.b
        tie = a == b
        half = gy * tie * 0.5 if tie.any() else None
        ga = self.share(gy, self.beats(a, b), half, 0) if self.needs_input_grad[0] else None
        gb = self.share(gy, self.beats(b, a), half, 1) if self.needs_input_grad[1] else None
        return ga, gb

    def share(self, gy, wins, half, i):
        g = gy * wins
        if half is not None:
            g += half
        return self.reduce(g, i)


class Maximum(_Extremum):
    name = "maximum"
    pick, beats = staticmethod(np.maximum), staticmethod(np.greater)


class Minimum(_Extremum):
    name = "minimum"
    pick, beats = staticmethod(np.minimum), staticmethod(np.less)


def maximum(x1, x2):
    """Elementwise maximum with broadcasting: y = max(x1, x2).

    The gradient goes to the larger operand; at ties it is split evenly (1/2 each).

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A Tensor of the broadcast shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.maximum(db.Tensor([1.0, 5.0]), 2.0)
        Tensor([2., 5.], dtype=float32)
    """
    return Maximum.apply(*_operands("maximum", x1, x2))


def minimum(x1, x2):
    """Elementwise minimum with broadcasting: y = min(x1, x2).

    The gradient goes to the smaller operand; at ties it is split evenly (1/2 each).

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A Tensor of the broadcast shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.minimum(db.Tensor([1.0, 5.0]), 2.0)
        Tensor([1., 2.], dtype=float32)
    """
    return Minimum.apply(*_operands("minimum", x1, x2))


class Clip(_Binary):
    name = "clip"

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def forward(self, x):
        self.check(x, self.lo, self.hi)
        self.x = x
        return np.clip(x, self.lo, self.hi)

    def backward(self, gy):
        x, lo, hi = self.x, self.lo, self.hi
        if lo is None:
            inside = x <= hi
        elif hi is None:
            inside = x >= lo
        else:
            inside = (x >= lo) & (x <= hi)
        return (self.reduce(gy * inside, 0),)


def _bound(value, dtype):
    # A scalar bound becomes a Python scalar, weakly typed, and an array bound takes x's
    # float type, so that the result keeps x's dtype.
    if value is None or isinstance(value, (int, float)) and not isinstance(value, np.generic):
        return value
    value = _array(operand(value, "clip"))
    if value.ndim == 0:
        return value.item()
    return value.astype(dtype, copy=False) if dtype.kind == "f" else value


def clip(x, x_min, x_max):
    """Clips values to [x_min, x_max]: y = min(max(x, x_min), x_max).

    The gradient is 1 where x_min <= x <= x_max (bounds included, as in PyTorch) and 0
    elsewhere. The bounds are constants.

    Args:
        x: a Tensor or array.
        x_min: lower bound, a scalar or an array broadcastable against ``x``, or None for
            no lower bound.
        x_max: upper bound, likewise, or None for no upper bound.

    Returns:
        A Tensor of the broadcast shape; a float ``x`` keeps its dtype.

    Raises:
        ValueError: if both bounds are None, or scalar bounds with x_min > x_max.

    Example:
        >>> import deepbricks as db
        >>> db.ops.clip(db.Tensor([-2.0, 0.5, 3.0]), 0.0, 1.0)
        Tensor([0. , 0.5, 1. ], dtype=float32)
    """
    x = operand(x, "clip")
    dtype = _array(x).dtype
    lo, hi = _bound(x_min, dtype), _bound(x_max, dtype)
    if lo is None and hi is None:
        raise ValueError("clip: x_min and x_max are both None; give at least one bound.")
    if np.ndim(lo) == 0 and np.ndim(hi) == 0 and None not in (lo, hi) and lo > hi:
        raise ValueError(
            f"clip: x_min must not exceed x_max; received x_min={x_min}, x_max={x_max}. "
            f"Swap the bounds."
        )
    return Clip.apply(x, lo=lo, hi=hi)


class Where(_Binary):
    name = "where"

    def forward(self, condition, a, b):
        self.check(condition, a, b)
        self.condition = condition
        return np.where(condition, a, b)

    def backward(self, gy):
        # Masked products: np.where is several times slower on unpredictable masks.
        cond = np.asarray(self.condition, bool)
        ga = self.reduce(gy * cond, 1) if self.needs_input_grad[1] else None
        gb = self.reduce(gy * ~cond, 2) if self.needs_input_grad[2] else None
        return None, ga, gb


def where(condition, x1, x2):
    """Picks elementwise from two operands: y = x1 where condition is true, else x2.

    The gradient flows to x1 where the condition holds and to x2 elsewhere; the condition
    itself gets none. All three broadcast together.

    Args:
        condition: bool Tensor or array (other values are tested for truth).
        x1: values taken where the condition is true.
        x2: values taken where it is false.

    Returns:
        A Tensor of the broadcast shape.

    Example:
        >>> import deepbricks as db
        >>> x = db.Tensor([-1.0, 2.0])
        >>> db.ops.where(x > 0, x, 0.0)
        Tensor([0., 2.], dtype=float32)
    """
    condition = _array(operand(condition, "where"))
    return Where.apply(condition, *_operands("where", x1, x2))


class Cast(Function):
    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        self.input_dtype = x.dtype
        return x.astype(self.dtype, copy=False)

    def backward(self, gy):
        return (gy.astype(self.input_dtype),)


def astype(x, dtype):
    """Casts to ``dtype``: y = x in the new type.

    Casting between float types is differentiable, the gradient being cast back to the
    input's dtype; a cast to an integer or bool type has no gradient.

    Args:
        x: a Tensor or array.
        dtype: the target type, e.g. ``'float32'``, ``'float64'``, ``'int32'``.

    Returns:
        A Tensor of the same shape in ``dtype`` (sharing ``x``'s array when the dtype is
        already right).

    Example:
        >>> import deepbricks as db
        >>> db.ops.astype(db.Tensor([1.7, -2.2]), 'int32')
        Tensor([ 1, -2], dtype=int32)
    """
    x = operand(x, "astype")
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"astype: {dtype!r} is not a data type; use a name such as 'float32', "
            f"'float64' or 'int32'."
        ) from None
    if dtype.kind != "f":
        return Tensor(_array(x).astype(dtype))
    return Cast.apply(x, dtype=dtype)


def _compare(op, ufunc, *xs):
    arrays = [_array(x) for x in _operands(op, *xs)]
    _check_broadcast(op, _shapes(arrays))
    return Tensor(ufunc(*arrays))


def equal(x1, x2):
    """Elementwise x1 == x2, as a bool Tensor with no gradient.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A bool Tensor of the broadcast shape, never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.equal(db.Tensor([1.0, 2.0]), 2.0)
        Tensor([False,  True], dtype=bool)
    """
    return _compare("equal", np.equal, x1, x2)


def not_equal(x1, x2):
    """Elementwise x1 != x2, as a bool Tensor with no gradient.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A bool Tensor of the broadcast shape, never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.not_equal(db.Tensor([1.0, 2.0]), 2.0)
        Tensor([ True, False], dtype=bool)
    """
    return _compare("not_equal", np.not_equal, x1, x2)


def greater(x1, x2):
    """Elementwise x1 > x2, as a bool Tensor with no gradient.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A bool Tensor of the broadcast shape, never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.greater(db.Tensor([1.0, 2.0, 3.0]), 2.0)
        Tensor([False, False,  True], dtype=bool)
    """
    return _compare("greater", np.greater, x1, x2)


def greater_equal(x1, x2):
    """Elementwise x1 >= x2, as a bool Tensor with no gradient.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A bool Tensor of the broadcast shape, never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.greater_equal(db.Tensor([1.0, 2.0, 3.0]), 2.0)
        Tensor([False,  True,  True], dtype=bool)
    """
    return _compare("greater_equal", np.greater_equal, x1, x2)


def less(x1, x2):
    """Elementwise x1 < x2, as a bool Tensor with no gradient.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A bool Tensor of the broadcast shape, never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.less(db.Tensor([1.0, 2.0, 3.0]), 2.0)
        Tensor([ True, False, False], dtype=bool)
    """
    return _compare("less", np.less, x1, x2)


def less_equal(x1, x2):
    """Elementwise x1 <= x2, as a bool Tensor with no gradient.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A bool Tensor of the broadcast shape, never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.less_equal(db.Tensor([1.0, 2.0, 3.0]), 2.0)
        Tensor([ True,  True, False], dtype=bool)
    """
    return _compare("less_equal", np.less_equal, x1, x2)


def logical_and(x1, x2):
    """Elementwise truth of (x1 and x2); nonzero numbers count as true. No gradient.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A bool Tensor of the broadcast shape, never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.logical_and(db.Tensor([True, True]), db.Tensor([True, False]))
        Tensor([ True, False], dtype=bool)
    """
    return _compare("logical_and", np.logical_and, x1, x2)


def logical_or(x1, x2):
    """Elementwise truth of (x1 or x2); nonzero numbers count as true. No gradient.

    Args:
        x1, x2: Tensors, arrays or scalars of broadcastable shapes.

    Returns:
        A bool Tensor of the broadcast shape, never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.logical_or(db.Tensor([True, False]), db.Tensor([False, False]))
        Tensor([ True, False], dtype=bool)
    """
    return _compare("logical_or", np.logical_or, x1, x2)


def logical_not(x):
    """Elementwise truth of (not x); nonzero numbers count as true. No gradient.

    Args:
        x: a Tensor or array.

    Returns:
        A bool Tensor of the same shape, never recorded for backward.

    Example:
        >>> import deepbricks as db
        >>> db.ops.logical_not(db.Tensor([True, False]))
        Tensor([False,  True], dtype=bool)
    """
    return _compare("logical_not", np.logical_not, x)
