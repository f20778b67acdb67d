"""The loss classes of Keras 3: a per-sample function plus a reduction and a name.

Example:
    >>> import numpy as np
    >>> from deepbricks import losses
    >>> loss = losses.CategoricalCrossentropy(label_smoothing=0.1)
    >>> loss.get_config()['label_smoothing']
    0.1
    >>> round(float(loss(np.eye(3), np.full((3, 3), 1 / 3))), 6)  # log(3) whatever the targets
    1.098612
"""

import numpy as np

from deepbricks.autograd import Tensor
from deepbricks.losses import functions
from deepbricks.losses.loss import Loss, squeeze_or_expand_to_same_rank

__all__ = [
    "LossFunctionWrapper",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "Huber",
    "LogCosh",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "CosineSimilarity",
]


class LossFunctionWrapper(Loss):
    """A loss class around a per-sample loss function (what ``compile`` makes of a function).

    Args:
        fn: function (y_true, y_pred, **kwargs) -> per-sample loss Tensor.
        reduction, name, dtype: as for :class:`Loss`; ``name`` defaults to ``fn.__name__``.
        **kwargs: extra keyword arguments passed to ``fn`` on every call.

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> loss = losses.LossFunctionWrapper(losses.huber, delta=0.5)
        >>> loss.name, float(loss(np.zeros((1, 1)), np.ones((1, 1))))
        ('huber', 0.375)
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(
                f"LossFunctionWrapper expects a function (y_true, y_pred) -> per-sample losses; "
                f"received {fn!r}."
            )
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction,
                         dtype=dtype)
        self.fn = fn
        self.fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if not isinstance(y_true, Tensor):
            y_true = np.asarray(y_true)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self.fn_kwargs)

    def get_config(self):
        return {**super().get_config(), "fn": self.fn.__name__, **self.fn_kwargs}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        fn = config.pop("fn")
        if isinstance(fn, str):
            if fn not in functions.__all__:
                raise ValueError(
                    f"LossFunctionWrapper: unknown loss function {fn!r}. Known functions: "
                    f"{', '.join(functions.__all__)}. Pass a custom function object instead."
                )
            fn = getattr(functions, fn)
        return cls(fn, **config)


class _Wrapper(LossFunctionWrapper):
    """A named loss class: its constructor arguments are exactly its config."""

    def get_config(self):
        return {**Loss.get_config(self), **self.fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MeanSquaredError(_Wrapper):
    """Mean of squared errors; see :func:`deepbricks.losses.mean_squared_error`.

    Example:
        >>> import numpy as np
        >>> from deepbricks import losses
        >>> float(losses.MeanSquaredError()(np.zeros((2, 2)), np.ones((2, 2))))
        1.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(functions.mean_squared_error, reduction=reduction, name=name,
                         dtype=dtype)


class MeanAbsoluteError(_Wrapper):
    """Mean of absolute errors; see :func:`deepbricks.losses.mean_absolute_error`."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(functions.mean_absolute_error, reduction=reduction, name=name,
                         dtype=dtype)


class MeanAbsolutePercentageError(_Wrapper):
    """Mean absolute percentage error; see :func:`mean_absolute_percentage_error`."""

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_absolute_percentage_error", dtype=None):
        super().__init__(functions.mean_absolute_percentage_error, reduction=reduction,
                         name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_Wrapper):
    """Mean squared logarithmic error; see :func:`mean_squared_logarithmic_error`."""

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(functions.mean_squared_logarithmic_error, reduction=reduction,
                         name=name, dtype=dtype)


class Huber(_Wrapper):
    """Huber loss with threshold ``delta``; see :func:`deepbricks.losses.huber`."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(functions.huber, reduction=reduction, name=name, dtype=dtype,
                         delta=delta)


class LogCosh(_Wrapper):
    """Log-cosh of the error; see :func:`deepbricks.losses.log_cosh`."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(functions.log_cosh, reduction=reduction, name=name, dtype=dtype)


class BinaryCrossentropy(_Wrapper):
    """Binary cross-entropy; see :func:`deepbricks.losses.binary_crossentropy`.

    Args:
        from_logits: whether y_pred holds logits (recommended with a linear last layer).
        label_smoothing: targets become y * (1 - label_smoothing) + 0.5 * label_smoothing.
        axis: the axis averaged over.
        reduction, name, dtype: as for :class:`Loss`.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(functions.binary_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalCrossentropy(_Wrapper):
    """Categorical cross-entropy with one-hot targets; see
    :func:`deepbricks.losses.categorical_crossentropy`.

    Args:
        from_logits: whether y_pred holds logits.
        label_smoothing: targets become y * (1 - label_smoothing) + label_smoothing / C.
        axis: the class axis.
        reduction, name, dtype: as for :class:`Loss`.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(functions.categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(_Wrapper):
    """Categorical cross-entropy with integer labels; see
    :func:`deepbricks.losses.sparse_categorical_crossentropy`.

    Samples labelled ``ignore_class`` count neither in the numerator nor in the
    denominator of the average.

    Args:
        from_logits: whether y_pred holds logits.
        ignore_class: label value to leave out (e.g. padding), or None.
        reduction: as for :class:`Loss`.
        axis: the class axis.
        name, dtype: as for :class:`Loss`.
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(functions.sparse_categorical_crossentropy, reduction=reduction,
                         name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def valid_mask(self, y_true, losses):
        if self.ignore_class is None:
            return None
        labels = np.asarray(y_true.data if isinstance(y_true, Tensor) else y_true)
        return (labels != self.ignore_class).reshape(losses.shape)


class KLDivergence(_Wrapper):
    """Kullback-Leibler divergence; see :func:`deepbricks.losses.kl_divergence`."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(functions.kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(_Wrapper):
    """Poisson negative log-likelihood; see :func:`deepbricks.losses.poisson`."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(functions.poisson, reduction=reduction, name=name, dtype=dtype)


class Hinge(_Wrapper):
    """Hinge loss; see :func:`deepbricks.losses.hinge`."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(functions.hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(_Wrapper):
    """Squared hinge loss; see :func:`deepbricks.losses.squared_hinge`."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(functions.squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(_Wrapper):
    """Multi-class hinge loss; see :func:`deepbricks.losses.categorical_hinge`."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(functions.categorical_hinge, reduction=reduction, name=name,
                         dtype=dtype)


class CosineSimilarity(_Wrapper):
    """Negative cosine similarity along ``axis``; see :func:`cosine_similarity`."""

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(functions.cosine_similarity, reduction=reduction, name=name,
                         dtype=dtype, axis=axis)
        self.axis = axis
