"""Nadam: Adam with Nesterov momentum."""

import numpy as np

from deepbricks.optimizers.optimizer import Optimizer, _check_fraction, _check_positive


class Nadam(Optimizer):
    """Adam with a Nesterov look-ahead on the first moment (Dozat, 2016), as Keras computes it.

    With the momentum schedule u_t = b1 * (1 - 0.5 * 0.96^t) and P_t = u_1 * ... * u_t:

        m <- b1 * m + (1 - b1) * g
        v <- b2 * v + (1 - b2) * g^2
        m_hat = u_{t+1} * m / (1 - P_{t+1}) + (1 - u_t) * g / (1 - P_t)
        v_hat = v / (1 - b2^t)
        w <- w - lr * m_hat / (sqrt(v_hat) + eps)

    Args:
        learning_rate: default 0.001.
        beta_1: default 0.9.
        beta_2: default 0.999.
        epsilon: default 1e-7 (added after the bias correction, unlike Adam).
        **kwargs: weight_decay, clipnorm, clipvalue, global_clipnorm, name (see Optimizer).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> from deepbricks import optimizers
        >>> w = db.Variable(np.array([1.0], 'float32'))
        >>> optimizers.Nadam(learning_rate=0.1).apply([np.array([2.0], 'float32')], [w])
        >>> w.numpy().round(4)
        array([0.8937], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = _check_fraction("Nadam", "beta_1", beta_1)
        self.beta_2 = _check_fraction("Nadam", "beta_2", beta_2)
        self.epsilon = _check_positive("Nadam", "epsilon", epsilon, allow_none=False)
        self._product = (0, 1.0)  # (t, P_t), extended by one factor per step

    def _u(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96**t)

    def _u_product(self, t):
        """P_t = u_1 * ... * u_t, kept incrementally (recomputed after set_state)."""
        known_t, known = self._product
        if known_t == t - 1:
            self._product = (t, known * self._u(t))
        elif known_t != t:
            self._product = (t, float(np.prod(self._u(np.arange(1, t + 1, dtype=np.float64)))))
        return self._product[1]

    def create_slots(self, variable):
        return {"momentum": np.zeros_like(variable.data), "velocity": np.zeros_like(variable.data)}

    def update_step(self, grad, variable, learning_rate):
        slots, b1, b2 = self.slots(variable), self.beta_1, self.beta_2
        t = self.iterations + 1
        u_t, u_next = self._u(t), self._u(t + 1)
        product = self._u_product(t)
        m, v = slots["momentum"], slots["velocity"]
        m *= b1
        m += (1.0 - b1) * grad
        step = np.square(grad)
        step *= 1.0 - b2
        v *= b2
        v += step
        m_hat = m * (u_next / (1.0 - product * u_next))
        m_hat += grad * ((1.0 - u_t) / (1.0 - product))
        np.multiply(v, 1.0 / (1.0 - b2**t), out=step)
        np.sqrt(step, out=step)
        step += self.epsilon
        np.divide(m_hat, step, out=step)
        step *= learning_rate
        variable.data -= step

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
