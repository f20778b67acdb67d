"""Learning-rate schedules: the learning rate as a function of the optimizer's step.

An optimizer created with a schedule calls it with ``iterations`` (0 on the first step)
before each update. Schedules also take arrays of steps, which is handy for plotting one:
``ExponentialDecay(0.1, 100, 0.5)(np.arange(500))``.
"""

import math

import numpy as np

__all__ = [
    "CosineDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]


def _result(value, step):
    return float(value) if np.ndim(step) == 0 else value


def _check_decay_steps(cls, decay_steps):
    if not isinstance(decay_steps, (int, float, np.integer, np.floating)) or not decay_steps > 0:
        raise ValueError(f"{cls}: `decay_steps` must be > 0. Received: decay_steps={decay_steps!r}")


class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config()``."""

    def __call__(self, step):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step).")

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} must implement get_config().")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class ExponentialDecay(LearningRateSchedule):
    """lr(step) = initial_learning_rate * decay_rate ^ (step / decay_steps).

    With ``staircase=True`` the exponent is floor(step / decay_steps): the rate drops in
    steps every ``decay_steps`` updates.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: number of steps over which the rate is multiplied by ``decay_rate``.
        decay_rate: the factor per ``decay_steps``.
        staircase: decay in discrete intervals.
        name: kept in the config.

    Example:
        >>> from deepbricks.optimizers.schedules import ExponentialDecay
        >>> ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20)
        0.025
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        _check_decay_steps("ExponentialDecay", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = np.asarray(step, dtype=np.float64) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return _result(self.initial_learning_rate * np.power(self.decay_rate, p), step)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate between boundaries.

    lr = values[0] for step <= boundaries[0], values[i] for boundaries[i-1] < step <=
    boundaries[i], and values[-1] for step > boundaries[-1].

    Args:
        boundaries: increasing steps, one fewer than ``values``.
        values: the rates.
        name: kept in the config.

    Example:
        >>> from deepbricks.optimizers.schedules import PiecewiseConstantDecay
        >>> schedule = PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
        >>> schedule(100), schedule(101), schedule(500)
        (1.0, 0.5, 0.1)
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"PiecewiseConstantDecay: `boundaries` must have one element fewer than "
                f"`values`. Received: boundaries={boundaries} of length {len(boundaries)} and "
                f"values={values} of length {len(values)}."
            )
        if any(b >= c for b, c in zip(boundaries, boundaries[1:], strict=False)):
            raise ValueError(
                f"PiecewiseConstantDecay: `boundaries` must be strictly increasing. "
                f"Received: boundaries={boundaries}"
            )
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def __call__(self, step):
        index = np.searchsorted(self.boundaries, step, side="left")
        return _result(np.asarray(self.values, dtype=np.float64)[index], step)

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """A polynomial ramp from the initial to the end rate over ``decay_steps``.

    lr = (initial - end) * (1 - s / decay_steps) ^ power + end, with s = min(step,
    decay_steps). With ``cycle=True`` the ramp restarts instead of staying at ``end``:
    decay_steps is multiplied by ceil(step / decay_steps) and s = step.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: length of the ramp.
        end_learning_rate: default 0.0001.
        power: default 1.0 (linear).
        cycle: restart the ramp after ``decay_steps``.
        name: kept in the config.

    Example:
        >>> from deepbricks.optimizers.schedules import PolynomialDecay
        >>> PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0)(5)
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        _check_decay_steps("PolynomialDecay", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        s = np.asarray(step, dtype=np.float64)
        if self.cycle:
            decay_steps = self.decay_steps * np.maximum(np.ceil(s / self.decay_steps), 1.0)
        else:
            s, decay_steps = np.minimum(s, self.decay_steps), self.decay_steps
        span = self.initial_learning_rate - self.end_learning_rate
        return _result(span * (1.0 - s / decay_steps) ** self.power + self.end_learning_rate, step)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps).

    With ``staircase=True``, step / decay_steps is rounded down.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: the time scale of the decay.
        decay_rate: how fast the rate falls.
        staircase: decay in discrete intervals.
        name: kept in the config.

    Example:
        >>> from deepbricks.optimizers.schedules import InverseTimeDecay
        >>> InverseTimeDecay(1.0, decay_steps=10, decay_rate=0.5)(20)
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        _check_decay_steps("InverseTimeDecay", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = np.asarray(step, dtype=np.float64) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return _result(self.initial_learning_rate / (1.0 + self.decay_rate * p), step)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine annealing (Loshchilov & Hutter, 2017), optionally after a linear warmup.

    Without warmup, with s = min(step, decay_steps):
        lr = initial * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha).
    With ``warmup_target``, the rate first rises linearly from ``initial_learning_rate`` to
    ``warmup_target`` over ``warmup_steps``, then decays from ``warmup_target`` as above over
    the next ``decay_steps``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: length of the cosine decay.
        alpha: the final rate as a fraction of the decayed-from rate, default 0.
        name: kept in the config.
        warmup_target: the rate reached at the end of warmup (None: no warmup).
        warmup_steps: length of the warmup.

    Example:
        >>> from deepbricks.optimizers.schedules import CosineDecay
        >>> schedule = CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=10)
        >>> round(schedule(5), 6), round(schedule(60), 6), schedule(1000)
        (0.05, 0.05, 0.0)
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        _check_decay_steps("CosineDecay", decay_steps)
        if warmup_steps < 0:
            raise ValueError(
                f"CosineDecay: `warmup_steps` must be >= 0. Received: warmup_steps={warmup_steps!r}"
            )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, s, start):
        cosine = 0.5 * (1.0 + np.cos(math.pi * s / self.decay_steps))
        return start * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        s = np.asarray(step, dtype=np.float64)
        if self.warmup_target is None:
            lr = self._decay(np.minimum(s, self.decay_steps), self.initial_learning_rate)
            return _result(lr, step)
        s = np.minimum(s, self.decay_steps + self.warmup_steps)
        decay = self._decay(np.maximum(s - self.warmup_steps, 0.0), self.warmup_target)
        if not self.warmup_steps:
            return _result(decay, step)
        rise = self.warmup_target - self.initial_learning_rate
        warmup = self.initial_learning_rate + rise * s / self.warmup_steps
        return _result(np.where(s < self.warmup_steps, warmup, decay), step)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


_SCHEDULES = {
    cls.__name__: cls
    for cls in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
                CosineDecay)
}


def serialize(schedule):
    """Returns ``{'class_name': ..., 'config': ...}`` for a schedule."""
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config, custom_objects=None):
    """Rebuilds a schedule from :func:`serialize`'s output.

    Args:
        config: ``{'class_name': name, 'config': dict}``.
        custom_objects: optional ``{name: class}`` for user-defined schedules.
    """
    known = {**_SCHEDULES, **(custom_objects or {})}
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in known:
        raise ValueError(
            f"Unknown learning-rate schedule {name!r} in {config!r}. Known: "
            f"{', '.join(sorted(known))}; pass custom_objects={{name: class}} for your own."
        )
    return known[name].from_config(config.get("config", {}))
