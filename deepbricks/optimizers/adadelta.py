"""Adadelta: steps whose units come from a running average of past steps."""

import numpy as np

from deepbricks.optimizers.optimizer import Optimizer, _check_fraction, _check_positive


class Adadelta(Optimizer):
    """Scales steps by the ratio of two running RMS values (Zeiler, 2012).

        s <- rho * s + (1 - rho) * g^2
        d <- -sqrt(u + eps) / sqrt(s + eps) * g
        u <- rho * u + (1 - rho) * d^2
        w <- w + lr * d

    Args:
        learning_rate: default 0.001 (Keras 3; the paper's 1.0 corresponds to lr=1.0).
        rho: decay of both running averages, default 0.95.
        epsilon: default 1e-7.
        **kwargs: weight_decay, clipnorm, clipvalue, global_clipnorm, name (see Optimizer).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> from deepbricks import optimizers
        >>> w = db.Variable(np.array([1.0], 'float32'))
        >>> optimizers.Adadelta(learning_rate=1.0).apply([np.array([1.0], 'float32')], [w])
        >>> w.numpy()   # 1 - sqrt(1e-7) / sqrt(0.05 + 1e-7)
        array([0.99858576], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = _check_fraction("Adadelta", "rho", rho)
        self.epsilon = _check_positive("Adadelta", "epsilon", epsilon, allow_none=False)

    def create_slots(self, variable):
        return {
            "accumulated_grad": np.zeros_like(variable.data),
            "accumulated_delta_var": np.zeros_like(variable.data),
        }

    def update_step(self, grad, variable, learning_rate):
        slots, rho, eps = self.slots(variable), self.rho, self.epsilon
        s, u = slots["accumulated_grad"], slots["accumulated_delta_var"]
        scratch = np.square(grad)
        scratch *= 1.0 - rho
        s *= rho
        s += scratch
        # ``step`` holds -d: g * sqrt(u + eps) / sqrt(s + eps).
        step = np.add(u, eps)
        np.sqrt(step, out=step)
        step *= grad
        np.add(s, eps, out=scratch)
        np.sqrt(scratch, out=scratch)
        step /= scratch
        np.square(step, out=scratch)
        scratch *= 1.0 - rho
        u *= rho
        u += scratch
        step *= learning_rate
        variable.data -= step

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
