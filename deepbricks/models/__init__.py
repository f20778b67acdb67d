"""Models: Model (functional or subclassed), Sequential, and load_model."""

from deepbricks.models.functional import Functional
from deepbricks.models.model import Model
from deepbricks.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential", "load_model"]


def load_model(filepath, custom_objects=None, compile=True):
    """Loads a model saved with ``model.save`` (architecture, weights, optimizer state)."""
    from deepbricks.saving import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile)
