"""Concatenate: joins a list of inputs along one axis."""

from deepbricks import ops
from deepbricks.layers.layer import Layer


class Concatenate(Layer):
    """Joins the inputs along ``axis``; every other axis must have the same size.

    Args:
        axis: the axis to join along (default -1, the features or channels).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Concatenate()([np.ones((2, 3), 'float32'), np.ones((2, 5), 'float32')]).shape
        (2, 8)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise ValueError(f"Concatenate: `axis` must be an int. Received: axis={axis!r}")
        self.axis = axis
        self.supports_masking = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"Concatenate '{self.name}' joins a list of inputs, e.g. layer([x1, x2]). "
                f"Received: a single input of shape {getattr(inputs, 'shape', None)}."
            )
        self.compute_output_shape([x.shape for x in inputs])
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        if not input_shape or not all(isinstance(s, (tuple, list)) for s in input_shape):
            raise ValueError(
                f"Concatenate '{self.name}' joins a list of inputs, e.g. layer([x1, x2]). "
                f"Received input shape {input_shape}."
            )
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        problem = None
        if any(len(s) != rank for s in shapes):
            problem = "inputs of the same rank"
        elif not -rank <= self.axis < rank:
            problem = f"inputs that have an axis {self.axis}"
        elif any(len(set(sizes) - {None}) > 1
                 for i, sizes in enumerate(zip(*shapes, strict=True)) if i != self.axis % rank):
            problem = f"inputs whose sizes match on every axis except axis {self.axis}"
        if problem:
            raise ValueError(
                f"Concatenate '{self.name}' needs {problem}; received shapes {shapes}."
            )
        axis = self.axis % rank
        joined = [s[axis] for s in shapes]
        out = [next((d for d in sizes if d is not None), None) for sizes in
               zip(*shapes, strict=True)]
        out[axis] = None if None in joined else sum(joined)
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of :class:`Concatenate`: ``concatenate([x1, x2], axis=-1)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
