"""Activation functions, each a fused op with its backward written next to its forward.

All of them are stable at extreme inputs (x = +-1000 gives finite values and gradients),
keep float32 in float32 and turn integer inputs into floatx, as Keras does. Branches are
selected with masked products rather than ``np.where``, which is about ten times slower on
unpredictable masks.
"""

import math

import numpy as np
from scipy import special

from deepbricks.autograd import Function, Tensor
from deepbricks.backend import batch_parallel
from deepbricks.ops.elementwise import float_operand, operand
from deepbricks.ops.reduction import check_nonempty, reduction_axes

__all__ = [
    "sigmoid", "tanh", "relu", "relu6", "leaky_relu", "elu", "selu", "softplus", "softsign",
    "silu", "swish", "gelu", "gaussian", "hard_sigmoid", "linear", "softmax", "log_softmax",
]  # fmt: skip


def _sigmoid(x):
    """1 / (1 + e^-x) in x's dtype; e^-x may overflow to inf, which correctly gives 0."""
    y = np.negative(x)
    with np.errstate(over="ignore"):
        np.exp(y, out=y)
    y += 1
    return np.divide(1, y, out=y)


# Epilogues: the activations that a producing op (dense, conv) can apply in place on its own
# fresh output, differentiated from that output alone, so no pre-activation array is kept.
FUSABLE = ("linear", "relu", "tanh", "sigmoid")


def check_fusable(op, activation):
    """The epilogue name for ``activation`` (None means linear), or a ValueError naming op."""
    name = "linear" if activation is None else activation
    if name not in FUSABLE:
        raise ValueError(
            f"{op}: activation must be None or one of {', '.join(map(repr, FUSABLE))}; "
            f"received activation={activation!r}. Apply other activations to the result."
        )
    return name


def activate_in_place(y, name):
    """Applies epilogue ``name`` to the float array ``y``, overwriting it; returns ``y``."""
    if name == "relu":
        np.clip(y, 0, math.inf, out=y)
    elif name == "tanh":
        np.tanh(y, out=y)
    elif name == "sigmoid":
        np.negative(y, out=y)
        with np.errstate(over="ignore"):
            np.exp(y, out=y)
        y += 1
        np.divide(1, y, out=y)
    return y


def activation_grad(gy, y, name, out=None):
    """dL/d(pre-activation) from dL/dy and the activated output y (into ``out`` if given)."""
    if name == "linear" and out is None:
        return gy
    if out is None:
        out = np.empty(np.broadcast_shapes(gy.shape, y.shape), np.result_type(gy, y))
    if name == "linear":
        np.copyto(out, gy)
        return out
    if name == "relu":
        return np.multiply(gy, y > 0, out=out)
    if name == "tanh":
        np.multiply(y, y, out=out)
        np.subtract(1, out, out=out)
    else:
        np.subtract(1, y, out=out)
        out *= y
    out *= gy
    return out


class Sigmoid(Function):
    def forward(self, x):
        self.y = _sigmoid(x)
        return self.y

    def backward(self, gy):
        g = 1 - self.y
        g *= self.y
        g *= gy
        return (g,)


def sigmoid(x):
    """Logistic sigmoid: y = 1 / (1 + e^-x); dy/dx = y (1 - y).

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape, values in [0, 1].

    Example:
        >>> import deepbricks as db
        >>> db.ops.sigmoid(db.Tensor([-1000.0, 0.0, 1000.0]))
        Tensor([0. , 0.5, 1. ], dtype=float32)
    """
    return Sigmoid.apply(float_operand(x, "sigmoid"))


class Tanh(Function):
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, gy):
        g = self.y * self.y
        np.subtract(1, g, out=g)
        g *= gy
        return (g,)


def tanh(x):
    """Hyperbolic tangent: y = (e^x - e^-x) / (e^x + e^-x); dy/dx = 1 - y^2.

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape, values in [-1, 1].

    Example:
        >>> import deepbricks as db
        >>> db.ops.tanh(db.Tensor([0.0, 1.0])).numpy().round(4)
        array([0.    , 0.7616], dtype=float32)
    """
    return Tanh.apply(float_operand(x, "tanh"))


class Relu(Function):
    def forward(self, x):
        # Same values as np.maximum(x, 0) (NaN included), but clip has a faster SIMD loop.
        self.y = batch_parallel(
            lambda out, v: np.clip(v, 0, math.inf, out=out), np.empty_like(x), x
        )
        return self.y

    def backward(self, gy):
        gx = np.empty(gy.shape, np.result_type(gy, self.y))
        return (batch_parallel(lambda out, g, y: np.multiply(g, y > 0, out=out), gx, gy, self.y),)


def relu(x):
    """Rectified linear unit: y = max(x, 0); dy/dx = 1 for x > 0, else 0.

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.relu(db.Tensor([-2.0, 0.0, 3.0]))
        Tensor([0., 0., 3.], dtype=float32)
    """
    return Relu.apply(float_operand(x, "relu"))


class _Window(Function):
    """y = scale * clip(x + shift, 0, top): linear inside (-shift, top - shift), flat outside."""

    def __init__(self, shift, top, scale):
        self.shift, self.top, self.scale = shift, top, scale

    def forward(self, x):
        self.x = x
        y = np.clip(x + self.shift if self.shift else x, 0, self.top)
        if self.scale != 1:
            y *= self.scale
        return y

    def backward(self, gy):
        x, lo = self.x, -self.shift
        g = gy * ((x > lo) & (x < lo + self.top))
        if self.scale != 1:
            g *= self.scale
        return (g,)


def relu6(x):
    """ReLU capped at 6: y = min(max(x, 0), 6); dy/dx = 1 for 0 < x < 6, else 0.

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape, values in [0, 6].

    Example:
        >>> import deepbricks as db
        >>> db.ops.relu6(db.Tensor([-1.0, 3.0, 9.0]))
        Tensor([0., 3., 6.], dtype=float32)
    """
    return _Window.apply(float_operand(x, "relu6"), shift=0, top=6, scale=1)


def hard_sigmoid(x):
    """Piecewise-linear sigmoid (Keras 3): y = relu6(x + 3) / 6.

    dy/dx = 1/6 for -3 < x < 3, else 0.

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape, values in [0, 1].

    Example:
        >>> import deepbricks as db
        >>> db.ops.hard_sigmoid(db.Tensor([-4.0, 0.0, 1.5, 4.0]))
        Tensor([0.  , 0.5 , 0.75, 1.  ], dtype=float32)
    """
    return _Window.apply(float_operand(x, "hard_sigmoid"), shift=3, top=6, scale=1 / 6)


class LeakyRelu(Function):
    def __init__(self, slope):
        self.slope = slope

    def forward(self, x):
        # The local slope, exactly 1 or negative_slope (one of the two terms is 0), is both
        # the forward's factor and the backward's.
        positive = x > 0
        self.dydx = np.multiply(~positive, self.slope, dtype=x.dtype)
        self.dydx += positive
        return x * self.dydx

    def backward(self, gy):
        return (gy * self.dydx,)


def _number(op, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: {name} must be a number; received {name}={value!r}.")
    return float(value)


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: y = x for x > 0, else negative_slope * x.

    dy/dx = 1 for x > 0, else negative_slope. The default slope 0.2 is Keras's
    ``activations.leaky_relu`` (the LeakyReLU layer defaults to 0.3).

    Args:
        x: a Tensor or array.
        negative_slope: slope for negative inputs.

    Returns:
        A Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.leaky_relu(db.Tensor([-10.0, 5.0]))
        Tensor([-2.,  5.], dtype=float32)
    """
    slope = _number("leaky_relu", "negative_slope", negative_slope)
    return LeakyRelu.apply(float_operand(x, "leaky_relu"), slope=slope)


class Elu(Function):
    """y = scale * (x if x > 0 else alpha (e^x - 1)), which is elu (scale 1) and selu."""

    def __init__(self, alpha, scale):
        self.alpha, self.scale = alpha, scale

    def forward(self, x):
        self.positive = x > 0
        # exp is taken of min(x, 0) only: the positive side is unused and would overflow.
        self.neg = np.expm1(np.clip(x, -math.inf, 0))
        self.neg *= self.alpha * self.scale
        y = np.clip(x, 0, math.inf)
        if self.scale != 1:
            y *= self.scale
        y += self.neg
        return y

    def backward(self, gy):
        # For x <= 0, dy/dx = scale * alpha * e^x = neg + scale * alpha; for x > 0 it is scale
        # (there neg = 0, so the masked sum below is exact).
        slope = self.neg + self.alpha * self.scale
        slope *= ~self.positive
        slope += self.positive * self.scale
        slope *= gy
        return (slope,)


def elu(x, alpha=1.0):
    """Exponential linear unit: y = x for x > 0, else alpha (e^x - 1).

    dy/dx = 1 for x > 0, else alpha e^x.

    Args:
        x: a Tensor or array.
        alpha: the value y approaches as x goes to -infinity is -alpha.

    Returns:
        A Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.elu(db.Tensor([-1000.0, 0.0, 2.0]))
        Tensor([-1.,  0.,  2.], dtype=float32)
    """
    alpha = _number("elu", "alpha", alpha)
    return Elu.apply(float_operand(x, "elu"), alpha=alpha, scale=1.0)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """Scaled ELU: y = scale * elu(x, alpha), alpha = 1.67326324, scale = 1.05070099.

    The constants make activations of a dense stack keep zero mean and unit variance
    (Klambauer et al., 2017). dy/dx = scale for x > 0, else scale * alpha * e^x.

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.selu(db.Tensor([-1000.0, 1.0])).numpy().round(4)
        array([-1.7581,  1.0507], dtype=float32)
    """
    return Elu.apply(float_operand(x, "selu"), alpha=_SELU_ALPHA, scale=_SELU_SCALE)


class Softplus(Function):
    def forward(self, x):
        self.x = x
        # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): e^-|x| <= 1 never overflows. (NumPy's
        # logaddexp computes the same, several times slower.)
        y = np.abs(x)
        np.negative(y, out=y)
        np.exp(y, out=y)
        np.log1p(y, out=y)
        y += np.clip(x, 0, math.inf)
        return y

    def backward(self, gy):
        return (gy * _sigmoid(self.x),)


def softplus(x):
    """Softplus: y = log(1 + e^x), a smooth ReLU; dy/dx = sigmoid(x).

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape, values > 0 (y = x for large x).

    Example:
        >>> import deepbricks as db
        >>> db.ops.softplus(db.Tensor([-1000.0, 0.0, 3.0])).numpy().round(4)
        array([0.    , 0.6931, 3.0486], dtype=float32)
    """
    return Softplus.apply(float_operand(x, "softplus"))


class Softsign(Function):
    def forward(self, x):
        self.denominator = 1 + np.abs(x)
        return x / self.denominator

    def backward(self, gy):
        return (gy / (self.denominator * self.denominator),)


def softsign(x):
    """Softsign: y = x / (1 + |x|); dy/dx = 1 / (1 + |x|)^2.

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape, values in (-1, 1).

    Example:
        >>> import deepbricks as db
        >>> db.ops.softsign(db.Tensor([-1.0, 3.0]))
        Tensor([-0.5 ,  0.75], dtype=float32)
    """
    return Softsign.apply(float_operand(x, "softsign"))


class Silu(Function):
    def forward(self, x):
        self.x = x
        self.s = _sigmoid(x)
        return x * self.s

    def backward(self, gy):
        # d/dx x s(x) = s + x s (1 - s) = s (1 + x (1 - s))
        s = self.s
        g = 1 - s
        g *= self.x
        g += 1
        g *= s
        g *= gy
        return (g,)


def silu(x):
    """Sigmoid linear unit (swish): y = x * sigmoid(x).

    dy/dx = s (1 + x (1 - s)) with s = sigmoid(x).

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.silu(db.Tensor([-1000.0, 0.0, 1.0])).numpy().round(4)
        array([-0.    ,  0.    ,  0.7311], dtype=float32)
    """
    return Silu.apply(float_operand(x, "silu"))


swish = silu

_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_GELU_CUBIC = 0.044715


class Gelu(Function):
    def forward(self, x):
        self.x = x
        # ndtr is (1 + erf(x / sqrt 2)) / 2 without the cancellation in 1 + erf for x << 0.
        self.cdf = special.ndtr(x)
        return x * self.cdf

    def backward(self, gy):
        # d/dx x Phi(x) = Phi(x) + x phi(x), phi the standard normal density.
        x = self.x
        g = np.exp(-0.5 * x * x)
        g *= _INV_SQRT_2PI
        g *= x
        g += self.cdf
        g *= gy
        return (g,)


class GeluTanh(Function):
    def forward(self, x):
        self.x = x
        self.t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x * x * x))
        return 0.5 * x * (1 + self.t)

    def backward(self, gy):
        x, t = self.x, self.t
        du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * x * x)
        g = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du
        g *= gy
        return (g,)


def gelu(x, approximate=False):
    """Gaussian error linear unit: y = x * Phi(x), Phi the standard normal CDF.

    Exact form (default, as Keras's activation): Phi(x) = (1 + erf(x / sqrt(2))) / 2, and
    dy/dx = Phi(x) + x e^(-x^2/2) / sqrt(2 pi). With ``approximate=True`` the tanh form
    y = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) is used instead.

    Args:
        x: a Tensor or array.
        approximate: use the tanh approximation.

    Returns:
        A Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> db.ops.gelu(db.Tensor([-1.0, 0.0, 1.0])).numpy().round(4)
        array([-0.1587,  0.    ,  0.8413], dtype=float32)
    """
    x = float_operand(x, "gelu")
    return GeluTanh.apply(x) if approximate else Gelu.apply(x)


class Gaussian(Function):
    def forward(self, x):
        self.x = x
        self.y = np.exp(-x * x)
        return self.y

    def backward(self, gy):
        return (-2 * self.x * self.y * gy,)


def gaussian(x):
    """Gaussian bump: y = exp(-x^2); dy/dx = -2 x y.

    Args:
        x: a Tensor or array.

    Returns:
        A Tensor of the same shape, values in (0, 1].

    Example:
        >>> import deepbricks as db
        >>> db.ops.gaussian(db.Tensor([0.0, 1.0])).numpy().round(4)
        array([1.    , 0.3679], dtype=float32)
    """
    return Gaussian.apply(float_operand(x, "gaussian"))


def linear(x):
    """Identity activation: y = x (returns ``x`` itself when it is a Tensor).

    Args:
        x: a Tensor or array.

    Returns:
        ``x`` as a Tensor.

    Example:
        >>> import deepbricks as db
        >>> db.ops.linear(db.Tensor([-1.0, 2.0]))
        Tensor([-1.,  2.], dtype=float32)
    """
    x = operand(x, "linear")
    return x if isinstance(x, Tensor) else Tensor(x)


class Softmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        e = x - x.max(axis=self.axis, keepdims=True)
        np.exp(e, out=e)
        e /= e.sum(axis=self.axis, keepdims=True)
        self.y = e
        return e

    def backward(self, gy):
        # dx = y * (gy - sum(gy * y)), the Jacobian-vector product without the Jacobian.
        y = self.y
        g = gy * y
        dot = g.sum(axis=self.axis, keepdims=True)
        np.subtract(gy, dot, out=g)
        g *= y
        return (g,)


def softmax(x, axis=-1):
    """Softmax over ``axis``: y_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j.

    Subtracting the maximum changes nothing mathematically and keeps exp from overflowing.
    dx = y * (dy - sum_j dy_j y_j).

    Args:
        x: a Tensor or array (integers become floatx).
        axis: the axis (or tuple of axes) the probabilities sum to 1 over.

    Returns:
        A Tensor of the same shape whose values along ``axis`` sum to 1.

    Example:
        >>> import deepbricks as db
        >>> db.ops.softmax(db.Tensor([[1000.0, 1000.0], [0.0, -1000.0]]))
        Tensor([[0.5, 0.5],
                [1. , 0. ]], dtype=float32)
    """
    x = float_operand(x, "softmax")
    axes = reduction_axes("softmax", axis, x.shape)
    check_nonempty("softmax", x, axes)
    return Softmax.apply(x, axis=axes)


class LogSoftmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        y = x - x.max(axis=self.axis, keepdims=True)
        y -= np.log(np.exp(y).sum(axis=self.axis, keepdims=True))
        self.y = y
        return y

    def backward(self, gy):
        # dx = dy - softmax * sum(dy); softmax is recomputed from y, not stored.
        g = np.exp(self.y)
        g *= gy.sum(axis=self.axis, keepdims=True)
        np.subtract(gy, g, out=g)
        return (g,)


def log_softmax(x, axis=-1):
    """Log of the softmax over ``axis``, stably: y_i = x_i - m - log(sum_j exp(x_j - m)).

    m = max_j x_j, so the result is finite for any finite input. dx = dy - softmax(x) sum(dy).

    Args:
        x: a Tensor or array (integers become floatx).
        axis: the axis (or tuple of axes) to normalise over.

    Returns:
        A Tensor of the same shape whose exponentials along ``axis`` sum to 1.

    Example:
        >>> import deepbricks as db
        >>> db.ops.log_softmax(db.Tensor([0.0, 1000.0]))
        Tensor([-1000.,     0.], dtype=float32)
    """
    x = float_operand(x, "log_softmax")
    axes = reduction_axes("log_softmax", axis, x.shape)
    check_nonempty("log_softmax", x, axes)
    return LogSoftmax.apply(x, axis=axes)
