"""deepbricks: a readable deep-learning framework over NumPy with a Keras-3-compatible API."""

from deepbricks import backend
from deepbricks.autograd import Tensor, Variable, enable_grad, no_grad
from deepbricks import ops

functional = ops

__version__ = "0.1.0"

__all__ = ["Tensor", "Variable", "backend", "enable_grad", "functional", "no_grad", "ops"]
