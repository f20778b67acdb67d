"""Permute: reorders the axes of each sample."""

from deepbricks import ops
from deepbricks.layers.layer import InputSpec, Layer


class Permute(Layer):
    """Permutes the non-batch axes: output axis i+1 is input axis ``dims[i]``.

    Args:
        dims: a permutation of 1..rank-1 (axes are 1-based; the batch axis 0 stays first).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Permute((2, 1))(np.zeros((4, 10, 64), 'float32')).shape
        (4, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(dims) if isinstance(dims, (tuple, list)) else None
        if dims is None or sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                f"Permute: `dims` must be a permutation of 1..n (1-based, the batch axis is "
                f"not included), e.g. (2, 1). Received: dims={dims!r}"
            )
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}
