"""LambdaCallback: a callback made of plain functions."""

from deepbricks.callbacks.callback import Callback

_HOOKS = sorted(name for name in vars(Callback) if name.startswith("on_"))
# Keras's older names of the training-batch hooks, still accepted by Keras 3.
_ALIASES = {"on_batch_begin": "on_train_batch_begin", "on_batch_end": "on_train_batch_end"}
# Hooks called with an epoch or batch index before the logs; the others get only the logs.
_INDEXED = {name for name in _HOOKS if "epoch" in name or "batch" in name}


def _hook(function, indexed):
    # fit() may call a hook without logs; the user's function always receives them.
    if indexed:
        def call(index, logs=None):
            function(index, logs)
    else:
        def call(logs=None):
            function(logs)
    return call


class LambdaCallback(Callback):
    """Builds a callback from functions, one per hook. Hooks with an index get
    ``(epoch, logs)`` or ``(batch, logs)``; the others (``on_train_begin``,
    ``on_train_end``, ...) get ``(logs)``. Any hook of :class:`Callback` may be given by
    name as a keyword argument, e.g. ``on_test_end=...``.

    Args:
        on_epoch_begin, on_epoch_end: called with (epoch, logs).
        on_train_begin, on_train_end: called with (logs).
        on_train_batch_begin, on_train_batch_end: called with (batch, logs).
        **kwargs: other hooks (on_test_begin, on_predict_batch_end, ...); on_batch_begin
            and on_batch_end are Keras's other names of the training-batch hooks.

    Example:
        >>> import numpy as np, deepbricks as db
        >>> model = db.Sequential([db.layers.Dense(1, input_shape=(3,))])
        >>> model.compile('sgd', 'mse')
        >>> seen = []
        >>> log = db.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
        >>> _ = model.fit(np.ones((8, 3)), np.zeros((8, 1)), epochs=3, verbose=0,
        ...               callbacks=[log])
        >>> seen
        [0, 1, 2]
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        unknown = sorted(set(kwargs) - set(_HOOKS) - set(_ALIASES))
        if unknown:
            raise TypeError(f"LambdaCallback got unknown hook names {unknown}. "
                            f"Accepted: {', '.join(_HOOKS + sorted(_ALIASES))}.")
        functions = dict(kwargs, on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                         on_train_begin=on_train_begin, on_train_end=on_train_end,
                         on_train_batch_begin=on_train_batch_begin,
                         on_train_batch_end=on_train_batch_end)
        for alias, name in _ALIASES.items():
            function = functions.pop(alias, None)
            if function is not None and functions[name] is not None:
                raise TypeError(f"LambdaCallback: `{alias}` and `{name}` name the same hook; "
                                f"pass only one of them.")
            functions[name] = functions[name] if function is None else function
        for name, function in functions.items():
            if function is None:
                continue
            if not callable(function):
                raise TypeError(f"LambdaCallback: `{name}` must be a function. "
                                f"Received: {name}={function!r}")
            setattr(self, name, _hook(function, name in _INDEXED))
