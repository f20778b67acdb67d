"""Turning what fit/evaluate/predict receive into batches: arrays, Sequences, generators."""

import math

import numpy as np

from deepbricks.layers.symbolic import flatten, map_structure
from deepbricks.utils.data import batches, iter_batches, unpack_x_y_sample_weight


def check_lengths(x, y=None, sample_weight=None):
    """Number of samples, or a ValueError naming the arguments whose lengths differ."""
    sizes = {}
    for name, value in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            for i, array in enumerate(flatten(value)):
                label = name if len(flatten(value)) == 1 else f"{name}[{i}]"
                sizes[label] = len(array)
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{k} has {v}" for k, v in sizes.items())
        raise ValueError(
            f"Data cardinality is ambiguous: {listed} samples. Make sure all arrays contain "
            f"the same number of samples."
        )
    return next(iter(sizes.values())) if sizes else 0


def take(structure, index):
    return None if structure is None else map_structure(lambda a: a[index], structure)


def split_validation(x, y, sample_weight, validation_split):
    """Keras's validation_split: the LAST fraction of the samples, taken before shuffling."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"validation_split must be in (0, 1). Received: "
                         f"validation_split={validation_split}")
    n = check_lengths(x, y, sample_weight)
    split = int(math.floor(n * (1.0 - validation_split)))
    if split == 0 or split == n:
        raise ValueError(f"validation_split={validation_split} leaves no training or no "
                         f"validation samples out of {n}.")
    first, last = slice(0, split), slice(split, n)
    return ((take(x, first), take(y, first), take(sample_weight, first)),
            (take(x, last), take(y, last), take(sample_weight, last)))


class ArrayBatches:
    """Batches of in-memory arrays; reshuffled at every epoch when ``shuffle``."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.n = check_lengths(x, y, sample_weight)
        self.batch_size = batch_size or 32
        self.shuffle = shuffle

    def __len__(self):
        return math.ceil(self.n / self.batch_size)

    def epoch(self):
        extras = tuple(a for a in (self.y, self.sample_weight) if a is not None)
        for batch in batches(self.x, extras or None, self.batch_size, self.shuffle):
            bx, rest = batch if extras else (batch, ())
            by = rest[0] if self.y is not None else None
            bsw = rest[-1] if self.sample_weight is not None else None
            yield bx, by, bsw


class SequenceBatches:
    """Batches from a ``Sequence`` or a generator yielding (x, y[, sample_weight])."""

    def __init__(self, data, steps=None, shuffle=False):
        self.data, self.steps, self.shuffle = data, steps, shuffle

    def __len__(self):
        if self.steps is not None:
            return self.steps
        return len(self.data) if hasattr(self.data, "__len__") else None

    def epoch(self):
        for batch in iter_batches(self.data, self.steps, self.shuffle):
            yield unpack_x_y_sample_weight(batch)


def make_batches(x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None):
    """ArrayBatches for arrays, SequenceBatches for Sequences and generators."""
    if x is None:
        raise ValueError("No data: pass x (and y) as arrays, a Sequence or a generator.")
    if _is_array_like(x):
        return ArrayBatches(x, y, sample_weight, batch_size, shuffle)
    if y is not None:
        raise ValueError("y must not be given when x is a Sequence or a generator; it should "
                         "yield (x, y) tuples.")
    return SequenceBatches(x, steps, shuffle)


def _is_array_like(x):
    if isinstance(x, (list, tuple, dict)):
        return True
    return isinstance(x, np.ndarray) or (hasattr(x, "__array__") and hasattr(x, "shape"))
