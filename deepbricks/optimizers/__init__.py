"""Optimizers (Keras 3 names, defaults and update rules) and learning-rate schedules.

Example, a custom training loop:
    >>> import numpy as np
    >>> import deepbricks as db
        >>> from deepbricks import optimizers
    >>> w = db.Variable(np.array([3.0, -1.0], 'float32'), name='w')
    >>> opt = optimizers.get('adam')
    >>> for _ in range(3):
    ...     loss = (w * w).sum()
    ...     loss.backward()
    ...     opt.apply(trainable_variables=[w])
    ...     opt.zero_grad()
    >>> opt.iterations
    3
"""

from deepbricks.optimizers import schedules
from deepbricks.optimizers.adadelta import Adadelta
from deepbricks.optimizers.adagrad import Adagrad
from deepbricks.optimizers.adam import Adam, AdamW
from deepbricks.optimizers.adamax import Adamax
from deepbricks.optimizers.nadam import Nadam
from deepbricks.optimizers.optimizer import Optimizer
from deepbricks.optimizers.rmsprop import RMSprop
from deepbricks.optimizers.sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

_OPTIMIZERS = {cls.__name__.lower(): cls for cls in (SGD, RMSprop, Adagrad, Adadelta, Adam,
                                                       AdamW, Nadam, Adamax)}


def serialize(optimizer):
    """Returns ``{'class_name': ..., 'config': ...}`` for an optimizer (without its state)."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    """Rebuilds an optimizer from :func:`serialize`'s output (class names are case-blind)."""
    known = {**_OPTIMIZERS, **{k.lower(): v for k, v in (custom_objects or {}).items()}}
    name = config.get("class_name") if isinstance(config, dict) else None
    cls = known.get(str(name).lower())
    if cls is None:
        raise ValueError(
            f"Unknown optimizer {name!r}. Known: {', '.join(sorted(known))}; pass "
            f"custom_objects={{name: class}} for your own."
        )
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """Returns an optimizer from a name ('adam'), a config dict, a class or an instance.

    Args:
        identifier: ``'sgd'``, ``'rmsprop'``, ``'adagrad'``, ``'adadelta'``, ``'adam'``,
            ``'adamw'``, ``'nadam'``, ``'adamax'`` (any case, with default hyperparameters),
            ``{'class_name': 'Adam', 'config': {...}}``, an Optimizer subclass, or an
            Optimizer (returned as is).

    Raises:
        ValueError: for an unknown name, listing the known ones.

    Example:
        >>> from deepbricks import optimizers
        >>> optimizers.get('sgd').learning_rate
        0.01
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _OPTIMIZERS.get(identifier.lower())
        if cls is None:
            raise ValueError(
                f"Unknown optimizer {identifier!r}. Known optimizers: "
                f"{', '.join(sorted(_OPTIMIZERS))}."
            )
        return cls()
    raise ValueError(
        f"Could not interpret optimizer identifier {identifier!r}: expected a name such as "
        f"'adam', a config dict or an Optimizer instance."
    )
