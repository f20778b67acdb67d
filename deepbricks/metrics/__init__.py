"""Metrics with Keras 3 names and semantics: stateful Metric classes, per-sample functions,
``get`` and ``resolve_accuracy``.

A metric accumulates over batches (``update_state``), reports a Python float (``result``)
and starts over with ``reset_state``; metrics work on NumPy arrays and never build graphs.

Example:
    >>> import numpy as np
    >>> from deepbricks import metrics
    >>> m = metrics.get('accuracy')  # exact-match accuracy, reported as 'accuracy'
    >>> m = metrics.resolve_accuracy('categorical_crossentropy', (32, 10), (32, 10))
    >>> type(m).__name__, m.name
    ('CategoricalAccuracy', 'accuracy')
    >>> m.update_state(np.eye(3), np.eye(3)[[0, 1, 1]]); round(m.result(), 4)
    0.6667
"""

from deepbricks import losses as _losses
from deepbricks.losses.functions import (
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from deepbricks.losses.loss import snake_case
from deepbricks.metrics.accuracy import *  # noqa: F403
from deepbricks.metrics.accuracy import (
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
)
from deepbricks.metrics.accuracy import __all__ as _accuracy_names
from deepbricks.metrics.confusion import *  # noqa: F403
from deepbricks.metrics.confusion import __all__ as _confusion_names
from deepbricks.metrics.functions import *  # noqa: F403
from deepbricks.metrics.functions import __all__ as _function_names
from deepbricks.metrics.hinge import *  # noqa: F403
from deepbricks.metrics.hinge import __all__ as _hinge_names
from deepbricks.metrics.metric import Metric
from deepbricks.metrics.probabilistic import *  # noqa: F403
from deepbricks.metrics.probabilistic import __all__ as _probabilistic_names
from deepbricks.metrics.reduction import Mean, MeanMetricWrapper, Sum
from deepbricks.metrics.regression import *  # noqa: F403
from deepbricks.metrics.regression import __all__ as _regression_names
from deepbricks.utils.serialization import from_class_config, unknown_name_message

_CLASS_NAMES = [
    *_accuracy_names, *_confusion_names, *_regression_names, *_probabilistic_names,
    *_hinge_names,
]  # fmt: skip
_ALIASES = {
    "acc": "Accuracy",
    "mse": "MeanSquaredError",
    "mae": "MeanAbsoluteError",
    "mape": "MeanAbsolutePercentageError",
    "msle": "MeanSquaredLogarithmicError",
    "bce": "BinaryCrossentropy",
    "kld": "KLDivergence",
    "logcosh": "LogCoshError",
}


def _registry():
    classes = {name: globals()[name] for name in _CLASS_NAMES}
    classes.update(Mean=Mean, Sum=Sum)
    found = dict(classes)
    found.update({snake_case(name): cls for name, cls in classes.items()})
    for alias, name in _ALIASES.items():
        found[alias] = classes[name]
        if alias != "acc":
            found[alias.upper()] = classes[name]
    return found


_REGISTRY = _registry()


def get(identifier):
    """Resolves a metric identifier to a Metric, named as Keras's History reports it.

    Args:
        identifier: a name (a class name such as ``'AUC'``, its snake_case form such as
            ``'top_k_categorical_accuracy'``, or an alias ``'acc' 'mse' 'mae' 'mape' 'msle'
            'bce' 'kld' 'logcosh'``); a config dict ``{'class_name': ..., 'config': {...}}``; a
            Metric class or instance; or a per-sample function (y_true, y_pred) -> values.

    Returns:
        A Metric: for a name, a new instance whose ``name`` is that string (as ``compile``
        reports it); for a function, a :class:`MeanMetricWrapper` named after it; an
        instance is returned as is. ``'accuracy'``/``'acc'`` give exact-match
        :class:`Accuracy` here; ``compile`` should call :func:`resolve_accuracy` for them.

    Raises:
        ValueError: for an unknown name, listing the known ones.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.get('mse'); type(m).__name__, m.name
        ('MeanSquaredError', 'mse')
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return _from_dict(identifier)
    if isinstance(identifier, str):
        if identifier not in _REGISTRY:
            raise ValueError(_unknown(identifier))
        return _REGISTRY[identifier](name=identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier) and not isinstance(identifier, type):
        return MeanMetricWrapper(identifier)
    raise ValueError(
        f"Could not interpret metric identifier {identifier!r}: expected a metric name, a "
        f"config dict, a Metric class or instance, or a function (y_true, y_pred) -> values."
    )


def _from_dict(config):
    classes = {name: globals()[name] for name in _CLASS_NAMES}
    classes.update(Mean=Mean, Sum=Sum, MeanMetricWrapper=MeanMetricWrapper)
    return from_class_config("metric", config, classes)


def _unknown(name):
    return unknown_name_message(
        "metric",
        "metrics",
        name,
        _REGISTRY,
        "A Metric instance or a function (y_true, y_pred) -> per-sample values also works.",
    )


def _loss_kind(loss):
    """'sparse', 'binary' or None for the loss a model is compiled with."""
    if loss is None or (isinstance(loss, str) and loss.lower() in ("crossentropy", "ce")):
        return None
    loss = _losses.get(loss)
    fn = getattr(loss, "fn", loss)
    if fn is _losses.sparse_categorical_crossentropy:
        return "sparse"
    if fn is _losses.binary_crossentropy:
        return "binary"
    return None


def resolve_accuracy(loss, y_true_shape, y_pred_shape, name="accuracy"):
    """The accuracy metric that ``compile(metrics=['accuracy'])`` means for this model.

    Sparse categorical accuracy for sparse categorical cross-entropy, binary accuracy for
    binary cross-entropy; for any other loss the shapes decide, as in Keras 3: binary when
    y_pred has a last dimension of 1, sparse when y_true has lower rank than y_pred or a last
    dimension of 1 against several classes, categorical otherwise.

    Args:
        loss: the compiled loss (a name, a Loss, a function or None).
        y_true_shape: shape of the targets (the batch size may be None).
        y_pred_shape: shape of the model's output.
        name: the name the user asked for ('accuracy' or 'acc'), reported in History.

    Returns:
        A BinaryAccuracy, SparseCategoricalAccuracy or CategoricalAccuracy named ``name``.

    Example:
        >>> from deepbricks import metrics
        >>> type(metrics.resolve_accuracy('mse', (None,), (None, 10))).__name__
        'SparseCategoricalAccuracy'
    """
    kind = _loss_kind(loss)
    if kind is None:
        y_true_shape, y_pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
        true_last = y_true_shape[-1] if y_true_shape else None
        pred_last = y_pred_shape[-1] if y_pred_shape else None
        if pred_last == 1:
            kind = "binary"
        elif len(y_true_shape) < len(y_pred_shape) or (
            true_last == 1 and pred_last is not None and pred_last > 1
        ):
            kind = "sparse"
    if kind == "binary":
        return BinaryAccuracy(name=name)
    if kind == "sparse":
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


__all__ = [
    *_CLASS_NAMES,
    *_function_names,
    "Mean",
    "MeanMetricWrapper",
    "Metric",
    "Sum",
    "binary_crossentropy",
    "categorical_crossentropy",
    "categorical_hinge",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "poisson",
    "resolve_accuracy",
    "sparse_categorical_crossentropy",
    "squared_hinge",
]
