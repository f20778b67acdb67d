"""Weight initializers: callables ``init(shape, dtype=None) -> np.ndarray`` (Keras 3 names).

Random initializers draw from ``deepbricks.backend.rng()`` when ``seed`` is None (so
``deepbricks.utils.set_random_seed`` makes a whole model repeatable) and from their own
generator when ``seed`` is an int, giving the same values on every call.

Fans follow Keras: a kernel of shape (..., fan_in_units, fan_out_units) has
fan_in = prod(shape[:-1]) and fan_out = prod(shape[:-2]) * shape[-1], so a Conv2D kernel
(kh, kw, in, out) has fan_in = kh * kw * in and fan_out = kh * kw * out.

Example:
    >>> from deepbricks import initializers
    >>> w = initializers.get('glorot_uniform')((784, 10))
    >>> w.shape, w.dtype, bool(abs(w).max() <= (6 / (784 + 10)) ** 0.5)
    ((784, 10), dtype('float32'), True)
"""

import math

import numpy as np
from scipy.special import ndtri

from deepbricks import backend
from deepbricks.utils.serialization import (
    Configurable,
    deserialize_registered,
    get_registered,
    names_table,
)

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "deserialize",
    "get",
    "serialize",
]

# The standard deviation of a standard normal truncated to [-2, 2]; VarianceScaling divides
# by it so that the truncated draw still has the requested variance.
_TRUNCATED_STD = 0.87962566103423978


def _dtype(name, dtype):
    dtype = np.dtype(dtype or backend.floatx())
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(
            f"{name} makes floating-point weights; received dtype={dtype}. Use a float dtype "
            f"(or the Zeros/Ones/Constant initializers for other types)."
        )
    return dtype


def _shape(name, shape):
    try:
        shape = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} expects a shape tuple of ints; received shape={shape!r}."
        ) from None
    if any(d < 0 for d in shape):
        raise ValueError(f"{name}: shape dimensions must be >= 0; received shape={shape}.")
    return shape


def compute_fans(shape):
    """(fan_in, fan_out) of a weight shape, counting the receptive field for rank > 2.

    Example:
        >>> from deepbricks.initializers import compute_fans
        >>> compute_fans((3, 3, 16, 32))
        (144, 288)
    """
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer(Configurable):
    """Base class: ``__call__(shape, dtype=None)`` returns a new array; ``get_config()``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__.")

    def get_config(self):
        return {}


class Constant(Initializer):
    """Fills with one value: w = value.

    Example:
        >>> from deepbricks.initializers import Constant
        >>> Constant(0.5)((2,))
        array([0.5, 0.5], dtype=float32)
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = _shape(type(self).__name__, shape)
        return np.full(shape, self.value, np.dtype(dtype or backend.floatx()))

    def get_config(self):
        return {"value": self.value}


class Zeros(Constant):
    """Fills with zeros (the default bias initializer)."""

    def __init__(self):
        super().__init__(0.0)

    def get_config(self):
        return {}


class Ones(Constant):
    """Fills with ones (the default scale of normalization layers)."""

    def __init__(self):
        super().__init__(1.0)

    def get_config(self):
        return {}


class _Random(Initializer):
    """Holds the seed and hands out the generator of each call."""

    def __init__(self, seed=None):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(
                f"{type(self).__name__}: `seed` must be an int or None; received seed={seed!r}."
            )
        self.seed = None if seed is None else int(seed)

    def rng(self):
        return backend.rng() if self.seed is None else np.random.default_rng(self.seed)

    def get_config(self):
        return {"seed": self.seed}


def _normal(rng, shape, dtype, mean, stddev):
    draw = rng.standard_normal(shape, dtype=np.float32 if dtype == np.float16 else dtype)
    draw *= stddev
    draw += mean
    return draw.astype(dtype, copy=False)


def _truncated_normal(rng, shape, dtype, mean, stddev):
    # Inverse-CDF sampling: uniform probabilities between Phi(-2) and Phi(2) map to a normal
    # truncated at two standard deviations, with one draw per element and no rejection loop.
    low, high = 0.022750131948179195, 0.9772498680518208
    draw = ndtri(rng.uniform(low, high, shape))
    draw *= stddev
    draw += mean
    return draw.astype(dtype, copy=False)


def _uniform(rng, shape, dtype, low, high):
    draw = rng.random(shape, dtype=np.float64 if dtype == np.float64 else np.float32)
    draw *= high - low
    draw += low
    return draw.astype(dtype, copy=False)


class RandomNormal(_Random):
    """Normal draws: w ~ N(mean, stddev^2).

    Args:
        mean: default 0.0.
        stddev: default 0.05.
        seed: None (draw from the shared generator) or an int (same values every call).

    Example:
        >>> from deepbricks.initializers import RandomNormal
        >>> init = RandomNormal(stddev=1.0, seed=0)
        >>> bool((init((2, 3)) == init((2, 3))).all())   # an int seed repeats itself
        True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        name = type(self).__name__
        return _normal(self.rng(), _shape(name, shape), _dtype(name, dtype), self.mean, self.stddev)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(_Random):
    """Normal draws truncated to mean +- 2 stddev (``stddev`` is that of the untruncated law).

    Args:
        mean: default 0.0.
        stddev: default 0.05.
        seed: None or an int.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        name = type(self).__name__
        return _truncated_normal(
            self.rng(), _shape(name, shape), _dtype(name, dtype), self.mean, self.stddev
        )

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Random):
    """Uniform draws: w ~ U[minval, maxval).

    Args:
        minval: default -0.05.
        maxval: default 0.05.
        seed: None or an int.
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        if not minval < maxval:
            raise ValueError(
                f"RandomUniform needs minval < maxval; received minval={minval}, maxval={maxval}."
            )
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        name = type(self).__name__
        shape, dtype = _shape(name, shape), _dtype(name, dtype)
        return _uniform(self.rng(), shape, dtype, self.minval, self.maxval)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class VarianceScaling(_Random):
    """Draws with variance scale / n, where n is the fan picked by ``mode``.

    n = fan_in, fan_out or (fan_in + fan_out) / 2 (see :func:`compute_fans`), at least 1.
    - 'truncated_normal' (or 'normal'): N(0, s^2) truncated at 2s, s = sqrt(scale / n) / .8796
      (the truncated draw then has variance scale / n);
    - 'untruncated_normal': N(0, scale / n);
    - 'uniform': U[-limit, limit], limit = sqrt(3 * scale / n).

    Args:
        scale: positive factor, default 1.0.
        mode: 'fan_in' (default), 'fan_out' or 'fan_avg'.
        distribution: 'truncated_normal' (default), 'untruncated_normal' or 'uniform'.
        seed: None or an int.

    Example:
        >>> from deepbricks.initializers import VarianceScaling
        >>> w = VarianceScaling(2.0, 'fan_in', 'uniform', seed=1)((3, 3, 64, 64))
        >>> bool(abs(w).max() <= (3 * 2.0 / (3 * 3 * 64)) ** 0.5)
        True
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        name = type(self).__name__
        if not scale > 0:
            raise ValueError(f"{name}: `scale` must be a positive float; received scale={scale!r}.")
        if mode not in self._MODES:
            raise ValueError(
                f"{name}: `mode` must be one of {', '.join(self._MODES)}; received mode={mode!r}."
            )
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(
                f"{name}: `distribution` must be one of {', '.join(self._DISTRIBUTIONS)}; "
                f"received distribution={distribution!r}."
            )
        self.scale, self.mode, self.distribution = float(scale), mode, distribution

    def __call__(self, shape, dtype=None):
        name = type(self).__name__
        shape, dtype = _shape(name, shape), _dtype(name, dtype)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return _uniform(self.rng(), shape, dtype, -limit, limit)
        if self.distribution == "untruncated_normal":
            return _normal(self.rng(), shape, dtype, 0.0, math.sqrt(variance))
        stddev = math.sqrt(variance) / _TRUNCATED_STD
        return _truncated_normal(self.rng(), shape, dtype, 0.0, stddev)

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


class _NamedVarianceScaling(VarianceScaling):
    """A VarianceScaling with fixed scale, mode and distribution; its config is the seed."""

    SETTINGS = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed=None):
        super().__init__(*self.SETTINGS, seed=seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotUniform(_NamedVarianceScaling):
    """Glorot (Xavier) uniform: U[-limit, limit], limit = sqrt(6 / (fan_in + fan_out)).

    The Keras default for kernels.
    """

    SETTINGS = (1.0, "fan_avg", "uniform")


class GlorotNormal(_NamedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal with variance 2 / (fan_in + fan_out)."""

    SETTINGS = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_NamedVarianceScaling):
    """He normal: truncated normal with variance 2 / fan_in (for ReLU networks)."""

    SETTINGS = (2.0, "fan_in", "truncated_normal")


class HeUniform(_NamedVarianceScaling):
    """He uniform: U[-limit, limit], limit = sqrt(6 / fan_in)."""

    SETTINGS = (2.0, "fan_in", "uniform")


class LecunNormal(_NamedVarianceScaling):
    """LeCun normal: truncated normal with variance 1 / fan_in (for SELU networks)."""

    SETTINGS = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_NamedVarianceScaling):
    """LeCun uniform: U[-limit, limit], limit = sqrt(3 / fan_in)."""

    SETTINGS = (1.0, "fan_in", "uniform")


class Orthogonal(_Random):
    """A random orthogonal matrix times ``gain`` (Saxe et al., 2014).

    The shape is flattened to (prod(shape[:-1]), shape[-1]); the Q factor of the QR
    decomposition of a normal matrix (signs fixed by diag(R), so Q is uniform) gives
    orthonormal columns, or orthonormal rows when there are fewer rows than columns.

    Args:
        gain: multiplies the matrix, default 1.0.
        seed: None or an int.

    Example:
        >>> import numpy as np
        >>> from deepbricks.initializers import Orthogonal
        >>> q = Orthogonal(seed=0)((4, 4))
        >>> bool(np.allclose(q.T @ q, np.eye(4), atol=1e-6))
        True
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        name = type(self).__name__
        shape, dtype = _shape(name, shape), _dtype(name, dtype)
        if len(shape) < 2:
            raise ValueError(
                f"{name} needs a weight of rank >= 2; received shape={shape} of rank "
                f"{len(shape)}. Use another initializer for biases."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        q, r = np.linalg.qr(self.rng().standard_normal((max(rows, cols), min(rows, cols))))
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape).astype(dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (ones on the main diagonal of a 2-D shape).

    Example:
        >>> from deepbricks.initializers import Identity
        >>> Identity(gain=2.0)((2, 3))
        array([[2., 0., 0.],
               [0., 2., 0.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        name = type(self).__name__
        shape, dtype = _shape(name, shape), _dtype(name, dtype)
        if len(shape) != 2:
            raise ValueError(
                f"{name} initializes 2-D matrices only; received shape={shape} of rank "
                f"{len(shape)}."
            )
        out = np.eye(*shape, dtype=dtype)
        out *= self.gain
        return out

    def get_config(self):
        return {"gain": self.gain}


_CLASSES = (Constant, Zeros, Ones, RandomNormal, RandomUniform, TruncatedNormal,
            VarianceScaling, GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal,
            LecunUniform, Orthogonal, Identity)  # fmt: skip


_BY_NAME = names_table(
    _CLASSES,
    zero=Zeros,
    one=Ones,
    normal=RandomNormal,
    uniform=RandomUniform,
    xavier_uniform=GlorotUniform,
    xavier_normal=GlorotNormal,
)


def serialize(initializer):
    """``{'class_name': ..., 'config': ...}`` of an initializer.

    Example:
        >>> from deepbricks import initializers
        >>> initializers.serialize(initializers.HeNormal(seed=3))
        {'class_name': 'HeNormal', 'config': {'seed': 3}}
    """
    if not isinstance(initializer, Initializer):
        raise TypeError(
            f"initializers.serialize expects an Initializer; received {initializer!r}. Plain "
            f"functions are saved by name."
        )
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config, custom_objects=None):
    """Rebuilds an initializer from :func:`serialize`'s output."""
    return deserialize_registered("initializer", config, _BY_NAME, custom_objects)


def get(identifier):
    """Returns an initializer from a name, a config dict, a class or a callable.

    Args:
        identifier: None (returns None), a name such as ``'glorot_uniform'``, ``'he_normal'``,
            ``'zeros'`` or ``'GlorotUniform'``, ``{'class_name': ..., 'config': ...}``, an
            Initializer class (instantiated with defaults), or any callable
            ``(shape, dtype=None) -> array`` (returned as is).

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    return get_registered(
        "initializer",
        identifier,
        Initializer,
        _BY_NAME,
        deserialize,
        "a name such as 'glorot_uniform', a config dict or a callable (shape, dtype=None) -> array",
    )
