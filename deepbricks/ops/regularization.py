"""Noise that regularises training: dropout, Gaussian noise and Gaussian dropout.

Each draws from the one seeded generator ``deepbricks.backend.rng()``, in the input's float
type, and is the identity at inference (``training`` false or None, as Keras passes it). The
noise is a constant of the graph, so the ops are products and sums with it: the gradient is
the upstream gradient times the mask (dropout) or the upstream gradient itself (added noise).
"""

import numbers

import numpy as np

from deepbricks import backend
from deepbricks.autograd.tensor import Tensor
from deepbricks.ops.elementwise import add, multiply

__all__ = ["dropout", "gaussian_dropout", "gaussian_noise"]


def _float_input(op, x):
    """x as a Tensor (arrays keep their dtype, Python floats become floatx) and its array."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{op} expects a floating-point input; received dtype {x.dtype}. "
            f"Cast it first, e.g. x.astype('float32')."
        )
    return x, x.data


def _check_rate(op, rate):
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
        raise ValueError(
            f"{op}: rate is the fraction of units to drop and must be a number in [0, 1). "
            f"Received: rate={rate}"
        )
    return float(rate)


def _draw_dtype(dtype):
    # The generator draws float32 or float64 only; float16 inputs get float32 draws.
    return np.float64 if dtype == np.float64 else np.float32


def _noise_shape(op, noise_shape, shape):
    """Keras's noise_shape: None entries take the input's size, 1 broadcasts along an axis."""
    if noise_shape is None:
        return shape
    fits = len(noise_shape) == len(shape)
    if fits:
        concrete = tuple(n if s is None else s for s, n in zip(noise_shape, shape, strict=True))
        fits = all(s in (1, n) for s, n in zip(concrete, shape, strict=True))
    if not fits:
        raise ValueError(
            f"{op}: noise_shape {tuple(noise_shape)} does not broadcast to the input shape "
            f"{shape}; give one entry per input axis, each equal to that axis's size, 1 (one "
            f"draw shared along the axis) or None. For (N, H, W, C) feature maps, "
            f"noise_shape=(None, 1, 1, None) drops whole channels."
        )
    return concrete


def dropout(x, rate, training=True, noise_shape=None, rng=None):
    """Inverted dropout: zeroes each unit with probability ``rate`` and scales the rest.

    y = x * mask / (1 - rate) with mask ~ Bernoulli(1 - rate), so E[y] = x and inference
    needs no rescaling. A fresh mask is drawn on every call.

    Args:
        x: floating-point Tensor or array.
        rate: fraction of units dropped, in [0, 1).
        training: the identity when false or None.
        rng: the np.random.Generator to draw from (default: the shared ``backend.rng()``).
        noise_shape: shape of the mask, broadcast against x (Keras semantics: None entries
            take x's size, 1 shares one draw along that axis, as SpatialDropout does).

    Returns:
        A Tensor of x's shape and dtype (x itself at inference or when rate is 0).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.backend.seed_generator(0)
        >>> db.ops.dropout(np.ones((2, 4), 'float32'), 0.5).numpy()
        array([[2., 2., 2., 0.],
               [0., 0., 0., 0.]], dtype=float32)
    """
    rate = _check_rate("dropout", rate)
    x, data = _float_input("dropout", x)
    shape = _noise_shape("dropout", noise_shape, data.shape)
    if not training or rate == 0:
        return x
    keep = (rng or backend.rng()).random(shape, dtype=_draw_dtype(data.dtype)) >= rate
    mask = keep.astype(data.dtype)
    mask *= 1.0 / (1.0 - rate)
    return multiply(x, mask)


def gaussian_noise(x, stddev, training=True, rng=None):
    """Adds zero-mean Gaussian noise: y = x + stddev * n with n ~ N(0, 1) drawn per element.

    Args:
        x: floating-point Tensor or array.
        stddev: standard deviation of the noise, >= 0.
        training: the identity when false or None.
        rng: the np.random.Generator to draw from (default: the shared ``backend.rng()``).

    Returns:
        A Tensor of x's shape and dtype.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.ops.gaussian_noise(np.zeros(3), 0.1, training=False).numpy()
        array([0., 0., 0.])
    """
    if (isinstance(stddev, bool) or not isinstance(stddev, numbers.Real)
            or not 0 <= stddev < float("inf")):
        raise ValueError(
            f"gaussian_noise: stddev must be a finite number >= 0. Received: stddev={stddev}"
        )
    x, data = _float_input("gaussian_noise", x)
    if not training or stddev == 0:
        return x
    noise = (rng or backend.rng()).standard_normal(data.shape, dtype=_draw_dtype(data.dtype))
    noise *= float(stddev)
    return add(x, noise.astype(data.dtype, copy=False))


def gaussian_dropout(x, rate, training=True, rng=None):
    """Multiplies by Gaussian noise of mean 1: y = x * n with n ~ N(1, rate / (1 - rate)).

    The variance rate / (1 - rate) is that of the inverted dropout mask with the same rate.

    Args:
        x: floating-point Tensor or array.
        rate: the equivalent dropout rate, in [0, 1).
        training: the identity when false or None.
        rng: the np.random.Generator to draw from (default: the shared ``backend.rng()``).

    Returns:
        A Tensor of x's shape and dtype.

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> db.ops.gaussian_dropout(np.ones(3), 0.5, training=False).numpy()
        array([1., 1., 1.])
    """
    rate = _check_rate("gaussian_dropout", rate)
    x, data = _float_input("gaussian_dropout", x)
    if not training or rate == 0:
        return x
    noise = (rng or backend.rng()).standard_normal(data.shape, dtype=_draw_dtype(data.dtype))
    noise *= (rate / (1.0 - rate)) ** 0.5
    noise += 1.0
    return multiply(x, noise.astype(data.dtype, copy=False))
