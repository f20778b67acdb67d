"""Variable: a Tensor that is a layer's weight (Keras's ``keras.Variable``)."""

import numpy as np

from deepbricks.autograd.tensor import Tensor


class Variable(Tensor):
    """A named, assignable weight. Trainable variables require gradients.

    Args:
        value: initial array.
        name: short name, e.g. ``'kernel'``.
        trainable: whether optimizers update it (sets ``requires_grad``).
        path: full name including the owning layer, e.g. ``'fc1/kernel'``.
        regularizer: optional callable Tensor -> scalar Tensor, added to the training loss.
        constraint: optional callable array -> array, applied after each optimizer update.

    Example:
        >>> import numpy as np
        >>> from deepbricks.autograd import Variable
        >>> v = Variable(np.zeros(3, 'float32'), name='bias')
        >>> v.assign([1, 2, 3]); v.numpy()
        array([1., 2., 3.], dtype=float32)
    """

    __slots__ = ("path", "_trainable", "regularizer", "constraint")

    def __init__(self, value, name=None, trainable=True, path=None, dtype=None,
                 regularizer=None, constraint=None):
        # A weight owns its array (optimizers update it in place), as Keras copies too.
        value = value.data if isinstance(value, Tensor) else value
        if isinstance(value, np.ndarray):
            value = value.copy()
        super().__init__(value, requires_grad=False, dtype=dtype, name=name)
        self._trainable = self.requires_grad = bool(trainable)
        self.path = path or name
        self.regularizer = regularizer
        self.constraint = constraint

    @property
    def trainable(self):
        """Whether optimizers update this weight. A frozen layer turns off only
        ``requires_grad``, so unfreezing it restores each weight's own setting."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = self.requires_grad = bool(value)

    @property
    def value(self):
        return self.data

    def assign(self, value):
        """Overwrites the values in place (shape and dtype are kept)."""
        value = np.asarray(value.data if isinstance(value, Tensor) else value)
        if value.shape != self.data.shape:
            raise ValueError(
                f"Variable '{self.path}' has shape {self.data.shape}; cannot assign a value of "
                f"shape {value.shape}."
            )
        self.data[...] = value

    def assign_add(self, delta):
        self.data += np.asarray(delta.data if isinstance(delta, Tensor) else delta, self.dtype)

    def assign_sub(self, delta):
        self.data -= np.asarray(delta.data if isinstance(delta, Tensor) else delta, self.dtype)

    def __repr__(self):
        return f"<Variable path={self.path} shape={self.shape} dtype={self.dtype}>"
