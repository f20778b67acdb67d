"""Global pooling: one value per channel, the mean or maximum over every position."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import InputSpec, Layer


class BaseGlobalPooling(Layer):
    """Reduces the spatial axes of channels-last data of rank ``rank + 2``."""

    rank = 2
    op_name = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = args.channels_last(type(self).__name__, data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        return getattr(ops, self.op_name)(inputs, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return (input_shape[0],) + (1,) * self.rank + (input_shape[-1],)
        return (input_shape[0], input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over time: (N, steps, C) -> (N, C), or (N, 1, C) with ``keepdims=True``.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.GlobalAveragePooling1D()(np.ones((2, 5, 3), 'float32')).shape
        (2, 3)
    """

    rank = 1
    op_name = "global_avg_pool1d"


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Mean over height and width: (N, H, W, C) -> (N, C), or (N, 1, 1, C) with keepdims.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.GlobalAveragePooling2D()(np.ones((2, 7, 7, 64), 'float32')).shape
        (2, 64)
    """

    rank = 2
    op_name = "global_avg_pool2d"


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Max over time: (N, steps, C) -> (N, C), or (N, 1, C) with ``keepdims=True``.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.GlobalMaxPooling1D()(np.ones((2, 5, 3), 'float32')).shape
        (2, 3)
    """

    rank = 1
    op_name = "global_max_pool1d"


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Max over height and width: (N, H, W, C) -> (N, C), or (N, 1, 1, C) with keepdims.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.GlobalMaxPooling2D(keepdims=True)(np.ones((2, 7, 7, 64), 'float32')).shape
        (2, 1, 1, 64)
    """

    rank = 2
    op_name = "global_max_pool2d"
