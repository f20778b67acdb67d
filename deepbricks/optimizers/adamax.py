"""Adamax: Adam with the infinity norm in place of the second moment."""

import numpy as np

from deepbricks.optimizers.optimizer import Optimizer, _check_fraction, _check_positive


class Adamax(Optimizer):
    """Adam's infinity-norm variant (Kingma & Ba, 2015, section 7).

        m <- b1 * m + (1 - b1) * g
        u <- max(b2 * u, |g|)
        w <- w - lr * m / ((1 - b1^t) * (u + eps))

    Args:
        learning_rate: default 0.001.
        beta_1: default 0.9.
        beta_2: default 0.999.
        epsilon: default 1e-7.
        **kwargs: weight_decay, clipnorm, clipvalue, global_clipnorm, name (see Optimizer).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> from deepbricks import optimizers
        >>> w = db.Variable(np.array([1.0], 'float32'))
        >>> optimizers.Adamax(learning_rate=0.1).apply([np.array([-4.0], 'float32')], [w])
        >>> w.numpy()
        array([1.1], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = _check_fraction("Adamax", "beta_1", beta_1)
        self.beta_2 = _check_fraction("Adamax", "beta_2", beta_2)
        self.epsilon = _check_positive("Adamax", "epsilon", epsilon, allow_none=False)

    def create_slots(self, variable):
        return {"momentum": np.zeros_like(variable.data), "norm": np.zeros_like(variable.data)}

    def update_step(self, grad, variable, learning_rate):
        slots, b1 = self.slots(variable), self.beta_1
        m, u = slots["momentum"], slots["norm"]
        m *= b1
        m += (1.0 - b1) * grad
        step = np.abs(grad)
        u *= self.beta_2
        np.maximum(u, step, out=u)
        np.add(u, self.epsilon, out=step)
        np.divide(m, step, out=step)
        step *= learning_rate / (1.0 - b1 ** (self.iterations + 1))
        variable.data -= step

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
