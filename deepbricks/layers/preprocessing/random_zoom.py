"""RandomZoom: zooms images in or out by a random factor while training."""

import numpy as np

from deepbricks.layers.preprocessing.base import GeometricAugmentation, factor_range


class RandomZoom(GeometricAugmentation):
    """While training, scales each image about its centre: output pixel (x, y) reads the input
    at x_in = cx + zx*(x - cx), y_in = cy + zy*(y - cy), with zy = 1 + u (u drawn uniformly
    in the height range) and zx = 1 + v (v in the width range, or zx = zy when
    ``width_factor`` is None, keeping the aspect ratio). A positive factor zooms out (the
    image shrinks, the border is filled by ``fill_mode``), a negative one zooms in.

    Args:
        height_factor: a float f for the range [-f, f], or a (lower, upper) pair, in (-1, 1].
        width_factor: the same for the width, or None to zoom both axes alike.
        fill_mode: 'reflect' (default), 'wrap', 'constant' or 'nearest'.
        interpolation: 'bilinear' (default) or 'nearest'.
        seed: optional int seeding a generator of the layer's own.
        fill_value: the value filled in with ``fill_mode='constant'``.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> zoom_in = layers.RandomZoom((-0.5, -0.5), interpolation='nearest')
        >>> x = np.arange(16, dtype='float32').reshape(1, 4, 4, 1)
        >>> zoom_in(x, training=True).shape
        (1, 4, 4, 1)
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_range = _zoom_range("height_factor", height_factor)
        self.width_range = None if width_factor is None else _zoom_range("width_factor",
                                                                         width_factor)

    def transforms(self, generator, n, height, width):
        zy = 1.0 + generator.uniform(*self.height_range, size=n)
        zx = zy if self.width_range is None else 1.0 + generator.uniform(*self.width_range,
                                                                          size=n)
        cx, cy = (width - 1) / 2, (height - 1) / 2
        zero = np.zeros(n)
        return np.stack([zx, zero, cx * (1 - zx), zero, zy, cy * (1 - zy)], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}


def _zoom_range(name, factor):
    lower, upper = factor_range("RandomZoom", name, factor)
    if lower <= -1:
        raise ValueError(f"RandomZoom: `{name}` must lie in (-1, 1]; -1 would zoom in "
                         f"infinitely. Received: {name}={factor!r}")
    return lower, upper
