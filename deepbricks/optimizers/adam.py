"""Adam: momentum on the gradient and on its square, with bias correction."""

import math

import numpy as np

from deepbricks.optimizers.optimizer import Optimizer, _check_fraction, _check_positive


class Adam(Optimizer):
    """Adaptive moment estimation (Kingma & Ba, 2015), as Keras computes it.

    At step t = 1, 2, ... with m, v starting at zero:

        m <- b1 * m + (1 - b1) * g
        v <- b2 * v + (1 - b2) * g^2
        v_max <- max(v_max, v);  v <- v_max                  (amsgrad only)
        w <- w - lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)

    Epsilon is added before the bias correction (the paper's "eps hat").

    Args:
        learning_rate: default 0.001.
        beta_1: decay of the first moment, default 0.9.
        beta_2: decay of the second moment, default 0.999.
        epsilon: default 1e-7.
        amsgrad: use the running maximum of v (Reddi et al., 2018).
        **kwargs: weight_decay, clipnorm, clipvalue, global_clipnorm, name (see Optimizer).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> from deepbricks import optimizers
        >>> w = db.Variable(np.array([1.0, 1.0], 'float32'))
        >>> optimizers.Adam(learning_rate=0.1).apply([np.array([3.0, -0.5], 'float32')], [w])
        >>> w.numpy().round(4)   # the first step moves each coordinate by about lr * sign(g)
        array([0.9, 1.1], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        cls = type(self).__name__
        self.beta_1 = _check_fraction(cls, "beta_1", beta_1)
        self.beta_2 = _check_fraction(cls, "beta_2", beta_2)
        self.epsilon = _check_positive(cls, "epsilon", epsilon, allow_none=False)
        self.amsgrad = bool(amsgrad)

    def create_slots(self, variable):
        slots = {"momentum": np.zeros_like(variable.data), "velocity": np.zeros_like(variable.data)}
        if self.amsgrad:
            slots["velocity_hat"] = np.zeros_like(variable.data)
        return slots

    def update_step(self, grad, variable, learning_rate):
        slots, b1, b2 = self.slots(variable), self.beta_1, self.beta_2
        t = self.iterations + 1
        m, v = slots["momentum"], slots["velocity"]
        m *= b1
        m += (1.0 - b1) * grad
        step = np.square(grad)
        step *= 1.0 - b2
        v *= b2
        v += step
        if self.amsgrad:
            np.maximum(slots["velocity_hat"], v, out=slots["velocity_hat"])
            v = slots["velocity_hat"]
        np.sqrt(v, out=step)
        step += self.epsilon
        np.divide(m, step, out=step)
        step *= learning_rate * math.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        variable.data -= step

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Before each Adam step (see :class:`Adam`), every variable with a gradient, biases
    included, shrinks: w <- w * (1 - weight_decay * lr). Use ``exclude_from_weight_decay``
    to exempt some.

    Args:
        learning_rate: default 0.001.
        weight_decay: default 0.004.
        beta_1, beta_2, epsilon, amsgrad: as in :class:`Adam`.
        **kwargs: clipnorm, clipvalue, global_clipnorm, name (see Optimizer).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> from deepbricks import optimizers
        >>> w = db.Variable(np.array([2.0], 'float32'))
        >>> opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
        >>> opt.apply([np.array([0.0], 'float32')], [w]); w.numpy()   # 2 * (1 - 0.05)
        array([1.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, **kwargs):
        if weight_decay is None:
            raise ValueError(
                "AdamW: `weight_decay` must be a float (default 0.004). Received: "
                "weight_decay=None. Use Adam for no weight decay."
            )
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad,
                         weight_decay=weight_decay, **kwargs)
