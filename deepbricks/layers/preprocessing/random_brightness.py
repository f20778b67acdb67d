"""RandomBrightness: adds a random offset to each image's pixels while training."""

import numbers

from deepbricks.layers.preprocessing.base import ImageAugmentation, factor_range


class RandomBrightness(ImageAugmentation):
    """While training, y = clip(x + d, low, high) with one offset per image,
    d = u * (high - low), u drawn uniformly in the factor range.

    Args:
        factor: a float f in [0, 1] for u in [-f, f], or a (lower, upper) pair in [-1, 1]
            (e.g. (0, 0.2) only brightens).
        value_range: (low, high) of the pixel values: (0, 255) by default, (0, 1) for images
            scaled to [0, 1].
        seed: optional int seeding a generator of the layer's own.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> brighter = layers.RandomBrightness((0.1, 0.1), value_range=(0, 1))
        >>> brighter(np.full((1, 1, 2, 1), 0.5, 'float32'), training=True).numpy().ravel()
        array([0.6, 0.6], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = factor
        self.range = factor_range("RandomBrightness", "factor", factor)
        self.value_range = value_range_pair("RandomBrightness", value_range)

    def augment(self, images, generator):
        low, high = self.value_range
        delta = generator.uniform(*self.range, size=(len(images), 1, 1, 1)) * (high - low)
        out = images + delta.astype(images.dtype)
        return out.clip(low, high, out=out)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": list(self.value_range)}


def value_range_pair(layer, value_range):
    """(low, high) floats with low < high."""
    if not (isinstance(value_range, (tuple, list)) and len(value_range) == 2 and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value_range)
            and value_range[0] < value_range[1]):
        raise ValueError(f"{layer}: `value_range` must be a (low, high) pair of numbers with "
                         f"low < high, e.g. (0, 255) or (0, 1). Received: "
                         f"value_range={value_range!r}")
    return float(value_range[0]), float(value_range[1])
