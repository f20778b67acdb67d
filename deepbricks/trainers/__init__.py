"""Training machinery: the Trainer mixin of Model and the batching of data."""

from deepbricks.trainers.trainer import Trainer

__all__ = ["Trainer"]
