"""UpSampling1D and UpSampling2D: enlarge each sample by repeating (or interpolating) cells."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import InputSpec, Layer

_INTERPOLATIONS = ("nearest", "bilinear")


class UpSampling1D(Layer):
    """Repeats each time step ``size`` times: (N, steps, f) -> (N, steps * size, f).

    Args:
        size: repetition factor.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.UpSampling1D(2)(np.array([[[1.0], [2.0]]], 'float32'))[0, :, 0].numpy()
        array([1., 1., 2., 2.], dtype=float32)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = args.positive_int("UpSampling1D", "size", size)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return ops.upsampling1d(inputs, self.size)

    def compute_output_shape(self, input_shape):
        n, steps, features = input_shape
        return (n, None if steps is None else steps * self.size, features)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class UpSampling2D(Layer):
    """Enlarges (N, H, W, C) images to (N, H * size_h, W * size_w, C).

    'nearest' repeats each pixel; 'bilinear' interpolates between pixel centres.

    Args:
        size: int or (size_h, size_w) upsampling factors.
        data_format: only 'channels_last' (or None).
        interpolation: 'nearest' or 'bilinear'.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.UpSampling2D((2, 3))(np.ones((1, 4, 4, 2), 'float32')).shape
        (1, 8, 12, 2)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = args.int_tuple("UpSampling2D", "size", size, 2)
        self.data_format = args.channels_last("UpSampling2D", data_format)
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"UpSampling2D: `interpolation` must be one of {_INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}"
            )
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        return ops.upsampling2d(inputs, self.size, interpolation=self.interpolation)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (n, None if h is None else h * self.size[0],
                None if w is None else w * self.size[1], c)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size),
                "data_format": self.data_format, "interpolation": self.interpolation}
