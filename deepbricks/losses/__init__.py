"""Losses with Keras 3 names and semantics: per-sample functions, classes, and ``get``.

Functions (``mean_squared_error``, ``categorical_crossentropy``, ...) return one loss per
sample as a Tensor; classes (``MeanSquaredError``, ``CategoricalCrossentropy``, ...) add
sample weights and a reduction to a scalar. ``get`` turns what ``compile(loss=...)``
receives (a name such as ``'mse'``, a config dict, a class, a function or an instance)
into a loss.

Example:
    >>> import numpy as np
    >>> from deepbricks import losses
    >>> losses.get('mse') is losses.mean_squared_error
    True
    >>> float(losses.MeanAbsoluteError()(np.zeros(4), np.ones(4)))
    1.0
"""

from deepbricks.losses.classes import *  # noqa: F403
from deepbricks.losses.classes import __all__ as _class_names
from deepbricks.losses.functions import *  # noqa: F403
from deepbricks.losses.functions import EPSILON
from deepbricks.losses.functions import __all__ as _function_names
from deepbricks.losses.loss import Loss, reduce_weighted_values, squeeze_or_expand_to_same_rank
from deepbricks.utils.serialization import from_class_config, unknown_name_message

_SHORT = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
    "bce": "binary_crossentropy",
}
_ALIASES = {
    **_SHORT,
    **{short.upper(): name for short, name in _SHORT.items()},
    "kullback_leibler_divergence": "kl_divergence",
    "huber_loss": "huber",
    "logcosh": "log_cosh",
}


def _registry():
    found = {name: globals()[name] for name in _function_names}
    found.update({name: globals()[name] for name in _class_names if name != "LossFunctionWrapper"})
    for alias, name in _ALIASES.items():
        found[alias] = found[name]
    return found


_REGISTRY = _registry()


def get(identifier):
    """Resolves a loss identifier the way ``compile(loss=...)`` does.

    Args:
        identifier: None; a name (a function name such as ``'categorical_crossentropy'``, a
            short alias ``'mse' 'mae' 'mape' 'msle' 'kld' 'bce' 'huber_loss' 'logcosh'``, or
            a class name such as ``'Huber'``); a config dict
            ``{'class_name': ..., 'config': {...}}``; a Loss class; a Loss instance; or a
            function (y_true, y_pred) -> per-sample losses.

    Returns:
        A function for function names and aliases, an instance for class names, dicts and
        classes, the object itself for instances and functions, None for None.

    Raises:
        ValueError: for an unknown name, listing the known ones.

    Example:
        >>> from deepbricks import losses
        >>> losses.get({'class_name': 'Huber', 'config': {'delta': 2.0}}).get_config()['delta']
        2.0
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return _from_dict(identifier)
    if isinstance(identifier, str):
        if identifier not in _REGISTRY:
            raise ValueError(_unknown(identifier))
        found = _REGISTRY[identifier]
        return found() if isinstance(found, type) else found
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier) and not isinstance(identifier, type):
        return identifier
    raise ValueError(
        f"Could not interpret loss identifier {identifier!r}: expected a loss name, a config "
        f"dict, a Loss class or instance, or a function (y_true, y_pred) -> per-sample losses."
    )


def _from_dict(config):
    classes = {name: globals()[name] for name in _class_names}
    return from_class_config("loss", config, classes)


def _unknown(name):
    return unknown_name_message(
        "loss",
        "losses",
        name,
        _REGISTRY,
        "A Loss instance or a function (y_true, y_pred) -> per-sample losses also works.",
    )


__all__ = [
    *_function_names,
    *_class_names,
    "EPSILON",
    "Loss",
    "get",
    "reduce_weighted_values",
    "squeeze_or_expand_to_same_rank",
]
