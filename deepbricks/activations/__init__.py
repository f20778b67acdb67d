"""Activation functions by Keras name, for ``Dense(..., activation='relu')`` and friends.

Each is a function of a Tensor (or array) returning a Tensor, with Keras 3's signature and
defaults; the fused ops in ``deepbricks.ops`` do the work, so gradients flow and extreme
inputs stay finite. ``get`` turns a name, None or a callable into the function, and
``serialize`` turns the function back into its name.

Every function takes ``x``, a Tensor or array, and returns a Tensor of the same shape; the
docstrings give the formula and any extra arguments.

Example:
    >>> import deepbricks as db
    >>> from deepbricks import activations
    >>> activations.get('relu')(db.Tensor([-1.0, 2.0]))
    Tensor([0., 2.], dtype=float32)
    >>> activations.serialize(activations.get('swish'))
    'silu'
"""

from deepbricks import ops
from deepbricks.autograd.tensor import Tensor

__all__ = [
    "celu", "elu", "exponential", "gaussian", "gelu", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "softmax", "softplus", "softsign", "swish",
    "tanh", "tanh_shrink", "deserialize", "get", "serialize",
]  # fmt: skip


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras's optional slope, cap and threshold.

    y = min(x, max_value) for x > threshold, else negative_slope * (x - threshold). The
    defaults give y = max(x, 0).

    Args:
        x: a Tensor or array.
        negative_slope: slope below the threshold, default 0.
        max_value: the cap (None: no cap).
        threshold: where the unit switches on, default 0.

    Returns:
        A Tensor of the same shape.

    Example:
        >>> import deepbricks as db
        >>> from deepbricks import activations
        >>> activations.relu(db.Tensor([-2.0, 1.0, 9.0]), negative_slope=0.5, max_value=6.0)
        Tensor([-1.,  1.,  6.], dtype=float32)
    """
    if threshold == 0 and max_value is None:
        return ops.leaky_relu(x, negative_slope) if negative_slope else ops.relu(x)
    if threshold == 0 and max_value == 6 and not negative_slope:
        return ops.relu6(x)
    x = x if isinstance(x, Tensor) else Tensor(x)
    y = ops.where(ops.greater(x, threshold), x, 0.0) if threshold else ops.relu(x)
    if max_value is not None:
        y = ops.minimum(y, float(max_value))
    if negative_slope:
        y = y - ops.relu(threshold - x) * float(negative_slope)
    return y


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: y = x for x > 0, else negative_slope * x.

    Args:
        x: a Tensor or array.
        negative_slope: default 0.2, as Keras's function (the LeakyReLU layer uses 0.3).

    Example:
        >>> import deepbricks as db
        >>> from deepbricks import activations
        >>> activations.leaky_relu(db.Tensor([-1.0, 2.0]))
        Tensor([-0.2,  2. ], dtype=float32)
    """
    return ops.leaky_relu(x, negative_slope)


def relu6(x):
    """y = min(max(x, 0), 6)."""
    return ops.relu6(x)


def sigmoid(x):
    """Logistic function: y = 1 / (1 + e^-x)."""
    return ops.sigmoid(x)


def tanh(x):
    """Hyperbolic tangent: y = (e^x - e^-x) / (e^x + e^-x)."""
    return ops.tanh(x)


def softmax(x, axis=-1):
    """y_i = e^{x_i} / sum_j e^{x_j} along ``axis`` (computed stably, shifted by the max).

    Args:
        x: a Tensor or array.
        axis: the axis that sums to one, default the last.
    """
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """y_i = x_i - log(sum_j e^{x_j}) along ``axis`` (log-sum-exp, stable).

    Args:
        x: a Tensor or array.
        axis: the axis normalized over, default the last.
    """
    return ops.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """Exponential linear unit: y = x for x > 0, else alpha * (e^x - 1).

    Args:
        x: a Tensor or array.
        alpha: the negative saturation value, default 1.0.
    """
    return ops.elu(x, alpha)


def selu(x):
    """Scaled ELU: y = 1.0507 * (x for x > 0, else 1.67326 * (e^x - 1)); self-normalizing
    with LeCun-normal weights."""
    return ops.selu(x)


def softplus(x):
    """y = log(1 + e^x), a smooth ReLU."""
    return ops.softplus(x)


def softsign(x):
    """y = x / (1 + |x|)."""
    return ops.softsign(x)


def silu(x):
    """Sigmoid-weighted linear unit (swish): y = x * sigmoid(x)."""
    return ops.silu(x)


def gelu(x, approximate=False):
    """Gaussian error linear unit: y = x * Phi(x) = 0.5 x (1 + erf(x / sqrt(2))).

    Args:
        x: a Tensor or array.
        approximate: use 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) instead of the
            exact form (the default, as in Keras 3).
    """
    return ops.gelu(x, approximate=approximate)


def hard_sigmoid(x):
    """Piecewise-linear sigmoid (Keras 3): y = relu6(x + 3) / 6."""
    return ops.hard_sigmoid(x)


def exponential(x):
    """y = e^x."""
    return ops.exp(x)


def linear(x):
    """The identity: y = x (what ``activation=None`` means)."""
    return x


def gaussian(x):
    """Gaussian bump: y = e^{-x^2}."""
    return ops.gaussian(x)


def mish(x):
    """Mish (Misra, 2019): y = x * tanh(softplus(x))."""
    return x * ops.tanh(ops.softplus(x))


def log_sigmoid(x):
    """y = log(sigmoid(x)) = -softplus(-x), finite for very negative x."""
    return -ops.softplus(-(x if isinstance(x, Tensor) else Tensor(x)))


def hard_silu(x):
    """Hard swish (Howard et al., 2019): y = x * relu6(x + 3) / 6."""
    return x * ops.hard_sigmoid(x)


def hard_tanh(x):
    """y = clip(x, -1, 1)."""
    return ops.clip(x, -1.0, 1.0)


def tanh_shrink(x):
    """y = x - tanh(x)."""
    return x - ops.tanh(x)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: y = x for x > 0, else alpha * (e^{x / alpha} - 1).

    Args:
        x: a Tensor or array.
        alpha: default 1.0 (where celu equals elu).

    Example:
        >>> import deepbricks as db
        >>> from deepbricks import activations
        >>> activations.celu(db.Tensor([2.0, 0.0]))
        Tensor([2., 0.], dtype=float32)
    """
    if alpha == 1.0:
        return ops.elu(x, 1.0)
    x = x if isinstance(x, Tensor) else Tensor(x)
    return ops.elu(x * (1.0 / alpha), 1.0) * float(alpha)


swish = silu
hard_swish = hard_silu

_BY_NAME = {
    fn.__name__: fn
    for fn in (relu, leaky_relu, relu6, sigmoid, tanh, softmax, log_softmax, elu, selu,
               softplus, softsign, silu, gelu, hard_sigmoid, exponential, linear, gaussian,
               mish, log_sigmoid, hard_silu, hard_tanh, tanh_shrink, celu)
}  # fmt: skip
_BY_NAME.update(swish=silu, hard_swish=hard_silu)


def get(identifier):
    """Returns the activation function for a name, None (linear) or a callable (itself).

    Args:
        identifier: a Keras activation name (``'relu'``, ``'softmax'``, ``'swish'``, ...),
            None, or a callable of a Tensor.

    Raises:
        ValueError: for an unknown name, listing the valid ones.

    Example:
        >>> from deepbricks import activations
        >>> activations.get(None) is activations.linear
        True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier)
        if fn is None:
            raise ValueError(
                f"Unknown activation {identifier!r}. Valid names: {', '.join(sorted(_BY_NAME))}."
            )
        return fn
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret activation identifier {identifier!r}: expected a name such as "
        f"'relu', None or a callable."
    )


def serialize(activation):
    """The Keras name of one of these activation functions (``swish`` gives ``'silu'``).

    Raises:
        ValueError: for a function that is not one of deepbricks's activations.
    """
    name = getattr(activation, "__name__", None)
    if _BY_NAME.get(name) is not activation:
        raise ValueError(
            f"Cannot serialize activation {activation!r}: it is not one of "
            f"deepbricks.activations ({', '.join(sorted(_BY_NAME))}). Use a layer for custom "
            f"activations, e.g. a Lambda layer."
        )
    return name


def deserialize(name):
    """The activation function named ``name`` (same as :func:`get`)."""
    return get(name)
