"""Preparing data for training: one-hot labels, scaling, and feeding it in mini-batches.

Arrays that fit in memory are cut into batches by :func:`batches`. Data that does not fit is
streamed: subclass :class:`Sequence` (Keras's ``PyDataset``) to load batch ``i`` on demand,
or write a Python generator that yields batches, and iterate either with :func:`iter_batches`.
"""

import itertools
import math
from collections.abc import Iterable, Iterator

import numpy as np

from deepbricks import backend


def to_categorical(y, num_classes=None):
    """Converts integer class labels to one-hot rows.

    ``out[..., k] = 1`` where ``k = y[...]`` and 0 elsewhere. A trailing axis of size 1 is
    dropped first, so labels of shape (N,) and (N, 1) both give (N, num_classes).

    Args:
        y: integer labels in ``[0, num_classes)`` (any array-like).
        num_classes: the number of classes; ``max(y) + 1`` when None.

    Returns:
        An array of shape ``y.shape + (num_classes,)`` (the trailing 1 dropped) in the default
        float type (float32).

    Raises:
        ValueError: labels that are not whole numbers, are negative, or are not below
            ``num_classes``.

    Example:
        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    labels = np.asarray(y)
    if labels.dtype.kind not in "iub":
        whole = labels.dtype.kind == "f" and np.isfinite(labels).all() \
            and (labels == np.round(labels)).all()
        if not whole:
            raise ValueError(
                "to_categorical expects integer class labels such as [0, 2, 1]. Received: "
                f"an array of dtype {labels.dtype}; round or map the labels to integers first."
            )
    shape = labels.shape[:-1] if labels.ndim > 1 and labels.shape[-1] == 1 else labels.shape
    flat = labels.reshape(-1).astype(np.int64)
    if num_classes is None:
        if flat.size == 0:
            raise ValueError("to_categorical: cannot infer num_classes from empty labels; "
                             "pass num_classes=...")
        num_classes = int(flat.max()) + 1
    if not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"to_categorical: num_classes must be a positive integer. "
                         f"Received: num_classes={num_classes!r}")
    if flat.size and (flat.min() < 0 or flat.max() >= num_classes):
        bad = flat.min() if flat.min() < 0 else flat.max()
        raise ValueError(
            f"to_categorical: label {bad} is outside [0, {num_classes}) for "
            f"num_classes={num_classes}; labels must run from 0 to num_classes - 1."
        )
    onehot = np.zeros((flat.size, num_classes), dtype=backend.floatx())
    onehot[np.arange(flat.size), flat] = 1
    return onehot.reshape(shape + (num_classes,))


def _float_array(x):
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(backend.floatx())


def normalize(x, axis=-1, order=2):
    """Scales ``x`` to unit norm along ``axis``: ``x / ||x||_order``.

    Slices whose norm is 0 are left as they are (divided by 1), so no NaN appears.

    Args:
        x: an array; integer arrays are converted to the default float type.
        axis: the axis along which norms are taken.
        order: the norm's order (2 for Euclidean, 1 for the sum of absolute values, ``np.inf``
            for the largest absolute value).

    Returns:
        A normalised copy of ``x``, float32 for float32 input.

    Example:
        >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
        array([[0.6, 0.8],
               [0. , 0. ]])
    """
    x = _float_array(x)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm).astype(x.dtype, copy=False)


def standardize(x, mean=None, std=None, axis=0, epsilon=1e-7):
    """Centres and scales features: ``(x - mean) / (std + epsilon)``.

    By default the statistics are those of ``x`` along ``axis`` (per feature for a (N, D)
    table). Standardise test data with the training set's statistics, not its own.

    Args:
        x: an array; integer arrays are converted to the default float type.
        mean: the mean to subtract; computed from ``x`` when None.
        std: the standard deviation to divide by; computed from ``x`` when None.
        axis: the axis (or axes) the statistics are taken over.
        epsilon: added to ``std`` so that constant features do not divide by zero.

    Returns:
        The standardised array, in the float type of ``x``.

    Example:
        >>> mean, std = x_train.mean(axis=0), x_train.std(axis=0)
        >>> x_train = standardize(x_train, mean, std)
        >>> x_test = standardize(x_test, mean, std)
    """
    x = _float_array(x)
    mean = x.mean(axis=axis, keepdims=True) if mean is None else np.asarray(mean, x.dtype)
    std = x.std(axis=axis, keepdims=True) if std is None else np.asarray(std, x.dtype)
    return (x - mean) / (std + x.dtype.type(epsilon))


def rescale(x, scale=1.0 / 255.0, offset=0.0, dtype=None):
    """Maps values linearly, ``x * scale + offset``, in a float type (pixels to [0, 1]).

    Args:
        x: an array, e.g. uint8 images.
        scale: the factor; the default maps 0..255 to 0..1.
        offset: added after scaling (``scale=1/127.5, offset=-1`` maps 0..255 to -1..1).
        dtype: the float type of the result; the default float type (float32) when None.

    Returns:
        The rescaled array, a new one.

    Raises:
        ValueError: ``dtype`` is not a float type.

    Example:
        >>> rescale(np.array([0, 51, 255], dtype=np.uint8))
        array([0. , 0.2, 1. ], dtype=float32)
    """
    dtype = np.dtype(dtype or backend.floatx())
    if dtype.kind != "f":
        raise ValueError(f"rescale: dtype must be a float type such as 'float32'. "
                         f"Received: dtype={dtype}")
    out = np.asarray(x).astype(dtype)
    out *= dtype.type(scale)
    if offset:
        out += dtype.type(offset)
    return out


def _leaves(tree):
    if isinstance(tree, dict):
        return [leaf for value in tree.values() for leaf in _leaves(value)]
    if isinstance(tree, (list, tuple)):
        return [leaf for value in tree for leaf in _leaves(value)]
    return [tree]


def _as_arrays(tree, role):
    if isinstance(tree, dict):
        return {key: _as_arrays(value, role) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_as_arrays(value, role) for value in tree)
    array = np.asarray(tree)
    if array.ndim == 0:
        raise ValueError(
            f"batches: every array in {role} needs a leading sample axis. Received: a scalar "
            f"{array!r}; pass an array of shape (num_samples, ...)."
        )
    return array


def _take(tree, index):
    if isinstance(tree, dict):
        return {key: _take(value, index) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_take(value, index) for value in tree)
    return tree[index]


def _generator(rng):
    if rng is None:
        return backend.rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    raise TypeError(f"batches: rng must be a numpy Generator, an integer seed or None. "
                    f"Received: rng={rng!r}")


def batches(x, y=None, batch_size=32, shuffle=False, rng=None):
    """Iterates over aligned arrays in mini-batches of ``batch_size`` samples (one epoch).

    Sample ``i`` is row ``i`` of every array; the last batch is shorter when ``batch_size``
    does not divide the number of samples. Without shuffling the batches are views of the
    arrays (no copy); with shuffling every epoch draws a fresh order.

    Args:
        x: an array, or a list, tuple or dict of arrays (a model with several inputs).
        y: the targets, structured like ``x`` (a single array usually), or None.
        batch_size: the number of samples per batch.
        shuffle: whether to visit the samples in a random order.
        rng: the ``np.random.Generator`` (or an integer seed) that shuffles; the shared
            generator ``deepbricks.backend.rng()`` when None, so ``set_random_seed`` makes
            the order repeatable.

    Yields:
        ``x_batch`` when ``y`` is None, else ``(x_batch, y_batch)``, with the structure of
        ``x`` and ``y``.

    Raises:
        ValueError: arrays of different lengths, a scalar, or a batch size below 1.

    Example:
        >>> for x_batch, y_batch in batches(x_train, y_train, batch_size=64, shuffle=True):
        ...     loss = train_step(x_batch, y_batch)
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"batches: batch_size must be a positive integer. "
                         f"Received: batch_size={batch_size!r}")
    x = _as_arrays(x, "x")
    y = None if y is None else _as_arrays(y, "y")
    leaves = _leaves(x) + ([] if y is None else _leaves(y))
    if not leaves:
        raise ValueError("batches: x holds no arrays; pass at least one array.")
    lengths = {len(leaf) for leaf in leaves}
    if len(lengths) > 1:
        shapes = ", ".join(str(leaf.shape) for leaf in leaves)
        raise ValueError(
            f"batches: all arrays must hold the same number of samples (first axis). "
            f"Received shapes: {shapes}."
        )
    return _iterate(x, y, lengths.pop(), batch_size, _generator(rng) if shuffle else None)


def _iterate(x, y, n, batch_size, generator):
    order = None if generator is None else generator.permutation(n)
    for start in range(0, n, batch_size):
        if order is None:
            index = slice(start, start + batch_size)
        else:
            index = order[start:start + batch_size]
        if y is None:
            yield _take(x, index)
        else:
            yield _take(x, index), _take(y, index)


def num_batches(num_samples, batch_size):
    """Returns how many batches :func:`batches` yields: ``ceil(num_samples / batch_size)``."""
    return math.ceil(num_samples / batch_size)


class Sequence:
    """Base class for data loaded one batch at a time (Keras's ``PyDataset`` / ``Sequence``).

    Subclasses define ``__len__`` (the number of batches per epoch) and ``__getitem__(i)``,
    which returns batch ``i`` as ``x``, ``(x, y)`` or ``(x, y, sample_weight)``; they may
    define ``on_epoch_end`` to reshuffle or augment between epochs. Because each batch is read
    when asked for, the whole data set never has to be in memory.

    Batches are read in the calling thread; ``workers``, ``use_multiprocessing`` and
    ``max_queue_size`` are accepted so that Keras subclasses run unchanged.

    Example:
        >>> class ImageFiles(Sequence):
        ...     def __init__(self, paths, labels, batch_size):
        ...         super().__init__()
        ...         self.paths, self.labels, self.batch_size = paths, labels, batch_size
        ...     def __len__(self):
        ...         return math.ceil(len(self.paths) / self.batch_size)
        ...     def __getitem__(self, i):
        ...         part = slice(i * self.batch_size, (i + 1) * self.batch_size)
        ...         return np.stack([np.load(p) for p in self.paths[part]]), self.labels[part]
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__, the number of "
                                  "batches per epoch.")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index), "
                                  "which returns batch number index.")

    @property
    def num_batches(self):
        """The number of batches per epoch, ``len(self)``."""
        return len(self)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    def on_epoch_begin(self):
        """Called before each epoch; does nothing unless overridden."""

    def on_epoch_end(self):
        """Called after each epoch; override it to reshuffle or augment the data."""


PyDataset = Sequence


def unpack_x_y_sample_weight(batch):
    """Splits a batch into ``(x, y, sample_weight)``, filling what is missing with None.

    Args:
        batch: ``x`` (an array or a dict of arrays), or a tuple or list ``(x,)``, ``(x, y)``
            or ``(x, y, sample_weight)``.

    Returns:
        The triple ``(x, y, sample_weight)``.

    Raises:
        ValueError: a tuple or list of more than three items.

    Example:
        >>> x, y, sample_weight = unpack_x_y_sample_weight((x_batch, y_batch))
        >>> sample_weight is None
        True
    """
    if not isinstance(batch, (list, tuple)):
        return batch, None, None
    if 1 <= len(batch) <= 3:
        return tuple(batch) + (None,) * (3 - len(batch))
    raise ValueError(
        "A batch must be x, (x,), (x, y) or (x, y, sample_weight). Received: a "
        f"{type(batch).__name__} of {len(batch)} items; wrap several inputs in a tuple, "
        "e.g. ((x1, x2), y)."
    )


def iter_batches(data, steps=None, shuffle=False, rng=None):
    """Iterates over the batches of one epoch from a :class:`Sequence` or a generator.

    A ``Sequence`` gives batches ``0 .. len(data) - 1`` (in a random order when ``shuffle``),
    its ``on_epoch_begin`` is called before the first and ``on_epoch_end`` after the last.
    A generator (or any iterator) is read on from where the previous epoch stopped, up to
    ``steps`` batches or until it is exhausted, so an endless generator needs ``steps``. Any
    other iterable, e.g. a list of batches, is iterated afresh each epoch.

    Args:
        data: a ``Sequence``, a generator or iterator of batches, or an iterable of batches.
        steps: the most batches to take in this epoch; all of them when None.
        shuffle: visit a ``Sequence``'s batches in a random order (ignored for generators,
            whose order is their own).
        rng: the ``np.random.Generator`` (or integer seed) for ``shuffle``; the shared
            ``deepbricks.backend.rng()`` when None.

    Yields:
        Each batch as its source gives it: ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.

    Raises:
        TypeError: ``data`` is neither a ``Sequence`` nor iterable.

    Example:
        >>> def endless():
        ...     while True:
        ...         yield np.random.rand(32, 10), np.random.rand(32, 1)
        >>> stream = endless()
        >>> for epoch in range(3):
        ...     for x_batch, y_batch in iter_batches(stream, steps=100):
        ...         loss = train_step(x_batch, y_batch)
    """
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, (int, np.integer))
                              or steps < 1):
        raise ValueError(f"iter_batches: steps must be a positive integer or None. "
                         f"Received: steps={steps!r}")
    if isinstance(data, Sequence):
        return _iter_sequence(data, steps, _generator(rng) if shuffle else None)
    if isinstance(data, Iterator):
        return itertools.islice(data, steps)
    if isinstance(data, Iterable) and not isinstance(data, (np.ndarray, str, bytes, dict)):
        return itertools.islice(iter(data), steps)
    raise TypeError(
        f"iter_batches expects a Sequence, a generator or an iterable of batches. Received: "
        f"{type(data).__name__}; for arrays in memory use batches(x, y, batch_size)."
    )


def _iter_sequence(data, steps, generator):
    count = len(data) if steps is None else min(steps, len(data))
    order = range(count) if generator is None else generator.permutation(len(data))[:count]
    data.on_epoch_begin()
    for index in order:
        yield data[int(index)]
    data.on_epoch_end()
