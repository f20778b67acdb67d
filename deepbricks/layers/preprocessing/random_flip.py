"""RandomFlip: mirrors images left-right and/or upside down while training."""

import numpy as np

from deepbricks.layers.preprocessing.base import ImageAugmentation, choice

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


class RandomFlip(ImageAugmentation):
    """While training, flips each image with probability 1/2 along each chosen axis.

    'horizontal' mirrors left-right (y[:, i, j] = x[:, i, W-1-j]), 'vertical' upside down
    (y[:, i, j] = x[:, H-1-i, j]); with 'horizontal_and_vertical' the two flips are drawn
    independently, so each of the four orientations has probability 1/4 (Keras 3 draws one
    coin for both). At inference the images pass unchanged.

    Args:
        mode: 'horizontal', 'vertical' or 'horizontal_and_vertical'.
        seed: optional int seeding a generator of the layer's own.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> x = np.arange(4, dtype='float32').reshape(1, 1, 4, 1)
        >>> layers.RandomFlip('horizontal')(x).numpy().ravel()  # inference: unchanged
        array([0., 1., 2., 3.], dtype=float32)
    """

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = choice("RandomFlip", "mode", mode,
                           (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL))

    def augment(self, images, generator):
        n = images.shape[0]
        if self.mode != VERTICAL:
            flip = generator.random(n) < 0.5
            images = np.where(flip[:, None, None, None], images[:, :, ::-1], images)
        if self.mode != HORIZONTAL:
            flip = generator.random(n) < 0.5
            images = np.where(flip[:, None, None, None], images[:, ::-1], images)
        return images

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
