"""Argument checks the builders share, with messages that name the builder and the fix."""

import numbers


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_shape(builder, shape):
    """A tuple of positive ints (one sample's shape, no batch axis)."""
    if _is_int(shape):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not shape or not all(
        _is_int(d) and d > 0 for d in shape
    ):
        raise ValueError(f"{builder}: `input_shape` must be a tuple of positive ints without the "
                         f"batch axis, e.g. (28, 28, 1). Received: input_shape={shape!r}")
    return tuple(int(d) for d in shape)


def check_image_shape(builder, shape, minimum):
    """(height, width, channels) with height and width >= ``minimum``."""
    shape = check_shape(builder, shape)
    if len(shape) != 3 or min(shape[:2]) < minimum:
        hint = " For grey images (N, H, W) add a channel axis: x[..., None]." * (len(shape) == 2)
        raise ValueError(
            f"{builder}: `input_shape` must be (height, width, channels) with height and width "
            f">= {minimum}, channels last. Received: input_shape={shape!r}.{hint}"
        )
    return shape


def check_classes(builder, classes):
    if not _is_int(classes) or classes < 2:
        raise ValueError(f"{builder}: `classes` must be an int >= 2 (the number of classes). "
                         f"Received: classes={classes!r}")
    return int(classes)


def check_rate(builder, rate):
    if not isinstance(rate, numbers.Real) or isinstance(rate, bool) or not 0 <= rate < 1:
        raise ValueError(f"{builder}: `dropout` must be a float in [0, 1). "
                         f"Received: dropout={rate!r}")
    return float(rate)
