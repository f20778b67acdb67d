"""Synchronous many-to-many: tagging every word of a toy English grammar with its part of speech.

Sentences come from a small grammar,

    sentence := clause [CONJ clause]
    clause   := (PRON | NP) VERB [NP] [ADV]
    NP       := DET [ADJ] NOUN [ADP DET [ADJ] NOUN],

in which some words ('fish', 'duck', 'watch', ...) are nouns in one place and verbs in
another: "the fish watch the duck" tags them NOUN VERB ... NOUN. A tagger that looks at each
word alone (the most frequent tag of the word, the baseline below) cannot get them right; an
LSTM reading the sentence from the left can, because the words before decide the tag.

The network emits one tag per input step (``return_sequences=True`` followed by a Dense
softmax over the tags). Sentences have different lengths: they are padded with id 0 at the
end, ``Embedding(mask_zero=True)`` tells the LSTM to skip the padding, the loss weighs padded
steps 0, and every accuracy counts real words only. With the defaults (seed 0) the LSTM tags
every test word right, while the baseline gets 94% of the words, 65% of the ambiguous ones
and 51% of the sentences.

Example:
    >>> from deepbricks.experiments.rnn import tagging
    >>> results = tagging.run(**tagging.SMALL_BUDGET)
    >>> print(tagging.summary(results))  # doctest: +SKIP
"""

import numpy as np

from deepbricks.experiments.rnn._common import (
    check_positive_int,
    new_figure,
    output_path,
    save_figure,
)

NAME = "tagging"
TAGS = ("DET", "ADJ", "NOUN", "VERB", "PRON", "ADP", "ADV", "CONJ")
WORD_CLASSES = {
    "DET": ("the", "my", "your", "some", "these"),
    "ADJ": ("old", "small", "green", "happy", "quiet"),
    "NOUN": ("dogs", "cats", "children", "teachers", "farmers", "birds", "river", "garden"),
    "VERB": ("see", "like", "chase", "find", "hear", "visit"),
    "AMBIGUOUS": ("fish", "duck", "watch", "cook", "plant", "ring"),
    "PRON": ("they", "we", "you", "i"),
    "ADP": ("with", "near", "under", "behind"),
    "ADV": ("today", "quietly", "again", "often"),
    "CONJ": ("and", "but"),
}
# Id 0 is the padding; words follow class by class, in the order above.
WORDS = ("<pad>",) + tuple(w for words in WORD_CLASSES.values() for w in words)
MAX_LENGTH = 33  # the longest sentence the grammar makes: 2 clauses of 16 words and a CONJ
SMALL_BUDGET = {"train_samples": 1500, "test_samples": 300, "units": 32, "epochs": 3}

_FIRST_ID = dict(zip(WORD_CLASSES, np.cumsum([1] + [len(w) for w in WORD_CLASSES.values()])))
_TAG = {tag: i for i, tag in enumerate(TAGS)}


def _words(rng, n, word_class):
    first = _FIRST_ID[word_class]
    return rng.integers(first, first + len(WORD_CLASSES[word_class]), n)


def _slot(rng, n, word_class, present, ambiguous_rate=0.0):
    """One position of the sentence template: (word ids, tags, present) for every sentence.
    A NOUN or VERB slot draws one of the ambiguous words with probability ambiguous_rate."""
    words = _words(rng, n, word_class)
    if ambiguous_rate:
        words = np.where(rng.random(n) < ambiguous_rate, _words(rng, n, "AMBIGUOUS"), words)
    return words, np.full(n, _TAG[word_class]), present


def _noun_phrase(rng, n, present, ambiguous_rate):
    def noun_group(present):
        return [_slot(rng, n, "DET", present),
                _slot(rng, n, "ADJ", present & (rng.random(n) < 0.4)),
                _slot(rng, n, "NOUN", present, ambiguous_rate)]

    with_pp = present & (rng.random(n) < 0.3)
    return noun_group(present) + [_slot(rng, n, "ADP", with_pp)] + noun_group(with_pp)


def _clause(rng, n, present, ambiguous_rate):
    pronoun = rng.random(n) < 0.25
    return ([_slot(rng, n, "PRON", present & pronoun)]
            + _noun_phrase(rng, n, present & ~pronoun, ambiguous_rate)
            + [_slot(rng, n, "VERB", present, ambiguous_rate)]
            + _noun_phrase(rng, n, present & (rng.random(n) < 0.75), ambiguous_rate)
            + [_slot(rng, n, "ADV", present & (rng.random(n) < 0.3))])


def make_data(n, rng=None, ambiguous_rate=0.4):
    """Draws ``n`` sentences of the grammar with their part-of-speech tags.

    Every sentence is built on the same template of slots at once (a slot is one column of
    an (n, MAX_LENGTH) array, present or not in each sentence); a stable sort then moves the
    absent slots to the end, where they become padding.

    Args:
        n: number of sentences.
        rng: a ``numpy.random.Generator``; defaults to ``deepbricks.backend.rng()``.
        ambiguous_rate: probability that a NOUN or VERB slot holds an ambiguous word.

    Returns:
        ``(x, y)``: int32 arrays of shape (n, MAX_LENGTH): word ids (indices of ``WORDS``,
        0 after the end of the sentence) and tag ids (indices of ``TAGS``, 0 on padding).

    Example:
        >>> x, y = make_data(2, np.random.default_rng(0))
        >>> ' '.join(WORDS[i] for i in x[0] if i), ' '.join(TAGS[t] for t in y[0][x[0] > 0])
        ('they plant these teachers', 'PRON VERB DET NOUN')
    """
    from deepbricks import backend

    check_positive_int(NAME, n=n)
    if not 0.0 <= ambiguous_rate <= 1.0:
        raise ValueError(f"{NAME}: ambiguous_rate must lie in [0, 1]. "
                         f"Received: ambiguous_rate={ambiguous_rate!r}")
    rng = backend.rng() if rng is None else rng
    everyone = np.ones(n, bool)
    second = rng.random(n) < 0.4
    slots = (_clause(rng, n, everyone, ambiguous_rate)
             + [_slot(rng, n, "CONJ", second)]
             + _clause(rng, n, second, ambiguous_rate))
    words, tags, present = (np.stack(column, axis=1) for column in zip(*slots))
    order = np.argsort(~present, axis=1, kind="stable")[:, :MAX_LENGTH]
    present = np.take_along_axis(present, order, axis=1)
    words = np.where(present, np.take_along_axis(words, order, axis=1), 0)
    tags = np.where(present, np.take_along_axis(tags, order, axis=1), 0)
    return words.astype(np.int32), tags.astype(np.int32)


def ambiguous_words(x):
    """Boolean mask of the positions of ``x`` that hold an ambiguous word."""
    first = _FIRST_ID["AMBIGUOUS"]
    return (x >= first) & (x < first + len(WORD_CLASSES["AMBIGUOUS"]))


def majority_tagger(x_train, y_train):
    """The context-free baseline: each word's most frequent tag in the training data.

    Returns:
        An int array over word ids: ``table[x]`` tags a batch of sentences.
    """
    real = x_train > 0
    counts = np.zeros((len(WORDS), len(TAGS)), np.int64)
    np.add.at(counts, (x_train[real], y_train[real]), 1)
    return counts.argmax(axis=1)


def build_model(units=64, embedding_dim=16):
    """``Embedding(mask_zero) -> LSTM(return_sequences) -> Dense(softmax)``: a tag per step."""
    import deepbricks as db

    return db.Sequential([
        db.Input((MAX_LENGTH,), dtype="int32"),
        db.layers.Embedding(len(WORDS), embedding_dim, mask_zero=True, name="embedding"),
        db.layers.LSTM(units, return_sequences=True, name="lstm"),
        db.layers.Dense(len(TAGS), activation="softmax", name="tags"),
    ], name="tagger")


def accuracies(x, y, predicted):
    """Per-step accuracies of predicted tags, counting real words only.

    Returns:
        A dict: 'token_accuracy' (all real steps), 'ambiguous_accuracy' (steps holding an
        ambiguous word), 'sentence_accuracy' (sentences with every tag right) and
        'accuracy_by_position' (list: accuracy at step t over sentences that reach t).
    """
    real = x > 0
    right = (predicted == y) & real
    ambiguous = ambiguous_words(x)
    reached = real.sum(axis=0)
    return {
        "token_accuracy": float(right.sum() / real.sum()),
        "ambiguous_accuracy": float(right[ambiguous].sum() / max(ambiguous.sum(), 1)),
        "sentence_accuracy": float((right == real).all(axis=1).mean()),
        "accuracy_by_position": (right.sum(axis=0)[reached > 0] / reached[reached > 0]).tolist(),
    }


def run(train_samples=8000, test_samples=1000, units=64, embedding_dim=16, epochs=4,
        batch_size=64, learning_rate=1e-2, seed=0, output_dir=None, verbose=0):
    """Trains the LSTM tagger and compares it with the word-by-word majority baseline.

    Args:
        train_samples, test_samples: numbers of training and test sentences.
        units, embedding_dim: sizes of the LSTM state and of the word vectors.
        epochs, batch_size, learning_rate: the training budget (Adam).
        seed: seeds the data, the initialisation and the shuffling.
        output_dir: when given, ``tagging.png`` is written there: the test accuracy at each
            step of the sentence, for the LSTM and for the baseline.
        verbose: passed to ``fit``.

    Returns:
        A dict: the LSTM's test accuracies (see :func:`accuracies`) under their names, the
        baseline's with a 'baseline_' prefix, and 'train_loss' (the last epoch's).
    """
    import deepbricks as db

    check_positive_int(NAME, train_samples=train_samples, test_samples=test_samples,
                       units=units, embedding_dim=embedding_dim, epochs=epochs,
                       batch_size=batch_size)
    data_rng = np.random.default_rng(seed)
    x_train, y_train = make_data(train_samples, data_rng)
    x_test, y_test = make_data(test_samples, data_rng)
    db.utils.set_random_seed(seed)
    model = build_model(units, embedding_dim)
    model.compile(optimizer=db.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy")
    history = model.fit(x_train, y_train, sample_weight=(x_train > 0).astype(np.float32),
                        batch_size=batch_size, epochs=epochs, verbose=verbose)
    predicted = model.predict(x_test, batch_size=256, verbose=0).argmax(axis=-1)
    results = accuracies(x_test, y_test, predicted)
    baseline = majority_tagger(x_train, y_train)[x_test]
    results.update({f"baseline_{k}": v for k, v in accuracies(x_test, y_test, baseline).items()})
    results["train_loss"] = float(history.history["loss"][-1])
    path = output_path(output_dir, "tagging.png")
    if path is not None:
        plot(results, path)
    return results


def plot(results, path):
    """Draws the test accuracy at each step for the LSTM and the baseline."""
    figure = new_figure(6.0, 3.6)
    axes = figure.add_subplot(1, 1, 1)
    for key, label in (("accuracy_by_position", "LSTM"),
                       ("baseline_accuracy_by_position", "most frequent tag of the word")):
        values = results[key]
        axes.plot(range(1, len(values) + 1), values, "-o", markersize=3, label=label)
    axes.set_xlabel("position in the sentence")
    axes.set_ylabel("test accuracy (real words)")
    axes.set_title("part-of-speech tagging, accuracy per step")
    axes.grid(alpha=0.3)
    axes.legend()
    return save_figure(figure, path)


def summary(results):
    """Accuracies of the LSTM tagger and of the baseline, as text."""
    rows = [("LSTM", ""), ("word's most frequent tag", "baseline_")]
    return "\n".join(
        f"  {name:>24}: per-step accuracy {results[p + 'token_accuracy']:.3f}, on ambiguous "
        f"words {results[p + 'ambiguous_accuracy']:.3f}, whole sentences "
        f"{results[p + 'sentence_accuracy']:.3f}" for name, p in rows)
