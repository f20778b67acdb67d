"""Dot: per-sample dot products between two inputs."""

import math

from deepbricks import ops
from deepbricks.layers.layer import Layer

# Keras's floor on a vector's L2 norm when normalizing, so zero vectors stay finite.
_NORM_EPSILON = 1e-7


class Dot(Layer):
    """Per-sample dot product of two inputs along ``axes`` (a batched tensordot).

    For x of shape (N, *a) and y of shape (N, *b), with x's axis i and y's axis j contracted:
    out[n, a', b'] = sum_k x[n, ..k..] * y[n, ..k..], shape (N, *a without i, *b without j),
    or (N, 1) when both inputs are (N, d). With ``normalize=True`` both inputs are first
    divided by their L2 norm along the contracted axis, giving the cosine similarity.

    Args:
        axes: int (the same axis of both inputs) or (axis_of_x, axis_of_y); never 0, the
            batch axis.
        normalize: whether to L2-normalise both inputs along the contracted axes.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> a, b = np.ones((2, 3), 'float32'), np.full((2, 3), 2.0, 'float32')
        >>> layers.Dot(axes=1)([a, b]).numpy()
        array([[6.],
               [6.]], dtype=float32)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        pair = [axes, axes] if isinstance(axes, int) else axes
        if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not all(
                isinstance(a, int) and not isinstance(a, bool) for a in pair):
            raise ValueError(
                f"Dot: `axes` must be an int or a pair of ints (one axis per input). "
                f"Received: axes={axes!r}"
            )
        self.axes = axes if isinstance(axes, int) else list(axes)
        self.normalize = bool(normalize)
        self.supports_masking = True

    def _axes_for(self, shapes):
        """(axis of x, axis of y), non-negative, after checking the two shapes."""
        name = f"Dot '{self.name}'"
        if not isinstance(shapes, (list, tuple)) or len(shapes) != 2 or not all(
                isinstance(s, (list, tuple)) for s in shapes):
            raise ValueError(f"{name} needs a list of exactly 2 inputs, e.g. layer([x, y]).")
        pair = [self.axes, self.axes] if isinstance(self.axes, int) else self.axes
        axes = []
        for shape, axis in zip(shapes, pair, strict=True):
            if not -len(shape) <= axis < len(shape) or axis % len(shape) == 0:
                raise ValueError(
                    f"{name}: axes={self.axes} must name a non-batch axis of each input; "
                    f"received shapes {tuple(shapes[0])} and {tuple(shapes[1])}."
                )
            axes.append(axis % len(shape))
        dx, dy = shapes[0][axes[0]], shapes[1][axes[1]]
        if dx is not None and dy is not None and dx != dy:
            raise ValueError(
                f"{name}: the contracted axes must have the same size; received shapes "
                f"{tuple(shapes[0])} and {tuple(shapes[1])} with axes={self.axes} "
                f"({dx} != {dy})."
            )
        return axes

    def call(self, inputs):
        shapes = [x.shape for x in inputs] if isinstance(inputs, (list, tuple)) else None
        ax, ay = self._axes_for(shapes)
        x, y = inputs
        if self.normalize:
            x, y = _l2_normalize(x, ax), _l2_normalize(y, ay)
        x_rest = [d for i, d in enumerate(x.shape) if i not in (0, ax)]
        y_rest = [d for i, d in enumerate(y.shape) if i not in (0, ay)]
        # Contract as one batched matrix product: x -> (N, Px, k), y -> (N, k, Py).
        x = ops.transpose(x, [i for i in range(x.ndim) if i != ax] + [ax])
        y = ops.transpose(y, [0, ay] + [i for i in range(1, y.ndim) if i != ay])
        n, k = x.shape[0], x.shape[-1]
        out = ops.matmul(ops.reshape(x, (n, math.prod(x_rest), k)),
                         ops.reshape(y, (n, k, math.prod(y_rest))))
        return ops.reshape(out, (n, *x_rest, *y_rest) if x_rest or y_rest else (n, 1))

    def compute_output_shape(self, input_shape):
        ax, ay = self._axes_for(input_shape)
        sx, sy = input_shape
        rest = [d for i, d in enumerate(sx) if i not in (0, ax)] + [
            d for i, d in enumerate(sy) if i not in (0, ay)]
        return (sx[0], *rest) if rest else (sx[0], 1)

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _l2_normalize(x, axis):
    squared_norm = ops.sum(x * x, axis=axis, keepdims=True)
    return x / ops.sqrt(ops.maximum(squared_norm, _NORM_EPSILON ** 2))


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional form of :class:`Dot`: ``dot([x, y], axes=1)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
