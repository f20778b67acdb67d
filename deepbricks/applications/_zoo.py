"""What the Keras-style builders of the zoo share: their common arguments and the ends of
their graphs (the pooled feature head and the weights file)."""

import numbers
import os

from deepbricks.applications._checks import check_classes, check_image_shape

POOLINGS = (None, "avg", "max")


def check_common(builder, input_shape, default_shape, minimum, include_top, weights, pooling,
                 classes, width):
    """Validates the arguments every builder takes; returns (input_shape, classes, width)."""
    if not isinstance(include_top, bool):
        raise ValueError(f"{builder}: `include_top` must be True or False. "
                         f"Received: include_top={include_top!r}")
    if weights is not None:
        if isinstance(weights, str) and weights.lower() == "imagenet":
            raise ValueError(
                f"{builder}: deepbricks ships no pretrained weights and downloads none. Pass "
                f"weights=None to start from random weights, or the path of a file written by "
                f"model.save_weights(). Received: weights={weights!r}"
            )
        if not isinstance(weights, (str, os.PathLike)) or not os.path.isfile(weights):
            raise ValueError(
                f"{builder}: `weights` must be None or the path of an existing weights file "
                f"(written by model.save_weights()). Received: weights={weights!r}"
            )
    if pooling not in POOLINGS:
        raise ValueError(f"{builder}: `pooling` must be None, 'avg' or 'max' (used when "
                         f"include_top=False). Received: pooling={pooling!r}")
    if not isinstance(width, numbers.Real) or isinstance(width, bool) or not width > 0:
        raise ValueError(
            f"{builder}: `width` must be a positive number that multiplies every layer's "
            f"filters and units (e.g. 0.25 for a quarter-width network). Received: "
            f"width={width!r}"
        )
    shape = check_image_shape(builder, default_shape if input_shape is None else input_shape,
                              minimum)
    return shape, check_classes(builder, classes), float(width)


def scaled(count, width):
    """``count`` filters or units times the width multiplier, at least one."""
    return max(1, round(count * width))


def pooled(x, pooling):
    """The feature head of ``include_top=False``: global pooling, or the maps unchanged."""
    from deepbricks import layers

    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def finish(inputs, outputs, weights, name):
    """The functional model from ``inputs`` to ``outputs``, with ``weights`` loaded if given."""
    from deepbricks import Model

    model = Model(inputs, outputs, name=name)
    if weights is not None:
        model.load_weights(weights)
    return model
