"""Data utilities: one-hot labels, scaling, batching arrays, Sequences and generators."""

import numpy as np
import pytest

from deepbricks import backend
from deepbricks.utils.data import (
    PyDataset,
    Sequence,
    batches,
    iter_batches,
    normalize,
    num_batches,
    rescale,
    standardize,
    to_categorical,
    unpack_x_y_sample_weight,
)


@pytest.mark.parametrize("labels", [np.array([2, 0, 1]), np.array([[2], [0], [1]]), [2, 0, 1]],
                         ids=["(N,)", "(N,1)", "list"])
def test_to_categorical_turns_labels_into_float32_one_hot_rows(labels):
    out = to_categorical(labels, num_classes=4)
    np.testing.assert_array_equal(out, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
    assert out.dtype == np.float32


def test_to_categorical_infers_the_class_count_and_keeps_leading_axes():
    assert to_categorical(np.array([0, 3])).shape == (2, 4)
    out = to_categorical(np.array([[0, 1, 2], [2, 1, 0]], dtype=np.uint8))
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out.argmax(-1), [[0, 1, 2], [2, 1, 0]])


def test_to_categorical_accepts_whole_floats_and_follows_floatx(monkeypatch):
    monkeypatch.setattr(backend, "_floatx", "float64")
    out = to_categorical(np.array([1.0, 0.0]))
    np.testing.assert_array_equal(out, [[0, 1], [1, 0]])
    assert out.dtype == np.float64


def test_to_categorical_matches_keras():
    keras = pytest.importorskip("keras")
    labels = np.array([[3], [0], [9], [3]])
    np.testing.assert_array_equal(to_categorical(labels, 10),
                                  keras.utils.to_categorical(labels, 10))


@pytest.mark.parametrize("labels, num_classes, message", [
    ([0, 3], 3, r"label 3 is outside \[0, 3\) for num_classes=3"),
    ([-1, 0], 2, r"label -1 is outside \[0, 2\)"),
    ([0.5, 1.0], None, r"expects integer class labels.*dtype float64"),
    (["cat", "dog"], None, r"expects integer class labels.*dtype <U3"),
    ([], None, r"cannot infer num_classes from empty labels"),
    ([0, 1], 0, r"num_classes must be a positive integer. Received: num_classes=0"),
])
def test_to_categorical_explains_bad_labels(labels, num_classes, message):
    with pytest.raises(ValueError, match=message):
        to_categorical(labels, num_classes)


def test_normalize_gives_unit_rows_and_leaves_zero_rows_alone():
    x = np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32)
    out = normalize(x)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    assert out.dtype == np.float32


def test_normalize_along_other_axes_and_orders():
    x = np.array([[1.0, -3.0], [1.0, 1.0]])
    np.testing.assert_allclose(normalize(x, axis=0, order=1), [[0.5, -0.75], [0.5, 0.25]])
    np.testing.assert_allclose(normalize(x, order=np.inf), [[1 / 3, -1.0], [1.0, 1.0]])
    assert normalize(np.array([[3, 4]])).dtype == np.float32


def test_normalize_matches_keras():
    keras = pytest.importorskip("keras")
    x = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_allclose(normalize(x, order=2), keras.utils.normalize(x, order=2))


def test_standardize_uses_its_own_statistics_or_the_given_ones():
    x = np.array([[1.0, 10.0], [3.0, 30.0]], dtype=np.float32)
    out = standardize(x)
    np.testing.assert_allclose(out, [[-1, -1], [1, 1]], rtol=1e-5)
    assert out.dtype == np.float32
    test = standardize(np.array([[2.0, 40.0]], dtype=np.float32), x.mean(0), x.std(0))
    np.testing.assert_allclose(test, [[0.0, 2.0]], rtol=1e-5)
    np.testing.assert_array_equal(standardize(np.ones((3, 2))), np.zeros((3, 2)))


def test_rescale_maps_pixels_to_the_unit_interval_or_to_minus_one_one():
    pixels = np.array([0, 51, 255], dtype=np.uint8)
    out = rescale(pixels)
    np.testing.assert_allclose(out, [0.0, 0.2, 1.0], rtol=1e-6)
    assert out.dtype == np.float32
    np.testing.assert_allclose(rescale(pixels, 1 / 127.5, -1.0), [-1.0, -0.6, 1.0], rtol=1e-6)
    assert rescale(pixels, dtype="float64").dtype == np.float64
    with pytest.raises(ValueError, match="dtype must be a float type.*Received: dtype=int32"):
        rescale(pixels, dtype="int32")


def test_batches_cover_every_sample_once_in_order_with_a_short_last_batch():
    x, y = np.arange(10).reshape(10, 1), np.arange(10) * 10
    got = list(batches(x, y, batch_size=4))
    assert [len(xb) for xb, _ in got] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([xb for xb, _ in got])[:, 0], np.arange(10))
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in got]), np.arange(10) * 10)
    assert num_batches(10, 4) == 3


def test_batches_without_shuffle_are_views_not_copies():
    x = np.zeros((6, 3))
    first = next(batches(x, batch_size=4))
    assert np.shares_memory(first, x)


def test_batches_without_targets_yield_inputs_alone():
    assert [b.tolist() for b in batches(np.arange(5), batch_size=2)] == [[0, 1], [2, 3], [4]]


def test_shuffled_batches_keep_pairs_together_and_repeat_with_the_same_seed():
    x, y = np.arange(20), np.arange(20) * 2
    first = list(batches(x, y, batch_size=6, shuffle=True, rng=7))
    for xb, yb in first:
        np.testing.assert_array_equal(yb, xb * 2)
    order = np.concatenate([xb for xb, _ in first])
    assert sorted(order.tolist()) == list(range(20)) and order.tolist() != list(range(20))
    again = np.concatenate([xb for xb, _ in batches(x, y, 6, shuffle=True, rng=7)])
    np.testing.assert_array_equal(order, again)


def test_shuffling_draws_from_the_shared_generator_by_default(monkeypatch):
    monkeypatch.setattr(backend, "_rng", backend.rng())
    x = np.arange(50)
    backend.seed_generator(3)
    first = np.concatenate(list(batches(x, batch_size=8, shuffle=True)))
    second = np.concatenate(list(batches(x, batch_size=8, shuffle=True)))
    backend.seed_generator(3)
    replay = np.concatenate(list(batches(x, batch_size=8, shuffle=True)))
    np.testing.assert_array_equal(first, replay)
    assert not np.array_equal(first, second)


def test_batches_keep_the_structure_of_several_inputs():
    x = {"image": np.zeros((5, 2, 2)), "meta": np.arange(5)}
    y = (np.arange(5), np.ones((5, 3)))
    xb, yb = next(batches(x, y, batch_size=3, shuffle=True, rng=0))
    assert set(xb) == {"image", "meta"} and xb["image"].shape == (3, 2, 2)
    assert isinstance(yb, tuple) and yb[1].shape == (3, 3)
    np.testing.assert_array_equal(xb["meta"], yb[0])


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(x=np.zeros(5), y=np.zeros(4)), ValueError,
     r"same number of samples.*Received shapes: \(5,\), \(4,\)"),
    (dict(x=np.float32(1.0)), ValueError, r"needs a leading sample axis"),
    (dict(x=np.zeros(5), batch_size=0), ValueError, r"batch_size must be a positive integer"),
    (dict(x=[]), ValueError, r"x holds no arrays"),
    (dict(x=np.zeros(5), shuffle=True, rng="seed"), TypeError, r"rng must be a numpy Generator"),
])
def test_batches_explain_bad_arguments_at_call_time(kwargs, error, message):
    with pytest.raises(error, match=message):
        batches(**kwargs)


class Squares(Sequence):
    """Batch i is (x, x**2) for x in [2i, 2i + 2); counts the epochs it has seen."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n, self.ended, self.begun = n, 0, 0

    def __len__(self):
        return -(-self.n // 2)

    def __getitem__(self, i):
        x = np.arange(2 * i, min(2 * i + 2, self.n))
        return x, x**2

    def on_epoch_begin(self):
        self.begun += 1

    def on_epoch_end(self):
        self.ended += 1


def test_a_sequence_iterates_its_batches_and_hears_about_each_epoch():
    data = Squares(5)
    got = list(iter_batches(data))
    assert [x.tolist() for x, _ in got] == [[0, 1], [2, 3], [4]]
    assert (data.begun, data.ended) == (1, 1)
    assert [x.tolist() for x, _ in data] == [[0, 1], [2, 3], [4]]
    assert data.num_batches == 3


def test_a_shuffled_sequence_visits_every_batch_once_and_steps_cut_an_epoch_short():
    data = Squares(10)
    order = [int(x[0]) // 2 for x, _ in iter_batches(data, shuffle=True, rng=1)]
    assert sorted(order) == [0, 1, 2, 3, 4] and order != [0, 1, 2, 3, 4]
    assert len(list(iter_batches(data, steps=2))) == 2


def test_keras_style_subclasses_may_pass_the_worker_arguments():
    data = Squares(4, workers=2, use_multiprocessing=False, max_queue_size=5)
    assert (data.workers, data.max_queue_size) == (2, 5)
    assert PyDataset is Sequence


def test_a_sequence_without_len_or_getitem_says_what_to_define():
    class Empty(Sequence):
        pass

    with pytest.raises(NotImplementedError, match="Empty must define __len__"):
        list(iter_batches(Empty()))
    with pytest.raises(NotImplementedError, match=r"must define __getitem__\(index\)"):
        Empty()[0]


def test_a_generator_streams_on_from_where_the_last_epoch_stopped():
    def stream():
        i = 0
        while True:
            yield np.full(2, i), np.full(2, -i)
            i += 1

    source = stream()
    first = [int(x[0]) for x, _ in iter_batches(source, steps=3)]
    second = [int(x[0]) for x, _ in iter_batches(source, steps=3)]
    assert (first, second) == ([0, 1, 2], [3, 4, 5])


def test_a_finite_generator_ends_the_epoch_when_it_runs_out():
    source = ((np.zeros(1), np.zeros(1)) for _ in range(2))
    assert len(list(iter_batches(source, steps=5))) == 2
    assert list(iter_batches(source)) == []


def test_a_list_of_batches_is_replayed_every_epoch():
    epoch = [(np.zeros(2), np.ones(2))] * 3
    assert len(list(iter_batches(epoch))) == len(list(iter_batches(epoch))) == 3


@pytest.mark.parametrize("data, error, message", [
    (np.zeros((4, 2)), TypeError, r"Received: ndarray; for arrays in memory use batches"),
    (42, TypeError, r"expects a Sequence, a generator or an iterable of batches"),
    ([], ValueError, r"steps must be a positive integer or None. Received: steps=0"),
])
def test_iter_batches_explains_what_it_accepts(data, error, message):
    with pytest.raises(error, match=message):
        iter_batches(data, steps=0 if error is ValueError else None)


def test_unpack_x_y_sample_weight_fills_the_missing_parts_with_none():
    x, y, w = np.zeros(2), np.ones(2), np.full(2, 0.5)
    assert unpack_x_y_sample_weight(x)[1:] == (None, None)
    assert unpack_x_y_sample_weight((x,))[1:] == (None, None)
    assert unpack_x_y_sample_weight([x, y])[1] is y
    assert unpack_x_y_sample_weight((x, y, w))[2] is w
    with pytest.raises(ValueError, match=r"Received: a tuple of 4 items"):
        unpack_x_y_sample_weight((x, y, w, w))
