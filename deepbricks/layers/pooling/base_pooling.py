"""What the windowed pooling layers share: argument checks and output shapes."""

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import InputSpec, Layer


class BasePooling(Layer):
    """A pooling window of ``pool_size`` sliding ``strides`` apart over channels-last data.

    Subclasses set ``rank`` and ``op_name`` (the op in ``deepbricks.ops``).
    """

    rank = 2
    op_name = None

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        name, n = type(self).__name__, self.rank
        self.pool_size = args.int_tuple(name, "pool_size", pool_size, n)
        self.strides = self.pool_size if strides is None else args.int_tuple(
            name, "strides", strides, n)
        self.padding = args.padding_mode(name, padding)
        self.data_format = args.channels_last(name, data_format)
        self.input_spec = InputSpec(ndim=n + 2)

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        pool = getattr(ops, self.op_name)
        size, strides = self.pool_size, self.strides
        if self.rank == 1:
            size, strides = size[0], strides[0]
        return pool(inputs, size, strides=strides, padding=self.padding)

    def compute_output_shape(self, input_shape):
        spatial = tuple(
            args.window_output_length(n, k, s, self.padding)
            for n, k, s in zip(input_shape[1:-1], self.pool_size, self.strides, strict=True)
        )
        if any(n is not None and n <= 0 for n in spatial):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': input shape {tuple(input_shape)} is "
                f"smaller than pool_size={self.pool_size} with padding='valid'. Use "
                f"padding='same' or a smaller pool_size."
            )
        return (input_shape[0],) + spatial + (input_shape[-1],)

    def get_config(self):
        size, strides = list(self.pool_size), list(self.strides)
        if self.rank == 1:
            size, strides = size[0], strides[0]
        return {**super().get_config(), "pool_size": size, "strides": strides,
                "padding": self.padding, "data_format": self.data_format}
