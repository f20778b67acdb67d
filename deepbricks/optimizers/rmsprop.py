"""RMSprop: steps scaled by a running root-mean-square of the gradients."""

import numpy as np

from deepbricks.optimizers.optimizer import Optimizer, _check_fraction, _check_positive


class RMSprop(Optimizer):
    """Divides each step by a moving root mean square of recent gradients (Hinton, 2012).

        v <- rho * v + (1 - rho) * g^2
        a <- rho * a + (1 - rho) * g                      (centered only)
        d <- lr * g / sqrt(v + eps)                       (or sqrt(v - a^2 + eps) if centered)
        w <- w - d                                        (momentum = 0)
        p <- momentum * p + d;  w <- w - p                (momentum > 0)

    Epsilon is added inside the square root, as in Keras.

    Args:
        learning_rate: default 0.001.
        rho: decay of the moving average of squared gradients, default 0.9.
        momentum: default 0.0.
        epsilon: default 1e-7.
        centered: normalize by the estimated variance instead of the second moment.
        **kwargs: weight_decay, clipnorm, clipvalue, global_clipnorm, name (see Optimizer).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> from deepbricks import optimizers
        >>> w = db.Variable(np.array([1.0], 'float32'))
        >>> optimizers.RMSprop(learning_rate=0.01).apply([np.array([2.0], 'float32')], [w])
        >>> w.numpy()   # first step: lr * g / sqrt(0.1 g^2) = 0.01 * sqrt(10)
        array([0.96837723], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = _check_fraction("RMSprop", "rho", rho)
        self.momentum = _check_fraction("RMSprop", "momentum", momentum, closed_right=True)
        self.epsilon = _check_positive("RMSprop", "epsilon", epsilon, allow_none=False)
        self.centered = bool(centered)

    def create_slots(self, variable):
        slots = {"velocity": np.zeros_like(variable.data)}
        if self.momentum:
            slots["momentum"] = np.zeros_like(variable.data)
        if self.centered:
            slots["average_gradient"] = np.zeros_like(variable.data)
        return slots

    def update_step(self, grad, variable, learning_rate):
        slots, rho = self.slots(variable), self.rho
        v = slots["velocity"]
        step = np.square(grad)
        step *= 1.0 - rho
        v *= rho
        v += step
        if self.centered:
            a = slots["average_gradient"]
            a *= rho
            a += (1.0 - rho) * grad
            np.square(a, out=step)
            np.subtract(v, step, out=step)
            step += self.epsilon
        else:
            np.add(v, self.epsilon, out=step)
        np.sqrt(step, out=step)
        np.divide(grad, step, out=step)
        step *= learning_rate
        if self.momentum:
            p = slots["momentum"]
            p *= self.momentum
            p += step
            step = p
        variable.data -= step

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
