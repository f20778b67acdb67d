"""Callbacks with Keras names: hooks into fit/evaluate/predict."""

from deepbricks.callbacks.callback import Callback, CallbackList
from deepbricks.callbacks.history import History
from deepbricks.callbacks.progbar_logger import ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
