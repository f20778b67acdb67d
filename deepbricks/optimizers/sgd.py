"""Stochastic gradient descent, with optional (Nesterov) momentum."""

import numpy as np

from deepbricks.optimizers.optimizer import Optimizer, _check_fraction


class SGD(Optimizer):
    """Gradient descent with momentum.

    Without momentum: w <- w - lr * g. With momentum m, a velocity v (zeros at first):

        v <- m * v - lr * g
        w <- w + v                      (nesterov=False)
        w <- w + m * v - lr * g         (nesterov=True, with the new v)

    Args:
        learning_rate: step size (float or schedule), default 0.01.
        momentum: m in [0, 1], default 0 (plain gradient descent).
        nesterov: use Nesterov momentum.
        **kwargs: weight_decay, clipnorm, clipvalue, global_clipnorm, name (see Optimizer).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> from deepbricks import optimizers
        >>> w = db.Variable(np.array([1.0], 'float32'))
        >>> opt = optimizers.SGD(learning_rate=0.1, momentum=0.9)
        >>> opt.apply([np.array([1.0], 'float32')], [w]); w.numpy()
        array([0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.momentum = _check_fraction("SGD", "momentum", momentum, closed_right=True)
        self.nesterov = bool(nesterov)

    def create_slots(self, variable):
        return {"momentum": np.zeros_like(variable.data)} if self.momentum else {}

    def update_step(self, grad, variable, learning_rate):
        w = variable.data
        if not self.momentum:
            w -= learning_rate * grad
            return
        v = self.slots(variable)["momentum"]
        step = learning_rate * grad
        v *= self.momentum
        v -= step
        if self.nesterov:
            w += self.momentum * v
            w -= step
        else:
            w += v

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
