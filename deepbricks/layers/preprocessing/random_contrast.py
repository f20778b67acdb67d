"""RandomContrast: scales each image's deviations from its mean while training."""

from deepbricks.layers.preprocessing.base import ImageAugmentation, factor_range
from deepbricks.layers.preprocessing.random_brightness import value_range_pair


class RandomContrast(ImageAugmentation):
    """While training, y = clip((x - m) * c + m, low, high) for each image and channel, m the
    channel's mean over the image and c drawn per image uniformly in [1 - lower, 1 + upper].

    Args:
        factor: a float f in [0, 1] (lower = upper = f) or a (lower, upper) pair in [0, 1].
        value_range: (low, high) the pixel values are clipped to: (0, 255) by default, (0, 1)
            for images scaled to [0, 1].
        seed: optional int seeding a generator of the layer's own.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> flat = np.full((1, 2, 2, 1), 7.0, 'float32')  # no contrast to change
        >>> layers.RandomContrast(0.5)(flat, training=True).numpy().ravel()
        array([7., 7., 7., 7.], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = factor
        lower, upper = factor_range("RandomContrast", "factor", factor, low=0.0,
                                    symmetric=False)
        self.range = (1.0 - lower, 1.0 + upper)
        self.value_range = value_range_pair("RandomContrast", value_range)

    def augment(self, images, generator):
        contrast = generator.uniform(*self.range, size=(len(images), 1, 1, 1))
        mean = images.mean(axis=(1, 2), keepdims=True)
        out = (images - mean) * contrast.astype(images.dtype) + mean
        return out.clip(*self.value_range, out=out)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": list(self.value_range)}
