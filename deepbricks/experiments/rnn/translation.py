"""Asynchronous many-to-many: an encoder-decoder LSTM that translates dates into ISO format.

The source is a date written as people write it, in one of several formats ("march 3 2021",
"3 march 2021", "mar 03, 2021", "3.3.2021", "the 3rd of march 2021"); the target is the same
date as "2021-03-03". Input and output have different lengths and no step-by-step
alignment, so the network reads the whole input before it writes anything (Sutskever, Vinyals
and Le, 2014):

- the encoder, ``Embedding(mask_zero) -> LSTM(return_state=True)``, reads the characters and
  keeps only its final states (h, c), a fixed-size summary of the date;
- the decoder, ``Embedding -> LSTM(return_sequences=True, return_state=True) -> Dense``,
  starts from those states (``initial_state=[h, c]``) and predicts the output one character
  at a time.

Training uses teacher forcing: the decoder's input at step t is the true character t - 1
(a start token at t = 0). Translating has no true characters, so greedy decoding feeds the
decoder its own most probable character, one step at a time, carrying the states. With the
defaults (128 units, 10 epochs of 20,000 dates, seed 0) every one of the 1,000 test dates
comes out right.

Example:
    >>> from deepbricks.experiments.rnn import translation
    >>> results = translation.run(**translation.SMALL_BUDGET)
    >>> print(translation.summary(results))  # doctest: +SKIP
"""

import numpy as np

from deepbricks.experiments.rnn._common import (
    check_positive_int,
    new_figure,
    output_path,
    save_figure,
)

NAME = "translation"
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
FORMATS = ("{month} {day} {year}", "{day} {month} {year}", "{mon} {day:02d}, {year}",
           "{day}.{month_number}.{year}", "the {nth} of {month} {year}")
FIRST_DAY, LAST_DAY = np.datetime64("1900-01-01"), np.datetime64("2099-12-31")
# Id 0 pads the source; the target alphabet starts with the decoder's start token.
SOURCE_CHARS = "<" + "".join(sorted(set("".join(MONTHS) + "0123456789 ,.theofstndrd")))
TARGET_CHARS = "^0123456789-"
START = 0
SOURCE_LENGTH = len("the 23rd of september 2021")
TARGET_LENGTH = len("2021-09-23")
SMALL_BUDGET = {"train_samples": 2500, "test_samples": 200, "units": 48, "epochs": 4,
                "batch_size": 32, "learning_rate": 1e-2}


def _ordinal(day):
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def make_dates(n, rng=None):
    """Draws ``n`` dates uniformly from 1900-01-01 to 2099-12-31, each written in a random
    one of ``FORMATS``.

    Args:
        n: number of dates.
        rng: a ``numpy.random.Generator``; defaults to ``deepbricks.backend.rng()``.

    Returns:
        ``(sources, targets, formats)``: two lists of ``n`` strings, e.g.
        'the 3rd of march 2021' and '2021-03-03', and an int array of the indices in
        ``FORMATS`` of the formats used.

    Example:
        >>> sources, targets, _ = make_dates(2, np.random.default_rng(0))
        >>> sources, targets
        (['feb 15, 2070', '24 may 2027'], ['2070-02-15', '2027-05-24'])
    """
    from deepbricks import backend

    check_positive_int(NAME, n=n)
    rng = backend.rng() if rng is None else rng
    span = (LAST_DAY - FIRST_DAY).astype(int) + 1
    dates = FIRST_DAY + rng.integers(0, span, n)
    month_start = dates.astype("datetime64[M]")
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    months = month_start.astype(int) % 12 + 1
    days = (dates - month_start).astype(int) + 1
    formats = rng.integers(0, len(FORMATS), n)
    sources = [FORMATS[f].format(month=MONTHS[m - 1], mon=MONTHS[m - 1][:3], day=d,
                                 month_number=m, year=y, nth=_ordinal(d))
               for f, y, m, d in zip(formats.tolist(), years.tolist(), months.tolist(),
                                     days.tolist())]
    return sources, [str(d) for d in dates], formats


def encode(strings, alphabet, length, first_id):
    """Character ids of ``strings`` in an (N, length) int32 array, right-aligned (the padding
    id 0 comes first, as Keras's ``pad_sequences`` does by default)."""
    table = np.zeros(128, np.int32)
    table[[ord(c) for c in alphabet[first_id:]]] = np.arange(first_id, len(alphabet))
    too_long = [s for s in strings if len(s) > length]
    if too_long:
        raise ValueError(f"{NAME}: the strings {too_long[:3]} are longer than {length} "
                         f"characters.")
    codes = np.frombuffer("".join(s.rjust(length, "\0") for s in strings).encode("ascii"),
                          np.uint8).reshape(len(strings), length)
    ids = table[codes]
    unknown = (ids == 0) & (codes != 0)
    if unknown.any():
        raise ValueError(f"{NAME}: the characters {sorted(set(map(chr, codes[unknown])))} are "
                         f"not in the alphabet {alphabet[first_id:]!r}.")
    return ids


def decode(ids, alphabet):
    """The strings spelled by rows of character ids."""
    chars = np.array(list(alphabet))
    return ["".join(row) for row in chars[np.asarray(ids)]]


class DateTranslator:
    """The encoder-decoder network, its teacher-forced training model and greedy decoding.

    Args:
        units: size of the encoder's and the decoder's LSTM states.
        embedding_dim: size of the character vectors.

    Attributes:
        model: the training model, ``[source ids, decoder input ids] -> next-character
            probabilities`` of shape (N, TARGET_LENGTH, len(TARGET_CHARS)).
        encoder: the model ``source ids -> [h, c]``, sharing the training model's layers.
    """

    def __init__(self, units=128, embedding_dim=32):
        import deepbricks as db
        from deepbricks import layers

        source = db.Input((SOURCE_LENGTH,), dtype="int32", name="source")
        shifted = db.Input((TARGET_LENGTH,), dtype="int32", name="decoder_input")
        read = layers.Embedding(len(SOURCE_CHARS), embedding_dim, mask_zero=True,
                                name="source_embedding")(source)
        _, h, c = layers.LSTM(units, return_state=True, name="encoder")(read)
        self.target_embedding = layers.Embedding(len(TARGET_CHARS), embedding_dim,
                                                 name="target_embedding")
        self.decoder = layers.LSTM(units, return_sequences=True, return_state=True,
                                   name="decoder")
        self.head = layers.Dense(len(TARGET_CHARS), activation="softmax", name="next_char")
        written, _, _ = self.decoder(self.target_embedding(shifted), initial_state=[h, c])
        self.model = db.Model([source, shifted], self.head(written), name="date_translator")
        self.encoder = db.Model(source, [h, c], name="date_encoder")

    @staticmethod
    def teacher_inputs(target_ids):
        """The decoder's inputs under teacher forcing: the targets shifted right by one step
        behind a start token."""
        return np.concatenate([np.full((len(target_ids), 1), START, target_ids.dtype),
                               target_ids[:, :-1]], axis=1)

    def translate(self, source_ids):
        """Greedy decoding: every step feeds back the most probable character.

        Args:
            source_ids: int array (N, SOURCE_LENGTH) from :func:`encode`.

        Returns:
            An int array (N, TARGET_LENGTH) of target character ids.
        """
        import deepbricks as db

        with db.no_grad():
            states = self.encoder(source_ids, training=False)
            token = np.full((len(source_ids), 1), START, np.int32)
            written = []
            for _ in range(TARGET_LENGTH):
                step, *states = self.decoder(self.target_embedding(token),
                                             initial_state=states, training=False)
                token = self.head(step).data.argmax(axis=-1).astype(np.int32)
                written.append(token)
        return np.concatenate(written, axis=1)


def run(train_samples=20000, test_samples=1000, units=128, embedding_dim=32, epochs=10,
        batch_size=64, learning_rate=3e-3, seed=0, output_dir=None, verbose=0):
    """Trains the date translator with teacher forcing and scores its greedy translations.

    Args:
        train_samples, test_samples: numbers of training and test dates.
        units, embedding_dim: sizes of the LSTM states and of the character vectors.
        epochs, batch_size, learning_rate: the training budget (Adam, ``clipnorm=1.0``).
        seed: seeds the data, the initialisation and the shuffling.
        output_dir: when given, ``translation.png`` is written there: the training loss per
            epoch and the exact-match rate of each source format.
        verbose: passed to ``fit``.

    Returns:
        A dict: 'exact_match' (fraction of test dates translated without a single wrong
        character, by greedy decoding), 'exact_match_by_format' (list, in ``FORMATS``
        order), 'char_accuracy' (fraction of right characters),
        'teacher_forced_accuracy' (next-character accuracy when the true previous characters
        are given), 'train_loss' (list, per epoch) and 'examples' (a few
        (source, translation) pairs).
    """
    import deepbricks as db

    check_positive_int(NAME, train_samples=train_samples, test_samples=test_samples,
                       units=units, embedding_dim=embedding_dim, epochs=epochs,
                       batch_size=batch_size)
    data_rng = np.random.default_rng(seed)
    train_sources, train_targets, _ = make_dates(train_samples, data_rng)
    test_sources, test_targets, test_formats = make_dates(test_samples, data_rng)
    x_train = encode(train_sources, SOURCE_CHARS, SOURCE_LENGTH, 1)
    y_train = encode(train_targets, TARGET_CHARS, TARGET_LENGTH, 1)
    x_test = encode(test_sources, SOURCE_CHARS, SOURCE_LENGTH, 1)
    y_test = encode(test_targets, TARGET_CHARS, TARGET_LENGTH, 1)
    db.utils.set_random_seed(seed)
    translator = DateTranslator(units, embedding_dim)
    translator.model.compile(optimizer=db.optimizers.Adam(learning_rate, clipnorm=1.0),
                             loss="sparse_categorical_crossentropy")
    history = translator.model.fit([x_train, translator.teacher_inputs(y_train)], y_train,
                                   batch_size=batch_size, epochs=epochs, verbose=verbose)
    forced = translator.model.predict([x_test, translator.teacher_inputs(y_test)],
                                      batch_size=256, verbose=0).argmax(axis=-1)
    greedy = translator.translate(x_test)
    exact = (greedy == y_test).all(axis=1)
    results = {
        "exact_match": float(exact.mean()),
        "exact_match_by_format": [float(exact[test_formats == f].mean())
                                  if (test_formats == f).any() else float("nan")
                                  for f in range(len(FORMATS))],
        "char_accuracy": float((greedy == y_test).mean()),
        "teacher_forced_accuracy": float((forced == y_test).mean()),
        "train_loss": [float(v) for v in history.history["loss"]],
        "examples": list(zip(test_sources[:5], decode(greedy[:5], TARGET_CHARS))),
    }
    path = output_path(output_dir, "translation.png")
    if path is not None:
        plot(results, path)
    return results


def plot(results, path):
    """Draws the training loss per epoch and the exact-match rate of each source format."""
    figure = new_figure(11.0, 3.8)
    loss, formats = figure.add_subplot(1, 2, 1), figure.add_subplot(1, 2, 2)
    figure.subplots_adjust(wspace=0.6)  # room for the example dates that label the bars
    epochs = range(1, len(results["train_loss"]) + 1)
    loss.plot(epochs, results["train_loss"], "-o")
    loss.set_yscale("log")
    loss.set_xlabel("epoch")
    loss.set_ylabel("training loss (teacher forcing)")
    loss.grid(alpha=0.3, which="both")
    examples = [f.format(month="march", mon="mar", day=3, month_number=3, year=2021,
                         nth=_ordinal(3)) for f in FORMATS]
    formats.barh(range(len(FORMATS)), results["exact_match_by_format"])
    formats.set_yticks(range(len(FORMATS)), examples)
    formats.invert_yaxis()
    formats.set_xlim(0.0, 1.0)
    formats.set_xlabel("exact match, greedy decoding")
    formats.set_title("test dates by source format")
    return save_figure(figure, path)


def summary(results):
    """The scores and a few translations, as text."""
    lines = [f"dates -> ISO 8601, greedy decoding: exact match {results['exact_match']:.3f}, "
             f"characters right {results['char_accuracy']:.3f} (teacher-forced "
             f"{results['teacher_forced_accuracy']:.3f})"]
    lines += [f"  {source!r:>30} -> {written!r}" for source, written in results["examples"]]
    return "\n".join(lines)
