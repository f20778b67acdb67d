"""LocalResponseNormalization: AlexNet's competition between neighbouring channels."""

import numpy as np

from deepbricks import ops
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import InputSpec, Layer


class LocalResponseNormalization(Layer):
    """Divides each activation by a power of the energy of its neighbouring channels.

    With ``tf.nn.local_response_normalization``'s semantics, on the channel axis (the last):

        sqr_sum[..., c] = sum_{c' = c - r}^{c + r} x[..., c']**2   (channels outside 0..C-1
                                                                     count as zero)
        y[..., c] = x[..., c] / (bias + alpha * sqr_sum[..., c]) ** beta

    where r = ``depth_radius`` and the window holds n = 2r + 1 channels. alpha multiplies the
    plain sum, as in AlexNet's paper (Krizhevsky et al., 2012, section 3.3: k = 2, n = 5,
    alpha = 1e-4, beta = 0.75 are ``LocalResponseNormalization(2, bias=2.0, alpha=1e-4,
    beta=0.75)``). Caffe and PyTorch divide their alpha by n first, so their alpha equals
    n times the alpha given here.

    The window sum is a product with a banded 0/1 matrix of shape (C, C), so the forward
    pass and the backward pass (which autodiff derives from the ops) are one matrix product
    each. The layer has no weights.

    Args:
        depth_radius: r, the number of channels on each side of the centre in the window.
        bias: k, added to the weighted sum; must be positive so the divisor never vanishes.
        alpha: the weight of the sum of squares (not divided by n).
        beta: the exponent.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> lrn = layers.LocalResponseNormalization(depth_radius=1, bias=1.0, alpha=1.0,
        ...                                         beta=1.0)
        >>> lrn(np.array([[1.0, 2.0]], 'float32')).numpy()   # 1/(1+1+4), 2/(1+1+4)
        array([[0.16666667, 0.33333334]], dtype=float32)
    """

    def __init__(self, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5, **kwargs):
        super().__init__(**kwargs)
        name = "LocalResponseNormalization"
        if not args.is_int(depth_radius) or depth_radius < 0:
            raise ValueError(
                f"{name}: `depth_radius` must be a non-negative integer (the window holds "
                f"2 * depth_radius + 1 channels). Received: depth_radius={depth_radius!r}"
            )
        if not args.is_number(bias) or bias <= 0:
            raise ValueError(
                f"{name}: `bias` must be a positive number, which keeps the divisor away from "
                f"zero; AlexNet uses 2.0. Received: bias={bias!r}"
            )
        self.depth_radius = int(depth_radius)
        self.bias = float(bias)
        self.alpha = args.non_negative(name, "alpha", alpha)
        self.beta = args.non_negative(name, "beta", beta)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(
                f"LocalResponseNormalization '{self.name}' needs a known channel axis (the "
                f"last), received input shape {tuple(input_shape)}."
            )
        offsets = np.arange(channels)
        self._window = (np.abs(offsets[:, None] - offsets[None, :]) <= self.depth_radius
                        ).astype(self.dtype)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: channels})

    def call(self, inputs):
        sqr_sum = ops.matmul(ops.square(inputs), self._window)
        return inputs * ops.power(self.bias + self.alpha * sqr_sum, -self.beta)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "depth_radius": self.depth_radius,
            "bias": self.bias,
            "alpha": self.alpha,
            "beta": self.beta,
        }
