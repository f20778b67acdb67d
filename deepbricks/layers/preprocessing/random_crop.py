"""RandomCrop: cuts a random window of a fixed size out of each image while training."""

import numpy as np

from deepbricks.autograd import Tensor
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.preprocessing import _sampling
from deepbricks.layers.preprocessing.base import ImageAugmentation


class RandomCrop(ImageAugmentation):
    """Crops (height, width) windows: at a random place in each image while training, and the
    centre at inference.

    Training: the window's top-left corner is drawn uniformly for each image among the
    (H - height + 1)(W - width + 1) positions. Inference: the centred window, top-left corner
    ((H - height) // 2, (W - width) // 2), so the objects keep the scale they were trained
    at; images of the target size pass unchanged. Images smaller than the window (in either
    mode) are resized as Keras does: the largest centred window with the aspect ratio
    height:width is resized bilinearly to (height, width).

    Args:
        height, width: size of the output images.
        seed: optional int seeding a generator of the layer's own.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> x = np.arange(16, dtype='float32').reshape(1, 4, 4, 1)
        >>> layers.RandomCrop(2, 2)(x).numpy()[0, ..., 0]  # inference: centre crop
        array([[ 5.,  6.],
               [ 9., 10.]], dtype=float32)
    """

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.height = args.positive_int("RandomCrop", "height", height)
        self.width = args.positive_int("RandomCrop", "width", width)

    def augment(self, images, generator):
        n, height, width = images.shape[:3]
        if height < self.height or width < self.width:
            return _sampling.smart_resize(images, self.height, self.width)
        top = generator.integers(0, height - self.height + 1, size=n)
        left = generator.integers(0, width - self.width + 1, size=n)
        rows = top[:, None, None] + np.arange(self.height)[None, :, None]
        cols = left[:, None, None] + np.arange(self.width)[None, None, :]
        return images[np.arange(n)[:, None, None], rows, cols]

    def inference(self, inputs):
        height, width = inputs.shape[-3:-1]
        if height >= self.height and width >= self.width:
            top, left = (height - self.height) // 2, (width - self.width) // 2
            return inputs[..., top:top + self.height, left:left + self.width, :]
        images = inputs.data if inputs.ndim == 4 else inputs.data[None]
        out = _sampling.smart_resize(images, self.height, self.width)
        return Tensor(out if inputs.ndim == 4 else out[0])

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-3], self.height, self.width, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
