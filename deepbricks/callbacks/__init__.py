"""Callbacks with Keras names: hooks into fit/evaluate/predict."""

from deepbricks.callbacks.callback import Callback, CallbackList
from deepbricks.callbacks.csv_logger import CSVLogger
from deepbricks.callbacks.early_stopping import EarlyStopping
from deepbricks.callbacks.history import History
from deepbricks.callbacks.lambda_callback import LambdaCallback
from deepbricks.callbacks.learning_rate_scheduler import LearningRateScheduler
from deepbricks.callbacks.model_checkpoint import ModelCheckpoint
from deepbricks.callbacks.progbar_logger import ProgbarLogger
from deepbricks.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from deepbricks.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger", "ReduceLROnPlateau",
           "TerminateOnNaN"]
