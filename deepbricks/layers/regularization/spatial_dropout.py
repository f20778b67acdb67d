"""SpatialDropout1D and SpatialDropout2D: drop whole feature maps rather than single values."""

from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import InputSpec
from deepbricks.layers.regularization.dropout import Dropout


class SpatialDropout1D(Dropout):
    """Dropout of entire channels of (N, steps, C) sequences: one mask entry per (sample,
    channel), shared by every step. Neighbouring steps are strongly correlated, so dropping
    single values would barely regularise.

    Args:
        rate: fraction of the channels dropped, in [0, 1).
        seed: optional int seeding the layer's own generator.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> y = layers.SpatialDropout1D(0.5)(np.ones((2, 6, 3), 'float32'), training=True)
        >>> bool((y.numpy() == y.numpy()[:, :1]).all())
        True
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _noise_shape(self, inputs):
        return (inputs.shape[0], 1, inputs.shape[2])

    def get_config(self):
        config = super().get_config()
        del config["noise_shape"]
        return config


class SpatialDropout2D(Dropout):
    """Dropout of entire feature maps of (N, H, W, C) images: one mask entry per (sample,
    channel), shared by every pixel.

    Args:
        rate: fraction of the feature maps dropped, in [0, 1).
        data_format: only 'channels_last' (or None).
        seed: optional int seeding the layer's own generator.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.SpatialDropout2D(0.2)(np.ones((2, 4, 4, 3), 'float32'), training=True).shape
        (2, 4, 4, 3)
    """

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = args.channels_last("SpatialDropout2D", data_format)
        self.input_spec = InputSpec(ndim=4)

    def _noise_shape(self, inputs):
        return (inputs.shape[0], 1, 1, inputs.shape[3])

    def get_config(self):
        config = super().get_config()
        del config["noise_shape"]
        return {**config, "data_format": self.data_format}
