"""RandomTranslation: shifts images by a random fraction of their size while training."""

import numpy as np

from deepbricks.layers.preprocessing.base import GeometricAugmentation, factor_range


class RandomTranslation(GeometricAugmentation):
    """While training, shifts each image by (dy, dx) = (u*H, v*W) pixels, u drawn uniformly in
    the height range and v in the width range: y[i, j] = x[i - dy, j - dx], resampled with
    ``interpolation``; the uncovered border is filled by ``fill_mode``.

    Args:
        height_factor: a float f in [0, 1] for the range [-f, f], or a (lower, upper) pair in
            [-1, 1]: fractions of the height; positive values move the image down.
        width_factor: the same for the width; positive values move the image right.
        fill_mode: 'reflect' (default), 'wrap', 'constant' or 'nearest'.
        interpolation: 'bilinear' (default) or 'nearest'.
        seed: optional int seeding a generator of the layer's own.
        fill_value: the value of the filled border with ``fill_mode='constant'``.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> shift = layers.RandomTranslation((0.5, 0.5), 0.0, fill_mode='constant')
        >>> shift(np.ones((1, 4, 4, 1), 'float32'), training=True).numpy()[0, :, 0, 0]
        array([0., 0., 1., 1.], dtype=float32)
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_range = factor_range("RandomTranslation", "height_factor", height_factor)
        self.width_range = factor_range("RandomTranslation", "width_factor", width_factor)

    def transforms(self, generator, n, height, width):
        dy = generator.uniform(*self.height_range, size=n) * height
        dx = generator.uniform(*self.width_range, size=n) * width
        one, zero = np.ones(n), np.zeros(n)
        return np.stack([one, zero, -dx, zero, one, -dy], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}
