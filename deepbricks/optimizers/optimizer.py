"""Optimizer: what every update rule shares (clipping, weight decay, slots, state).

A concrete optimizer writes two methods: ``create_slots(variable)``, the per-weight arrays it
keeps (momenta, running averages), and ``update_step(grad, variable, learning_rate)``, which
changes ``variable.data`` in place. Everything else lives here, in the order Keras 3 applies
it on each step:

1. drop the variables whose gradient is None,
2. clip the gradients (``clipnorm``, ``clipvalue`` or ``global_clipnorm``),
3. decay the weights: w <- w - weight_decay * lr * w,
4. ``update_step`` for each (gradient, variable) pair,
5. project through the variable's ``constraint``, if it has one,
6. ``iterations += 1``.

The learning rate of step ``iterations`` is read once per step, before any update, so a
schedule sees 0 on the first step.
"""

import math
import re
import warnings

import numpy as np

from deepbricks.autograd.tensor import Tensor
from deepbricks.optimizers import schedules


def _check_positive(owner, name, value, allow_none=True, allow_zero=False):
    if value is None and allow_none:
        return None
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if ok and math.isfinite(value) and (value > 0 or (allow_zero and value == 0)):
        return float(value)
    bound = ">= 0" if allow_zero else "> 0"
    raise ValueError(
        f"{owner}: `{name}` must be a finite number {bound}"
        f"{' or None' if allow_none else ''}. Received: {name}={value!r}"
    )


def _check_fraction(owner, name, value, closed_right=False):
    """A hyperparameter in [0, 1) (or [0, 1] with ``closed_right``), returned as a float."""
    inside = isinstance(value, (int, float, np.integer, np.floating)) and (
        0 <= value <= 1 if closed_right else 0 <= value < 1
    )
    if not inside or isinstance(value, bool):
        interval = "[0, 1]" if closed_right else "[0, 1)"
        raise ValueError(
            f"{owner}: `{name}` must be a float in {interval}. Received: {name}={value!r}"
        )
    return float(value)


class Optimizer:
    """Base class of the optimizers: subclasses write ``create_slots`` and ``update_step``.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` (called with ``iterations``) or a
            callable without arguments returning a float.
        weight_decay: decoupled weight decay (Loshchilov & Hutter); before each step every
            variable with a gradient becomes w <- w - weight_decay * lr * w.
        clipnorm: clips each gradient to this L2 norm: g <- g * c / max(||g||, c).
        clipvalue: clips each gradient element to [-clipvalue, clipvalue].
        global_clipnorm: clips all gradients together to this norm:
            g_i <- g_i * c / max(sqrt(sum_j ||g_j||^2), c).
        name: the optimizer's name (default: its class name in lower case).
        **kwargs: only the Keras 1/2 spelling ``lr=`` (deprecated) of ``learning_rate``.

    Attributes:
        iterations: the number of steps taken so far (0 before the first ``apply``).

    Example:
        >>> import numpy as np
        >>> import deepbricks as db
        >>> from deepbricks import optimizers
        >>> w = db.Variable(np.array([1.0, -2.0], 'float32'), name='w')
        >>> opt = optimizers.SGD(learning_rate=0.1)
        >>> (w * w).sum().backward()
        >>> opt.apply(trainable_variables=[w])   # uses w.grad = 2w
        >>> w.numpy(), opt.iterations
        (array([ 0.8, -1.6], dtype=float32), 1)
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, name=None, **kwargs):
        cls = type(self).__name__
        if "lr" in kwargs:
            warnings.warn(
                f"{cls}: `lr` is the Keras 1/2 name of `learning_rate`; use "
                f"learning_rate={kwargs['lr']!r}.",
                DeprecationWarning,
                stacklevel=3,
            )
            learning_rate = kwargs.pop("lr")
        if kwargs:
            raise TypeError(
                f"{cls} got unexpected keyword argument(s) {', '.join(sorted(kwargs))}. "
                f"Accepted: learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, "
                f"name and the optimizer's own hyperparameters (see help({cls}))."
            )
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        if sum(v is not None for v in clips.values()) > 1:
            raise ValueError(
                f"{cls}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        self.clipnorm, self.clipvalue, self.global_clipnorm = (
            _check_positive(cls, key, value) for key, value in clips.items()
        )
        self.weight_decay = _check_positive(cls, "weight_decay", weight_decay, allow_zero=True)
        self.name = name or cls.lower()
        self._learning_rate = None
        self.learning_rate = learning_rate
        self.iterations = 0
        self._variables = []  # in the order first seen; a variable's index keys its state
        self._index = {}  # id(variable) -> index; the list above keeps every id alive
        self._slots = []  # one dict of arrays per variable
        self._no_decay_ids = set()
        self._no_decay_pattern = None

    # -- learning rate ----------------------------------------------------------------------

    @property
    def learning_rate(self):
        """The learning rate of the next step, as a float (schedules are evaluated)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(self.iterations))
        if callable(lr):
            return float(lr())
        return lr

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, schedules.LearningRateSchedule) or callable(value):
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            raise TypeError(
                f"{type(self).__name__} was created with a LearningRateSchedule, so its learning "
                f"rate cannot be set to a number. Create it with a float learning_rate to "
                f"change the rate during training (e.g. with ReduceLROnPlateau)."
            )
        if isinstance(value, Tensor):
            value = value.data
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.item()
        self._learning_rate = _check_positive(
            type(self).__name__, "learning_rate", value, allow_none=False, allow_zero=True
        )

    # -- variables and slots ----------------------------------------------------------------

    def create_slots(self, variable):
        """Returns the arrays this optimizer keeps for ``variable``, by name (none here)."""
        return {}

    def update_step(self, grad, variable, learning_rate):
        """Updates ``variable.data`` in place from ``grad`` (an array of the same dtype)."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step.")

    def build(self, variables):
        """Creates the slots of every variable not seen before, in the order given."""
        for position, variable in enumerate(variables):
            if id(variable) in self._index:
                continue
            if not isinstance(variable, Tensor) or not np.issubdtype(variable.dtype, np.floating):
                what = (
                    f"dtype {variable.dtype}" if isinstance(variable, Tensor)
                    else type(variable).__name__
                )
                raise TypeError(
                    f"{type(self).__name__} updates floating-point deepbricks Variables (or "
                    f"Tensors); item {position} of the variables is {what}. Pass "
                    f"model.trainable_weights, or wrap arrays in deepbricks.Variable."
                )
            self._index[id(variable)] = len(self._variables)
            self._variables.append(variable)
            self._slots.append(self.create_slots(variable))

    def slots(self, variable):
        """The dict of slot arrays of ``variable`` (built on first use)."""
        return self._slots[self._index[id(variable)]]

    @property
    def updated_variables(self):
        """The variables this optimizer keeps state for, in the order of ``get_state()``'s
        indices (the order it first saw them)."""
        return list(self._variables)

    def zero_grad(self):
        """Resets the ``.grad`` of every variable this optimizer has updated."""
        for variable in self._variables:
            variable.grad = None

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempts variables from weight decay: those in ``var_list``, and those whose name
        or path contains one of the strings in ``var_names`` (e.g. ``['bias', 'gamma']``)."""
        self._no_decay_ids = {id(v) for v in var_list or ()}
        self._no_decay_pattern = (
            re.compile("|".join(re.escape(n) for n in var_names)) if var_names else None
        )

    def _decays(self, variable):
        if id(variable) in self._no_decay_ids:
            return False
        if self._no_decay_pattern is None:
            return True
        label = f"{variable.name or ''} {getattr(variable, 'path', None) or ''}"
        return self._no_decay_pattern.search(label) is None

    # -- one step ---------------------------------------------------------------------------

    def apply(self, grads=None, trainable_variables=None):
        """Takes one optimization step.

        Args:
            grads: one gradient per variable (arrays or Tensors; None skips a variable), or
                None to use each variable's ``.grad`` (after ``loss.backward()``).
            trainable_variables: the variables to update. May be omitted when ``grads`` is
                given and the optimizer was built: the gradients then follow the order in
                which ``build`` (or earlier steps) first saw the variables.
        """
        cls = type(self).__name__
        if trainable_variables is None:
            if grads is None or not self._variables:
                raise ValueError(
                    f"{cls}.apply needs trainable_variables (e.g. model.trainable_weights) "
                    f"unless it is given grads and was built on variables before."
                )
            variables = self._variables
        else:
            variables = list(trainable_variables)
        if grads is None:
            grads = [v.grad if isinstance(v, Tensor) else None for v in variables]
        else:
            grads = list(grads)
            if len(grads) != len(variables):
                raise ValueError(
                    f"{cls}.apply received {len(grads)} gradients for {len(variables)} "
                    f"variables; pass exactly one gradient (or None) per variable."
                )
        self.build(variables)
        pairs = [
            (self._as_array(g, v), v)
            for g, v in zip(grads, variables, strict=True)
            if g is not None
        ]
        if pairs:
            grads = self._clip([g for g, _ in pairs])
            learning_rate = self.learning_rate
            if self.weight_decay:
                shrink = 1.0 - self.weight_decay * learning_rate
                for _, variable in pairs:
                    if self._decays(variable):
                        variable.data *= shrink
            for grad, (_, variable) in zip(grads, pairs, strict=True):
                self.update_step(grad, variable, learning_rate)
            for _, variable in pairs:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.data[...] = constraint(variable.data)
        self.iterations += 1

    def apply_gradients(self, grads_and_vars):
        """Same as ``apply(grads, variables)`` from a list of (gradient, variable) pairs.

        Returns:
            ``iterations`` after the step.
        """
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self.iterations

    def _as_array(self, grad, variable):
        grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad)
        if grad.shape != variable.shape:
            raise ValueError(
                f"{type(self).__name__}: the gradient of variable "
                f"'{getattr(variable, 'path', None) or variable.name}' has shape {grad.shape}, "
                f"but the variable has shape {variable.shape}. Pass gradients in the same "
                f"order as the variables."
            )
        return grad if grad.dtype == variable.dtype else grad.astype(variable.dtype)

    def _clip(self, grads):
        if self.clipnorm is not None:
            scales = [self.clipnorm / max(_norm(g), self.clipnorm) for g in grads]
            return [g if s == 1.0 else g * s for g, s in zip(grads, scales, strict=True)]
        if self.global_clipnorm is not None:
            norm = math.sqrt(sum(_norm(g) ** 2 for g in grads))
            scale = self.global_clipnorm / max(norm, self.global_clipnorm)
            return grads if scale == 1.0 else [g * scale for g in grads]
        if self.clipvalue is not None:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    # -- state and config -------------------------------------------------------------------

    def get_state(self):
        """A snapshot of everything needed to resume training exactly.

        Returns:
            A dict of arrays: ``'iterations'``, ``'learning_rate'`` (when it is a float, since
            callbacks may have changed it) and ``'<i>/<slot>'`` for the slots of variable
            ``i`` (in the order the optimizer first saw the variables).
        """
        state = {"iterations": np.array(self.iterations, dtype=np.int64)}
        if not callable(self._learning_rate):
            state["learning_rate"] = np.array(self._learning_rate, dtype=np.float64)
        for index, slots in enumerate(self._slots):
            for name, array in slots.items():
                state[f"{index}/{name}"] = array.copy()
        return state

    def set_state(self, state, variables):
        """Restores a ``get_state()`` snapshot onto ``variables`` (in the same order).

        Raises:
            ValueError: when keys or shapes do not match the slots of these variables.
        """
        cls = type(self).__name__
        self._variables, self._index, self._slots = [], {}, []
        self.build(list(variables))
        expected = {"iterations"} | {
            f"{i}/{name}" for i, slots in enumerate(self._slots) for name in slots
        }
        given = set(state) - {"learning_rate"}
        if given != expected:
            missing, extra = sorted(expected - given), sorted(given - expected)
            raise ValueError(
                f"{cls}.set_state: the state does not fit these {len(self._variables)} "
                f"variables (missing keys {missing}, unexpected keys {extra}). Pass the same "
                f"variables, in the same order, to an optimizer configured like the saved one."
            )
        for index, slots in enumerate(self._slots):
            for name, array in slots.items():
                saved = np.asarray(state[f"{index}/{name}"])
                if saved.shape != array.shape:
                    raise ValueError(
                        f"{cls}.set_state: slot '{index}/{name}' has shape {saved.shape}, but "
                        f"variable {index} has shape {array.shape}."
                    )
                np.copyto(array, saved, casting="same_kind")
        self.iterations = int(state["iterations"])
        if "learning_rate" in state and not callable(self._learning_rate):
            self.learning_rate = float(state["learning_rate"])

    def get_config(self):
        """The constructor arguments, JSON-serializable (a schedule as its config dict)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        elif callable(lr):
            raise ValueError(
                f"{type(self).__name__}.get_config cannot serialize a learning rate given as a "
                f"plain callable ({lr!r}); use a LearningRateSchedule subclass."
            )
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
        }

    @classmethod
    def from_config(cls, config):
        """Creates an optimizer (without state) from ``get_config()``'s output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} learning_rate={self._learning_rate!r}>"


def _norm(array):
    flat = array.reshape(-1)
    return math.sqrt(float(np.dot(flat, flat)))
