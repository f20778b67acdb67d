"""One-to-many: a character-level LSTM language model of *Hamlet* that writes new text.

Trained on the play shipped in ``deepbricks.datasets.text``, the network reads windows of
characters and predicts at every step the next one (a softmax over the 64 characters of the
play), so its loss is the cross-entropy of the text in nats per character: ln 64 = 4.16 for a
network that knows nothing; with the defaults (256 units, 15 epochs, seed 0) the test part,
the end of the play, scores 1.69 nats (2.44 bits) per character, and the samples have the
layout of a play, speakers' names and mostly English words.

Generation is the one-to-many setting: from a prompt, the network samples one character,
feeds it back as the next input and carries its states (h, c) from step to step. Dividing the
logits by a temperature tau before the softmax,

    p_i = exp(z_i / tau) / sum_j exp(z_j / tau),

trades safety for variety: tau -> 0 always takes the most probable character (repetitive),
tau = 1 samples the model's own distribution, tau > 1 flattens it towards noise.

Example:
    >>> from deepbricks.experiments.rnn import char_lm
    >>> results = char_lm.run(**char_lm.SMALL_BUDGET)
    >>> print(char_lm.summary(results))  # doctest: +SKIP
"""

import math

import numpy as np

from deepbricks.experiments.rnn._common import (
    check_positive_int,
    new_figure,
    output_path,
    save_figure,
)

NAME = "char_lm"
SMALL_BUDGET = {"max_chars": 20000, "seq_length": 40, "units": 64, "epochs": 3,
                "batch_size": 32, "learning_rate": 1e-2, "sample_length": 80}


class CharLanguageModel:
    """``Embedding -> LSTM(return_sequences, return_state) -> Dense``: next-character logits.

    Args:
        vocabulary: the :class:`deepbricks.datasets.text.CharVocabulary` of the text.
        units: size of the LSTM state.
        embedding_dim: size of the character vectors.

    Attributes:
        model: ``character ids (N, T) -> logits (N, T, vocabulary.size)``, for training.
    """

    def __init__(self, vocabulary, units=256, embedding_dim=32):
        import deepbricks as db
        from deepbricks import layers

        self.vocabulary = vocabulary
        self.embedding = layers.Embedding(vocabulary.size, embedding_dim, name="embedding")
        # The states are returned for generation, which carries them from step to step; the
        # training model uses the sequence only.
        self.lstm = layers.LSTM(units, return_sequences=True, return_state=True, name="lstm")
        self.head = layers.Dense(vocabulary.size, name="logits")
        ids = db.Input((None,), dtype="int32", name="characters")
        sequence, _, _ = self.lstm(self.embedding(ids))
        self.model = db.Model(ids, self.head(sequence), name="char_lm")

    def generate(self, prompt, length, temperature=1.0, rng=None):
        """Continues ``prompt`` with ``length`` sampled characters.

        Args:
            prompt: the text to start from (at least one character of the vocabulary).
            length: how many characters to add.
            temperature: tau > 0 divides the logits before sampling; 0 picks the most
                probable character at every step (greedy).
            rng: a ``numpy.random.Generator``; defaults to ``deepbricks.backend.rng()``.

        Returns:
            The generated characters (without the prompt).
        """
        import deepbricks as db

        if not prompt:
            raise ValueError(f"{NAME}.generate needs a prompt of at least one character. "
                             f"Received: prompt={prompt!r}")
        if not temperature >= 0.0:
            raise ValueError(f"{NAME}.generate: temperature must be >= 0 (0 is greedy). "
                             f"Received: temperature={temperature!r}")
        check_positive_int(f"{NAME}.generate", length=length)
        token = self.vocabulary.encode(prompt)[None, :]
        written = np.empty(length, np.int32)
        states = None
        with db.no_grad():
            for t in range(length):
                sequence, *states = self.lstm(self.embedding(token), initial_state=states,
                                              training=False)
                logits = self.head(sequence[:, -1]).data[0].astype(np.float64)
                written[t] = sample(logits, temperature, rng)
                token = written[t : t + 1][None, :]
        return self.vocabulary.decode(written)


def sample(logits, temperature, rng=None):
    """Draws a class from softmax(logits / temperature); the argmax when temperature is 0.

    Args:
        logits: 1-D array of unnormalised log-probabilities.
        temperature: tau >= 0.
        rng: a ``numpy.random.Generator``; defaults to ``deepbricks.backend.rng()``.

    Returns:
        The index drawn, an int.

    Example:
        >>> sample(np.array([0.0, 3.0, 1.0]), 0.0)
        1
    """
    from deepbricks import backend

    if temperature == 0.0:
        return int(np.argmax(logits))
    rng = backend.rng() if rng is None else rng
    scaled = logits / temperature
    p = np.exp(scaled - scaled.max())
    cumulative = np.cumsum(p)
    drawn = np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")
    # u * total can round up to total itself, one past the last class.
    return int(min(drawn, len(cumulative) - 1))


def run(max_chars=None, seq_length=100, units=256, embedding_dim=32, epochs=15,
        batch_size=64, learning_rate=3e-3, prompt="HAMLET:\n", sample_length=400,
        temperatures=(0.2, 0.7, 1.0), seed=0, output_dir=None, verbose=0):
    """Trains the language model on *Hamlet* and samples text at several temperatures.

    Training windows start every ``seq_length // 2`` characters (they overlap by half);
    the last tenth of the text is the test part.

    Args:
        max_chars: train on the first ``max_chars`` characters only (None: the whole play).
        seq_length: characters per training window (the length of back-propagation
            through time).
        units, embedding_dim: sizes of the LSTM state and of the character vectors.
        epochs, batch_size, learning_rate: the training budget (Adam, ``clipnorm=1.0``).
        prompt: the text generation starts from.
        sample_length: characters generated at each temperature.
        temperatures: the temperatures to sample at.
        seed: seeds the initialisation, the shuffling and the sampling.
        output_dir: when given, ``char_lm.png`` (the losses per epoch) and ``samples.txt``
            (the generated texts) are written there.
        verbose: passed to ``fit``.

    Returns:
        A dict: 'loss_before' and 'loss_after' (test cross-entropy in nats per character,
        before and after training), 'bits_per_char' (after), 'train_loss' and 'test_loss'
        (lists, per epoch), 'vocabulary_size', 'prompt', and 'samples' mapping each
        temperature to the text generated after the prompt.
    """
    import deepbricks as db
    from deepbricks.datasets import text

    check_positive_int(NAME, seq_length=seq_length, units=units, embedding_dim=embedding_dim,
                       epochs=epochs, batch_size=batch_size, sample_length=sample_length)
    (x_train, y_train), (x_test, y_test) = text.load_data(
        seq_length, step=max(seq_length // 2, 1), test_split=0.1, max_chars=max_chars)
    vocabulary = text.get_vocabulary()
    db.utils.set_random_seed(seed)
    lm = CharLanguageModel(vocabulary, units, embedding_dim)
    lm.model.compile(optimizer=db.optimizers.Adam(learning_rate, clipnorm=1.0),
                     loss=db.losses.SparseCategoricalCrossentropy(from_logits=True))
    before = lm.model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    history = lm.model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                           validation_data=(x_test, y_test), verbose=verbose)
    after = float(history.history["val_loss"][-1])
    samples = {t: lm.generate(prompt, sample_length, t) for t in temperatures}
    results = {
        "loss_before": float(before),
        "loss_after": after,
        "bits_per_char": after / math.log(2.0),
        "train_loss": [float(v) for v in history.history["loss"]],
        "test_loss": [float(v) for v in history.history["val_loss"]],
        "vocabulary_size": vocabulary.size,
        "prompt": prompt,
        "samples": samples,
    }
    path = output_path(output_dir, "char_lm.png")
    if path is not None:
        plot(results, path)
        path.with_name("samples.txt").write_text(
            "".join(f"--- temperature {t} ---\n{prompt}{s}\n\n" for t, s in samples.items()))
    return results


def plot(results, path):
    """Draws the training and test loss per epoch against the uniform-guess level."""
    figure = new_figure(6.0, 3.6)
    axes = figure.add_subplot(1, 1, 1)
    for key, label in (("train_loss", "training"), ("test_loss", "test (end of the play)")):
        axes.plot(range(1, len(results[key]) + 1), results[key], "-o", label=label)
    axes.axhline(math.log(results["vocabulary_size"]), color="grey", linestyle="--",
                 label=f"uniform guess, ln {results['vocabulary_size']}")
    axes.set_xlabel("epoch")
    axes.set_ylabel("cross-entropy (nats per character)")
    axes.set_title("character-level LSTM on Hamlet")
    axes.grid(alpha=0.3)
    axes.legend()
    return save_figure(figure, path)


def summary(results):
    """The losses and the generated samples, as text."""
    lines = [f"character-level LSTM on Hamlet: test loss {results['loss_before']:.3f} -> "
             f"{results['loss_after']:.3f} nats per character "
             f"({results['bits_per_char']:.2f} bits)"]
    for temperature, written in results["samples"].items():
        lines += [f"--- temperature {temperature} ---", results["prompt"] + written]
    return "\n".join(lines)
