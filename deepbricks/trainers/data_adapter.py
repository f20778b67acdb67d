"""Turning what fit/evaluate/predict receive into batches: arrays, Sequences, generators."""

import math
import warnings

import numpy as np

from deepbricks import backend
from deepbricks.layers.symbolic import flatten, map_structure


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


def as_arrays(structure):
    return map_structure(lambda a: a if isinstance(a, np.ndarray) else np.asarray(a), structure)


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
        self.x, self.y, self.sample_weight = as_arrays(x), y, sample_weight
        if y is not None:
            self.y = as_arrays(y)
        if sample_weight is not None:
            self.sample_weight = np.asarray(sample_weight)
        self.n = check_lengths(self.x, self.y, self.sample_weight)
        self.batch_size = batch_size or 32
        self.shuffle = shuffle

    def __len__(self):
        return math.ceil(self.n / self.batch_size)

    def epoch(self):
        order = backend.rng().permutation(self.n) if self.shuffle else None
        for start in range(0, self.n, self.batch_size):
            stop = min(start + self.batch_size, self.n)
            index = slice(start, stop) if order is None else np.sort(order[start:stop])
            yield take(self.x, index), take(self.y, index), take(self.sample_weight, index)


class SequenceBatches:
    """Batches from a Keras-style ``Sequence`` (``__len__``/``__getitem__``) or a generator."""

    def __init__(self, data, steps=None, shuffle=False):
        self.data, self.steps, self.shuffle = data, steps, shuffle
        self._iterator = None

    def __len__(self):
        if self.steps is not None:
            return self.steps
        if hasattr(self.data, "__len__"):
            return len(self.data)
        return None

    def epoch(self):
        if hasattr(self.data, "__getitem__") and hasattr(self.data, "__len__"):
            n = len(self.data) if self.steps is None else min(self.steps, len(self.data))
            order = backend.rng().permutation(n) if self.shuffle else range(n)
            for i in order:
                yield unpack(self.data[int(i)])
            if hasattr(self.data, "on_epoch_end"):
                self.data.on_epoch_end()
            return
        if self._iterator is None:
            self._iterator = iter(self.data)
        count = 0
        while self.steps is None or count < self.steps:
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                if self.steps is not None:
                    warnings.warn(f"The data generator ran out after {count} of {self.steps} "
                                  f"steps.", RuntimeWarning, stacklevel=4)
                return
            count += 1
            yield unpack(batch)


def unpack(batch):
    if isinstance(batch, tuple):
        if len(batch) == 1:
            return batch[0], None, None
        if len(batch) == 2:
            return batch[0], batch[1], None
        if len(batch) == 3:
            return batch
        raise ValueError(f"A data batch must be x, (x,), (x, y) or (x, y, sample_weight); "
                         f"received a tuple of {len(batch)} elements.")
    return batch, None, None


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
