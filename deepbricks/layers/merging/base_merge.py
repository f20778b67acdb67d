"""Merge: the base of layers that combine a list of tensors elementwise."""

from deepbricks import ops
from deepbricks.layers.layer import Layer


class Merge(Layer):
    """Combines a list of inputs elementwise with ``_merge``, broadcasting like Keras.

    Inputs of lower rank get size-1 axes inserted after the batch axis; then every non-batch
    axis must agree or be 1. Batch sizes must be equal.
    """

    min_inputs = 1
    max_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge(self, inputs):
        raise NotImplementedError

    def call(self, inputs):
        rank = max(len(s) for s in self._check_inputs(inputs))
        return self._merge([_with_rank(x, rank) for x in inputs])

    def compute_output_shape(self, input_shape):
        shapes = self._check_inputs(input_shape, symbolic=True)
        rank = max(len(s) for s in shapes)
        padded = [s[:1] + (1,) * (rank - len(s)) + tuple(s[1:]) for s in shapes]
        batch = next((s[0] for s in padded if s[0] is not None), None)
        out = [batch]
        for sizes in list(zip(*padded, strict=True))[1:]:
            known = {d for d in sizes if d not in (None, 1)}
            out.append(known.pop() if known else None if None in sizes else 1)
        return tuple(out)

    def _check_inputs(self, inputs, symbolic=False):
        """The inputs' shapes, after checking their number, batch sizes and broadcasting."""
        name = f"{type(self).__name__} '{self.name}'"
        is_list = isinstance(inputs, (list, tuple)) and (
            not symbolic or inputs and isinstance(inputs[0], (list, tuple)))
        if not is_list:
            raise ValueError(
                f"{name} merges a list of inputs, e.g. layer([x1, x2]). Received: a single "
                f"input{'' if symbolic else ' of shape ' + str(getattr(inputs, 'shape', ''))}."
            )
        shapes = [tuple(s) if symbolic else tuple(s.shape) for s in inputs]
        expected = self.min_inputs if self.max_inputs == self.min_inputs else None
        if len(shapes) < self.min_inputs or (
                self.max_inputs is not None and len(shapes) > self.max_inputs):
            count = f"exactly {expected}" if expected else f"at least {self.min_inputs}"
            raise ValueError(f"{name} needs {count} inputs, received {len(shapes)}.")
        if min(len(s) for s in shapes) == 0:
            raise ValueError(f"{name} needs inputs with a batch axis, received shapes {shapes}.")
        batches = {s[0] for s in shapes} - {None}
        if len(batches) > 1:
            raise ValueError(
                f"{name} cannot merge inputs with different batch sizes; received shapes "
                f"{shapes}."
            )
        rank = max(len(s) for s in shapes)
        padded = [(1,) * (rank - len(s)) + tuple(s[1:]) for s in shapes]
        for sizes in zip(*padded, strict=True):
            if len({d for d in sizes if d not in (None, 1)}) > 1:
                raise ValueError(
                    f"{name} cannot merge inputs of shapes {shapes}: each non-batch axis must "
                    f"have the same size or size 1. Reshape the inputs to compatible shapes "
                    f"(or use Concatenate to join them along an axis)."
                )
        return shapes


def _with_rank(x, rank):
    """x with size-1 axes inserted after the batch axis up to ``rank`` (Keras's broadcasting
    of lower-rank merge inputs)."""
    if x.ndim == rank:
        return x
    return ops.reshape(x, x.shape[:1] + (1,) * (rank - x.ndim) + x.shape[1:])
