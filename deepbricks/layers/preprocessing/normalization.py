"""Normalization: shifts and scales inputs to zero mean and unit variance per feature."""

import numpy as np

from deepbricks import ops
from deepbricks.layers.layer import Layer

_EPSILON = 1e-7


class Normalization(Layer):
    """y = (x - mean) / max(sqrt(variance), 1e-7), with a mean and a variance per position
    of the kept ``axis`` (per feature, or per channel of images), either given or computed
    from data by :meth:`adapt`. With ``invert=True`` it undoes that:
    y = mean + x * max(sqrt(variance), 1e-7). Differentiable.

    Args:
        axis: the axis (or axes) that keep separate statistics; -1 (default) means per
            feature/channel; None means one mean and variance for everything.
        mean, variance: the statistics, numbers or arrays broadcast over the kept axes; both
            or neither. When not given, the layer holds them as non-trainable weights
            ('mean', 'variance', 'count'), set by ``adapt``.
        invert: apply the inverse transformation.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> norm = layers.Normalization()
        >>> norm.adapt(np.array([[1.0], [3.0]], 'float32'))
        >>> norm(np.array([[1.0], [3.0]], 'float32')).numpy().ravel()
        array([-1.,  1.], dtype=float32)
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        self.axis = (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization: give both `mean` and `variance`, or neither (then "
                             f"call adapt(data)). Received: mean={mean!r}, "
                             f"variance={variance!r}")
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(f"Normalization: `mean` and `variance` must have the same shape. "
                             f"Received shapes {np.shape(mean)} and {np.shape(variance)}.")
        self.input_mean = None if mean is None else np.asarray(mean, np.float64)
        self.input_variance = None if variance is None else np.asarray(variance, np.float64)
        self.invert = bool(invert)

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"Normalization '{self.name}': every axis must lie in [-{ndim}, "
                             f"{ndim}) for inputs of shape {tuple(input_shape)}. Received: "
                             f"axis={self.axis}")
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        if any(input_shape[a] is None for a in self._keep):
            raise ValueError(f"Normalization '{self.name}': the kept axes {self._keep} must have "
                             f"known sizes; received input shape {tuple(input_shape)}.")
        self._reduce = tuple(a for a in range(ndim) if a not in self._keep)
        self._broadcast = tuple(input_shape[a] if a in self._keep else 1 for a in range(ndim))
        stats_shape = tuple(input_shape[a] for a in self._keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=stats_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=stats_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64",
                                         initializer="zeros", trainable=False)
        else:
            try:
                self._fixed = tuple(
                    np.broadcast_to(np.reshape(v, _expanded(v, self._keep, ndim)),
                                    self._broadcast).astype(self.dtype)
                    for v in (self.input_mean, self.input_variance))
            except ValueError:
                raise ValueError(
                    f"Normalization '{self.name}': mean/variance of shape "
                    f"{self.input_mean.shape} do not broadcast over the kept axes of size "
                    f"{stats_shape} (input shape {tuple(input_shape)})."
                ) from None

    def adapt(self, data):
        """Sets the mean and variance from data: an array, or an iterable of batches.

        mean and variance are over every axis except the kept ones (the biased variance);
        batches are combined exactly (Chan et al.'s parallel formulas).
        """
        if self.input_mean is not None:
            raise ValueError(f"Normalization '{self.name}' was given mean and variance; "
                             f"adapt() cannot replace them. Create it without them to adapt.")
        batches = [data] if hasattr(data, "shape") else data
        total, mean, m2 = 0, None, None
        for batch in batches:
            batch = np.asarray(getattr(batch, "data", batch), dtype=np.float64)
            self.build_from_shape((None,) + batch.shape[1:])
            if any(batch.shape[a] != self._broadcast[a] for a in self._keep):
                raise ValueError(f"Normalization '{self.name}' was built for inputs of shape "
                                 f"{self._build_input_shape}; adapt() received a batch of "
                                 f"shape {batch.shape}.")
            n = batch.size // int(np.prod(self._broadcast))
            batch_mean = batch.mean(axis=self._reduce)
            batch_m2 = batch.var(axis=self._reduce) * n
            if mean is None:
                total, mean, m2 = n, batch_mean, batch_m2
            else:
                delta = batch_mean - mean
                combined = total + n
                mean = mean + delta * (n / combined)
                m2 = m2 + batch_m2 + delta ** 2 * (total * n / combined)
                total = combined
        if mean is None:
            raise ValueError(f"Normalization '{self.name}': adapt() received no data.")
        self.adapt_mean.assign(mean)
        self.adapt_variance.assign(m2 / total)
        self.count.assign(np.asarray(total))

    def call(self, inputs):
        x = inputs if inputs.dtype == self.dtype else ops.astype(inputs, self.dtype)
        if self.input_mean is not None:
            mean, variance = self._fixed
        else:
            mean = self.adapt_mean.data.reshape(self._broadcast)
            variance = self.adapt_variance.data.reshape(self._broadcast)
        std = np.maximum(np.sqrt(variance), _EPSILON).astype(self.dtype)
        mean = np.asarray(mean, self.dtype)
        if self.invert:
            return x * std + mean
        return (x - mean) / std

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        def plain(v):
            return None if v is None else v.tolist()

        return {**super().get_config(), "axis": list(self.axis),
                "mean": plain(self.input_mean), "variance": plain(self.input_variance),
                "invert": self.invert}


def _expanded(value, keep, ndim):
    """The shape that puts ``value``'s axes on the kept axes (its last axes on the last)."""
    shape = [1] * ndim
    for i in range(1, np.ndim(value) + 1):
        shape[keep[-i]] = np.shape(value)[-i]
    return shape
