"""Checks and normalisation of the constructor arguments many layers share (Keras's rules).

Each function raises a ValueError naming the layer class, the argument and the received value,
so that a wrong argument fails at construction with a message that says how to fix it.
"""

import math
import numbers

import numpy as np


def int_tuple(layer, name, value, n, minimum=1):
    """``value`` (an int or a sequence of ``n`` ints, each >= ``minimum``) as an n-tuple."""
    items = (value,) * n if is_int(value) else value
    if not isinstance(items, (tuple, list)) or len(items) != n or not all(map(is_int, items)):
        forms = "an integer" if n == 1 else f"an integer or a tuple of {n} integers"
        raise ValueError(f"{layer}: `{name}` must be {forms}. Received: {name}={value!r}")
    if any(v < minimum for v in items):
        raise ValueError(
            f"{layer}: every entry of `{name}` must be >= {minimum}. Received: {name}={value!r}"
        )
    return tuple(int(v) for v in items)


def pairs(layer, name, value, n):
    """``value`` as n (before, after) pairs of non-negative ints, one per spatial axis.

    Accepts an int (the same on every side), a (before, after) pair when n == 1, n ints
    (symmetric per axis) or n pairs.
    """
    if is_int(value):
        out = ((value, value),) * n
    elif n == 1 and isinstance(value, (tuple, list)) and len(value) == 2:
        out = (tuple(value),)
    elif isinstance(value, (tuple, list)) and len(value) == n:
        out = tuple((v, v) if is_int(v) else v for v in value)
    else:
        out = None
    valid = out is not None and all(
        isinstance(p, (tuple, list)) and len(p) == 2 and all(is_int(v) and v >= 0 for v in p)
        for p in out
    )
    if not valid:
        forms = "an int or a (before, after) pair" if n == 1 else (
            f"an int, a tuple of {n} ints or a tuple of {n} (before, after) pairs")
        raise ValueError(
            f"{layer}: `{name}` must be {forms} of non-negative integers. "
            f"Received: {name}={value!r}"
        )
    return tuple((int(a), int(b)) for a, b in out)


def padding_mode(layer, padding, allow_causal=False):
    """'valid', 'same' (or 'causal' for 1D convolutions), case-insensitive."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in allowed:
        raise ValueError(
            f"{layer}: `padding` must be one of {allowed}. Received: padding={padding!r}"
        )
    return mode


def channels_last(layer, data_format):
    """Only channels-last data is supported: returns 'channels_last' or raises."""
    if data_format not in (None, "channels_last"):
        raise ValueError(
            f"{layer} supports only data_format='channels_last' (images as (N, H, W, C)). "
            f"Received: data_format={data_format!r}. Transpose the data to channels-last, e.g. "
            f"x.transpose(0, 2, 3, 1)."
        )
    return "channels_last"


def positive_int(layer, name, value):
    if not is_int(value) or value <= 0:
        raise ValueError(
            f"{layer}: `{name}` must be a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def rate(layer, value, name="rate"):
    """A probability in [0, 1)."""
    if not is_number(value) or not 0 <= value < 1:
        raise ValueError(
            f"{layer}: `{name}` must be a float in [0, 1) (the fraction of units dropped). "
            f"Received: {name}={value!r}"
        )
    return float(value)


def non_negative(layer, name, value, allow_none=False):
    if value is None and allow_none:
        return None
    if not is_number(value) or value < 0:
        raise ValueError(
            f"{layer}: `{name}` must be a non-negative number. Received: {name}={value!r}"
        )
    return float(value)


def number(layer, name, value):
    if not is_number(value):
        raise ValueError(f"{layer}: `{name}` must be a number. Received: {name}={value!r}")
    return float(value)


def generator(layer, seed):
    """None (draw from the shared generator) or a generator of the layer's own."""
    if seed is None:
        return None
    if not is_int(seed) or seed < 0:
        raise ValueError(
            f"{layer}: `seed` must be a non-negative integer or None. Received: seed={seed!r}"
        )
    return np.random.default_rng(int(seed))


def window_output_length(length, window, stride, padding, dilation=1):
    """Spatial output size of a convolution or pooling window sliding over ``length`` cells.

    'valid': floor((n - d*(k - 1) - 1) / s) + 1; 'same' and 'causal': ceil(n / s). None (an
    unknown size) stays None.
    """
    if length is None:
        return None
    if padding == "valid":
        return (length - dilation * (window - 1) - 1) // stride + 1
    return math.ceil(length / stride)


def is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)
