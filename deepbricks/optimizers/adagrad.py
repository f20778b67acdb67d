"""Adagrad: per-coordinate steps that shrink with the sum of past squared gradients."""

import numpy as np

from deepbricks.optimizers.optimizer import Optimizer, _check_positive


class Adagrad(Optimizer):
    """Scales each coordinate by the root of its accumulated squared gradients (Duchi, 2011).

        s <- s + g^2                    (s starts at initial_accumulator_value)
        w <- w - lr * g / sqrt(s + eps)

    Args:
        learning_rate: default 0.001.
        initial_accumulator_value: starting value of s, default 0.1.
        epsilon: default 1e-7, added inside the square root.
        **kwargs: weight_decay, clipnorm, clipvalue, global_clipnorm, name (see Optimizer).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> from deepbricks import optimizers
        >>> w = db.Variable(np.array([1.0], 'float32'))
        >>> optimizers.Adagrad(learning_rate=0.1).apply([np.array([0.3], 'float32')], [w])
        >>> w.numpy()   # 1 - 0.1 * 0.3 / sqrt(0.1 + 0.09)
        array([0.9311753], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value = _check_positive(
            "Adagrad", "initial_accumulator_value", initial_accumulator_value,
            allow_none=False, allow_zero=True,
        )
        self.epsilon = _check_positive("Adagrad", "epsilon", epsilon, allow_none=False)

    def create_slots(self, variable):
        return {"accumulator": np.full_like(variable.data, self.initial_accumulator_value)}

    def update_step(self, grad, variable, learning_rate):
        s = self.slots(variable)["accumulator"]
        step = np.square(grad)
        s += step
        np.add(s, self.epsilon, out=step)
        np.sqrt(step, out=step)
        np.divide(grad, step, out=step)
        step *= learning_rate
        variable.data -= step

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
