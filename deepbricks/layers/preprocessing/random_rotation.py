"""RandomRotation: turns images by a random angle about their centre while training."""

import math

import numpy as np

from deepbricks.layers.preprocessing.base import GeometricAugmentation, factor_range


class RandomRotation(GeometricAugmentation):
    """While training, rotates each image by an angle theta = 2*pi*u, u drawn uniformly in the
    factor range, counter-clockwise for positive theta, about the centre
    (cx, cy) = ((W - 1)/2, (H - 1)/2). The output pixel (x, y) reads the input at

        x_in = cos(theta)(x - cx) - sin(theta)(y - cy) + cx
        y_in = sin(theta)(x - cx) + cos(theta)(y - cy) + cy

    resampled with ``interpolation``; the corners brought in from outside are filled by
    ``fill_mode``.

    Args:
        factor: a float f for angles in [-f, f] * 2*pi, or a (lower, upper) pair; fractions of
            a full turn in [-1, 1] (0.25 is a quarter turn).
        fill_mode: 'reflect' (default), 'wrap', 'constant' or 'nearest'.
        interpolation: 'bilinear' (default) or 'nearest'.
        seed: optional int seeding a generator of the layer's own.
        fill_value: the value filled in with ``fill_mode='constant'``.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> quarter = layers.RandomRotation((0.25, 0.25), interpolation='nearest')
        >>> x = np.array([[1, 2], [3, 4]], 'float32').reshape(1, 2, 2, 1)
        >>> quarter(x, training=True).numpy()[0, ..., 0]
        array([[2., 4.],
               [1., 3.]], dtype=float32)
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.factor = factor
        self.range = factor_range("RandomRotation", "factor", factor)

    def transforms(self, generator, n, height, width):
        theta = generator.uniform(*self.range, size=n) * (2 * math.pi)
        cos, sin = np.cos(theta), np.sin(theta)
        cx, cy = (width - 1) / 2, (height - 1) / 2
        return np.stack([cos, -sin, cx - cos * cx + sin * cy,
                         sin, cos, cy - sin * cx - cos * cy], axis=1)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
