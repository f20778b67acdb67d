"""The automatic-differentiation engine: Tensor, Variable, Function, the graph walk, checks."""

from deepbricks.autograd.function import Function
from deepbricks.autograd.gradcheck import GradcheckError, gradcheck, numerical_grad
from deepbricks.autograd.graph import enable_grad, is_grad_enabled, no_grad
from deepbricks.autograd.tensor import Tensor
from deepbricks.autograd.variable import Variable

__all__ = [
    "Function",
    "GradcheckError",
    "Tensor",
    "Variable",
    "enable_grad",
    "gradcheck",
    "is_grad_enabled",
    "no_grad",
    "numerical_grad",
]
