"""The recurrent-network demonstrations: their data, their helpers and a small-budget run each.

The small runs train for a few seconds, so they check what a few seconds can show (the loss
falls, the LSTM tagger beats the word-by-word baseline, ...); the full-size claims (an LSTM
solves the adding problem at T = 100, a SimpleRNN does not) are the examples' to show.
"""

import datetime
import doctest
import hashlib
import importlib.util
import inspect
import math
from pathlib import Path

import numpy as np
import pytest

import deepbricks as db
from deepbricks.datasets import text
from deepbricks.experiments.rnn import adding_problem, char_lm, tagging, translation

# -- the shipped text ---------------------------------------------------------------------


def test_hamlet_is_the_converted_moby_text_named_in_the_readme():
    raw = (text.DATA_DIR / "hamlet.txt").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == (
        "224d8e971aa0c1d937c6248f15007eeed9136907db1083de843901d3a8997386")
    play = text.load_text()
    assert play.startswith("Hamlet\n\nACT I\n\nSCENE I. Elsinore.")
    assert "HAMLET:\nTo be, or not to be: that is the question:" in play
    assert not set(play) & set("*_#\\")  # no Markdown left


def test_vocabulary_encodes_and_decodes_every_character_of_the_play():
    play = text.load_text()
    vocab = text.get_vocabulary()
    assert vocab.size == len(set(play)) == 64
    ids = vocab.encode(play)
    assert ids.dtype == np.int32 and ids.min() == 0 and ids.max() == vocab.size - 1
    assert vocab.decode(ids) == play
    assert vocab.encode("").shape == (0,) and vocab.decode([]) == ""


def test_vocabulary_ids_follow_code_points():
    vocab = text.CharVocabulary("hello")
    assert vocab.chars == "ehlo" and len(vocab) == 4
    assert vocab.encode("hole").tolist() == [1, 3, 2, 0]


def test_vocabulary_errors_name_the_problem():
    vocab = text.CharVocabulary("abc")
    with pytest.raises(ValueError, match=r"characters \['d', 'é'\] are not in the vocabulary"):
        vocab.encode("abdé")
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 3\); received ids from 0 to 3"):
        vocab.decode([0, 3])
    with pytest.raises(ValueError, match="1-D sequence of integer ids"):
        vocab.decode([[0, 1]])
    with pytest.raises(ValueError, match="at least one character"):
        text.CharVocabulary("")
    with pytest.raises(ValueError, match=r"unknown text 'macbeth'.*\['hamlet'\]"):
        text.load_text("macbeth")


def test_char_windows_pair_each_window_with_the_next_characters():
    x, y = text.char_windows(np.arange(10), seq_length=4, step=3)
    assert x.tolist() == [[0, 1, 2, 3], [3, 4, 5, 6]]
    assert y.tolist() == [[1, 2, 3, 4], [4, 5, 6, 7]]
    with pytest.raises(ValueError, match="step must be a positive integer. Received: step=0"):
        text.char_windows(np.arange(10), 4, step=0)
    with pytest.raises(ValueError, match="longer than seq_length=10"):
        text.char_windows(np.arange(10), 10)


def test_load_data_keeps_the_end_of_the_play_for_testing():
    (x_train, y_train), (x_test, y_test) = text.load_data(seq_length=50, test_split=0.1)
    ids = text.get_vocabulary().encode(text.load_text())
    cut = len(ids) - round(len(ids) * 0.1)
    assert x_train.shape == y_train.shape and x_train.shape[1] == 50
    np.testing.assert_array_equal(x_train[0], ids[:50])
    np.testing.assert_array_equal(x_test[0], ids[cut:cut + 50])
    np.testing.assert_array_equal(x_train[:, 1:], y_train[:, :-1])
    assert x_train.shape[0] == (cut - 1) // 50 and x_test.shape[0] == (len(ids) - cut - 1) // 50
    with pytest.raises(ValueError, match="test_split must lie in \\[0, 1\\)"):
        text.load_data(test_split=1.0)


# -- many-to-one: the adding problem ------------------------------------------------------


def test_adding_problem_marks_one_value_in_each_half_and_sums_them():
    x, y = adding_problem.make_data(500, 30, np.random.default_rng(1))
    values, markers = x[..., 0], x[..., 1]
    assert x.dtype == y.dtype == np.float32 and x.shape == (500, 30, 2) and y.shape == (500, 1)
    assert ((values >= 0) & (values < 1)).all()
    np.testing.assert_array_equal(markers[:, :15].sum(axis=1), 1.0)
    np.testing.assert_array_equal(markers[:, 15:].sum(axis=1), 1.0)
    np.testing.assert_allclose(y[:, 0], (values * markers).sum(axis=1), rtol=1e-6)


def test_answering_one_scores_the_stated_baseline_of_one_sixth():
    _, y = adding_problem.make_data(200_000, 4, np.random.default_rng(2))
    assert np.mean((y - 1.0) ** 2) == pytest.approx(adding_problem.BASELINE_MSE, rel=0.01)


def test_adding_problem_refuses_a_sequence_without_two_halves():
    with pytest.raises(ValueError, match=r"length must be an integer >= 2.*Received: length=1"):
        adding_problem.make_data(3, 1)
    with pytest.raises(ValueError, match=r"cell must be one of .*Received: cell='rnn'"):
        adding_problem.build_model("rnn", 10)


@pytest.fixture
def float64_layers():
    db.backend.set_floatx("float64")
    yield
    db.backend.set_floatx("float32")


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
def test_input_gradient_norms_match_finite_differences(float64_layers, cell):
    db.utils.set_random_seed(3)
    model = adding_problem.build_model(cell, 6, units=4)
    x, y = adding_problem.make_data(3, 6, np.random.default_rng(3))
    x, y = x.astype(np.float64), y.astype(np.float64)
    norms = adding_problem.input_gradient_norms(model, x, y)

    def loss(inputs):
        with db.no_grad():
            return float((((model(inputs).numpy() - y)) ** 2).sum())

    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = 1e-6
        grad[index] = (loss(x + step) - loss(x - step)) / 2e-6
    expected = np.sqrt((grad ** 2).sum(axis=2).mean(axis=0))
    np.testing.assert_allclose(norms, expected, rtol=1e-5)


def test_on_short_sequences_both_cells_learn_and_the_lstm_opens_its_memory(tmp_path):
    results = adding_problem.run(**adding_problem.SMALL_BUDGET, output_dir=tmp_path)
    budget = adding_problem.SMALL_BUDGET
    for cell in ("lstm", "simple_rnn"):
        assert len(results[f"{cell}_grad_norms_init"]) == budget["length"]
        assert np.all(np.isfinite(results[f"{cell}_grad_norms_trained"]))
        assert len(results[f"{cell}_test_mse_per_epoch"]) == budget["epochs"]
        assert results[f"{cell}_test_mse"] < adding_problem.BASELINE_MSE
    assert results["lstm_test_mse"] < 0.5 * adding_problem.BASELINE_MSE
    # At initialisation the forget gates (bias 1) let little gradient through to step 1;
    # training opens them, because the first marked value must be remembered.
    assert (results["lstm_grad_first_over_last_trained"]
            > 10 * results["lstm_grad_first_over_last_init"])
    assert (tmp_path / "adding_problem.png").stat().st_size > 10_000
    assert "LSTM: test MSE" in adding_problem.summary(results)


# -- one-to-many: the character-level language model --------------------------------------


def test_sampling_follows_the_softmax_of_the_scaled_logits():
    logits = np.array([1.0, 2.0, 0.0, -1.0])
    rng = np.random.default_rng(4)
    for temperature in (0.5, 1.0, 2.0):
        draws = [char_lm.sample(logits, temperature, rng) for _ in range(20_000)]
        frequencies = np.bincount(draws, minlength=4) / len(draws)
        expected = np.exp(logits / temperature) / np.exp(logits / temperature).sum()
        np.testing.assert_allclose(frequencies, expected, atol=0.015)
    assert char_lm.sample(logits, 0.0, None) == 1


def test_sampling_at_extreme_logits_stays_finite():
    rng = np.random.default_rng(5)
    assert char_lm.sample(np.array([1000.0, -1000.0, 999.0]), 0.01, rng) == 0
    assert char_lm.sample(np.array([-1000.0, 1000.0]), 100.0, rng) in (0, 1)


def test_language_model_small_run_learns_and_writes_the_play_s_characters(tmp_path):
    results = char_lm.run(**char_lm.SMALL_BUDGET, temperatures=(0.0, 1.0), seed=1,
                          output_dir=tmp_path)
    # Untrained, the network is a near-uniform guess over the 64 characters: ln 64 = 4.16.
    assert results["loss_before"] == pytest.approx(math.log(64), abs=0.1)
    # Trained, it beats the best guess that ignores context: the training part's character
    # frequencies, scored on the test part.
    (x_train, _), (x_test, _) = text.load_data(40, 20, max_chars=char_lm.SMALL_BUDGET["max_chars"])
    frequencies = np.bincount(x_train.ravel(), minlength=64) + 1.0
    unigram = -np.log(frequencies / frequencies.sum())[x_test].mean()
    assert results["loss_after"] < unigram - 0.3
    assert results["bits_per_char"] == pytest.approx(results["loss_after"] / math.log(2))
    vocabulary = set(text.get_vocabulary().chars)
    for written in results["samples"].values():
        assert len(written) == char_lm.SMALL_BUDGET["sample_length"]
        assert set(written) <= vocabulary
    assert (tmp_path / "char_lm.png").stat().st_size > 10_000
    assert "--- temperature 1.0 ---" in (tmp_path / "samples.txt").read_text()


def test_generation_carries_the_states_exactly_as_the_full_sequence_would():
    db.utils.set_random_seed(6)
    lm = char_lm.CharLanguageModel(text.get_vocabulary(), units=16, embedding_dim=8)
    prompt = "HAMLET:\n"
    written = lm.generate(prompt, 12, temperature=0.0)
    ids = lm.vocabulary.encode(prompt + written)[None, :]
    with db.no_grad():
        logits = lm.model(ids).numpy()[0]
    # Greedy step t chose the argmax given everything before it.
    np.testing.assert_array_equal(logits[len(prompt) - 1:-1].argmax(axis=-1), ids[0, len(prompt):])
    rng_a, rng_b = np.random.default_rng(7), np.random.default_rng(7)
    assert lm.generate(prompt, 30, 1.0, rng_a) == lm.generate(prompt, 30, 1.0, rng_b)


def test_generation_errors_name_the_argument():
    lm = char_lm.CharLanguageModel(text.CharVocabulary("ab"), units=2, embedding_dim=2)
    with pytest.raises(ValueError, match="prompt of at least one character"):
        lm.generate("", 3)
    with pytest.raises(ValueError, match=r"temperature must be >= 0.*Received: temperature=-1"):
        lm.generate("a", 3, temperature=-1)
    with pytest.raises(ValueError, match=r"length must be a positive integer.*length=0"):
        lm.generate("a", 0)
    with pytest.raises(ValueError, match=r"characters \['z'\] are not in the vocabulary"):
        lm.generate("az", 3)


# -- synchronous many-to-many: tagging ----------------------------------------------------


def test_tagging_sentences_are_padded_at_the_end_only():
    x, y = tagging.make_data(2000, np.random.default_rng(8))
    real = x > 0
    assert x.shape == y.shape == (2000, tagging.MAX_LENGTH) and x.dtype == np.int32
    lengths = real.sum(axis=1)
    np.testing.assert_array_equal(real, np.arange(tagging.MAX_LENGTH) < lengths[:, None])
    assert lengths.min() >= 2 and (y[~real] == 0).all()


def test_left_context_decides_the_tag_of_an_ambiguous_word():
    x, y = tagging.make_data(3000, np.random.default_rng(9))
    ambiguous = tagging.ambiguous_words(x)
    ambiguous[:, 0] = False  # the grammar never starts a sentence with one; checked below
    assert not tagging.ambiguous_words(x)[:, 0].any()
    before = np.roll(y, 1, axis=1)[ambiguous]
    tags = y[ambiguous]
    noun, verb = tagging.TAGS.index("NOUN"), tagging.TAGS.index("VERB")
    after_det_or_adj = np.isin(before, [tagging.TAGS.index("DET"), tagging.TAGS.index("ADJ")])
    np.testing.assert_array_equal(tags[after_det_or_adj], noun)
    np.testing.assert_array_equal(tags[~after_det_or_adj], verb)
    assert 0.3 < (tags == noun).mean() < 0.7  # both readings are common


def test_accuracies_count_real_words_only():
    x = np.array([[5, 6, 0], [7, 0, 0]])
    y = np.array([[1, 2, 0], [3, 0, 0]])
    predicted = np.array([[1, 0, 4], [3, 5, 5]])
    scores = tagging.accuracies(x, y, predicted)
    assert scores["token_accuracy"] == pytest.approx(2 / 3)
    assert scores["sentence_accuracy"] == 0.5
    assert scores["accuracy_by_position"] == [1.0, 0.0]


def test_lstm_tagger_beats_the_word_by_word_baseline_on_ambiguous_words(tmp_path):
    results = tagging.run(**tagging.SMALL_BUDGET, output_dir=tmp_path)
    assert results["baseline_ambiguous_accuracy"] < 0.75
    assert results["ambiguous_accuracy"] > results["baseline_ambiguous_accuracy"] + 0.1
    assert results["token_accuracy"] > results["baseline_token_accuracy"]
    assert (tmp_path / "tagging.png").stat().st_size > 10_000
    assert "per-step accuracy" in tagging.summary(results)


# -- asynchronous many-to-many: date translation ------------------------------------------

_PARSE = ("%B %d %Y", "%d %B %Y", "%b %d, %Y", "%d.%m.%Y", "the %d of %B %Y")


def test_every_source_format_spells_the_target_date():
    sources, targets, formats = translation.make_dates(3000, np.random.default_rng(10))
    assert set(formats.tolist()) == set(range(len(translation.FORMATS)))
    for source, target, f in zip(sources, targets, formats):
        if f == 4:  # strptime has no ordinal suffixes: 'the 3rd of' -> 'the 3 of'
            source = source.replace(source.split()[1], source.split()[1][:-2], 1)
        parsed = datetime.datetime.strptime(source, _PARSE[f]).date()
        assert parsed.isoformat() == target
    assert max(map(len, sources)) <= translation.SOURCE_LENGTH
    assert min(targets) >= "1900-01-01" and max(targets) <= "2099-12-31"


def test_sources_are_right_aligned_ids_and_decode_back():
    ids = translation.encode(["may 1 2000", "1.1.1901"], translation.SOURCE_CHARS,
                             translation.SOURCE_LENGTH, 1)
    assert ids.shape == (2, translation.SOURCE_LENGTH)
    assert (ids[0, :-10] == 0).all() and (ids[0, -10:] > 0).all()
    pad = translation.SOURCE_CHARS[0]
    assert translation.decode(ids, translation.SOURCE_CHARS) == [
        "may 1 2000".rjust(translation.SOURCE_LENGTH, pad),
        "1.1.1901".rjust(translation.SOURCE_LENGTH, pad)]
    with pytest.raises(ValueError, match=r"characters \['!'\] are not in the alphabet"):
        translation.encode(["may 1!"], translation.SOURCE_CHARS, translation.SOURCE_LENGTH, 1)


def test_teacher_forcing_shifts_the_targets_behind_a_start_token():
    targets = np.array([[3, 4, 5], [6, 7, 8]], np.int32)
    np.testing.assert_array_equal(translation.DateTranslator.teacher_inputs(targets),
                                  [[0, 3, 4], [0, 6, 7]])


def test_translator_small_run_learns_the_layout_and_decodes_consistently(tmp_path):
    results = translation.run(**translation.SMALL_BUDGET, output_dir=tmp_path)
    assert results["char_accuracy"] > 0.8
    assert 0.2 < results["exact_match"] <= results["char_accuracy"]
    assert len(results["exact_match_by_format"]) == len(translation.FORMATS)
    assert all(len(written) == translation.TARGET_LENGTH for _, written in results["examples"])
    assert (tmp_path / "translation.png").stat().st_size > 10_000


def test_greedy_decoding_agrees_with_the_teacher_forced_model_on_its_own_output():
    db.utils.set_random_seed(11)
    translator = translation.DateTranslator(units=8, embedding_dim=4)
    sources, _, _ = translation.make_dates(16, np.random.default_rng(11))
    x = translation.encode(sources, translation.SOURCE_CHARS, translation.SOURCE_LENGTH, 1)
    greedy = translator.translate(x)
    with db.no_grad():
        probabilities = translator.model([x, translator.teacher_inputs(greedy)]).numpy()
    np.testing.assert_array_equal(probabilities.argmax(axis=-1), greedy)


# -- what all four share ------------------------------------------------------------------

DEMOS = {"adding_problem": adding_problem, "char_lm": char_lm, "tagging": tagging,
         "translation": translation}


@pytest.mark.parametrize("name", DEMOS)
def test_a_budget_that_is_not_a_positive_integer_is_refused_before_training(name):
    with pytest.raises(ValueError, match=rf"^{name}: epochs must be a positive integer. "
                                         rf"Received: epochs=0$"):
        DEMOS[name].run(epochs=0)


@pytest.mark.parametrize("name", DEMOS)
def test_each_example_runs_its_demo_at_full_size_and_prints_the_summary(name, monkeypatch,
                                                                         capsys):
    module = DEMOS[name]
    path = Path(__file__).parents[2] / "examples" / f"rnn_{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_rnn_{name}", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    calls = []

    def recorded_run(**kwargs):
        inspect.signature(module.run).bind(**kwargs)  # only arguments that run() takes
        calls.append(kwargs)
        return {"recorded": True}

    monkeypatch.setattr(module, "run", recorded_run)
    monkeypatch.setattr(module, "summary", lambda results: f"summary of {sorted(results)}")
    example.main()
    assert len(calls) == 1 and calls[0]["output_dir"] == f"out/rnn_{name}"
    assert not set(calls[0]) & set(module.SMALL_BUDGET) - {"length"}  # full-size defaults
    assert capsys.readouterr().out == "summary of ['recorded']\n"


@pytest.mark.parametrize("module", [text, *DEMOS.values()], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    runner = doctest.DebugRunner()  # raises at the first example that fails, with its output
    # A demo module's own docstring example is run(**SMALL_BUDGET), trained above already.
    examples = [t for t in doctest.DocTestFinder().find(module)
                if t.examples and (module is text or t.name != module.__name__)]
    for example in examples:
        runner.run(example)
    assert runner.tries > 0
