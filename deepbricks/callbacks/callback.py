"""Callback: hooks called by fit/evaluate/predict, and CallbackList that calls them."""


class Callback:
    """Base class: override the ``on_*`` hooks you need. ``self.model`` is the model being
    trained and ``self.params`` holds ``epochs``, ``steps`` and ``verbose``."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        """Keras's older name; the default ``on_train_batch_begin`` calls it."""

    def on_batch_end(self, batch, logs=None):
        """Keras's older name; the default ``on_train_batch_end`` calls it."""

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass


_HOOKS = [name for name in vars(Callback) if name.startswith("on_")]


class CallbackList:
    """Calls every hook on each callback in order; adds History and the progress bar."""

    def __init__(self, callbacks=None, model=None, add_history=None, add_progbar=False,
                 verbose=1, epochs=1, steps=None, mode="train"):
        from deepbricks.callbacks.progbar_logger import ProgbarLogger

        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be Callback instances; received "
                                f"{type(cb).__name__}.")
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if add_history is not None:
            self.callbacks.append(add_history)
        params = {"epochs": epochs, "steps": steps, "verbose": verbose, "mode": mode}
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)

    def __getattr__(self, name):
        if name not in _HOOKS:
            raise AttributeError(name)

        def hook(*args, **kwargs):
            for cb in self.callbacks:
                getattr(cb, name)(*args, **kwargs)

        return hook
