"""Stateful metrics against Keras 3: several weighted batches, reset_state, configs and names.

Each row of the table builds the same metric in deepbricks and in Keras, feeds both the same
random batches (three with random per-sample weights, one without) and compares the results
after every batch, then after a reset and one more batch.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import deepbricks as db
from deepbricks import metrics
from tests.losses.keras_reference import load_keras, to_numpy

N = 16


@pytest.fixture(scope="module")
def keras():
    return load_keras()


def binary(rng):
    return rng.integers(0, 2, (N, 1)), rng.uniform(0, 1, (N, 1))


def binary_flat(rng):
    return rng.integers(0, 2, N).astype("float32"), rng.uniform(0, 1, N)


def multi_label(rng):
    return rng.integers(0, 2, (N, 3)), rng.uniform(0, 1, (N, 3))


def binary_logits(rng):
    return rng.integers(0, 2, (N, 3)), 4 * rng.standard_normal((N, 3))


def separable(rng):
    # Scores that lean towards the label, so that AUC and precision are far from 0.5.
    y_true = rng.integers(0, 2, (N, 1))
    return y_true, np.clip(0.3 * y_true + rng.uniform(0, 0.7, (N, 1)), 0, 1)


def one_hot(rng, classes=10):
    return np.eye(classes)[rng.integers(0, classes, N)], rng.dirichlet(np.ones(classes), N)


def sparse(rng, classes=10):
    return rng.integers(0, classes, N), rng.dirichlet(np.ones(classes), N)


def sparse_column(rng, classes=10):
    return rng.integers(0, classes, (N, 1)), rng.dirichlet(np.ones(classes), N)


def sparse_sequence(rng, classes=5):
    return rng.integers(0, classes, (N, 4)), rng.dirichlet(np.ones(classes), (N, 4))


def one_hot_logits(rng, classes=5):
    return np.eye(classes)[rng.integers(0, classes, N)], 3 * rng.standard_normal((N, classes))


def regression(rng):
    return rng.standard_normal((N, 3)), rng.standard_normal((N, 3))


def positive(rng):
    return rng.uniform(0.1, 3, (N, 3)), rng.uniform(0.1, 3, (N, 3))


def labels_equal_predictions_sometimes(rng):
    y_true = rng.integers(0, 3, (N, 1))
    return y_true, np.where(rng.random((N, 1)) < 0.6, y_true, rng.integers(0, 3, (N, 1)))


@dataclass
class MetricCase:
    id: str
    ours: Callable  # metrics module -> Metric
    theirs: Callable  # keras.metrics module -> Metric
    data: Callable  # rng -> (y_true, y_pred)

    def __str__(self):
        return self.id


def same(name, data, **kwargs):
    """A row whose class name and arguments are the same in both frameworks."""
    suffix = "".join(f"-{k}={v}" for k, v in kwargs.items())
    return MetricCase(name + suffix, lambda m: getattr(m, name)(**kwargs),
                      lambda m: getattr(m, name)(**kwargs), data)


CASES = [
    same("Accuracy", labels_equal_predictions_sometimes),
    same("BinaryAccuracy", binary),
    same("BinaryAccuracy", multi_label, threshold=0.7),
    same("CategoricalAccuracy", one_hot),
    same("SparseCategoricalAccuracy", sparse),
    same("SparseCategoricalAccuracy", sparse_column),
    same("SparseCategoricalAccuracy", sparse_sequence),
    same("TopKCategoricalAccuracy", one_hot),
    same("TopKCategoricalAccuracy", one_hot, k=2),
    same("SparseTopKCategoricalAccuracy", sparse),
    same("SparseTopKCategoricalAccuracy", sparse_column, k=3),
    same("MeanSquaredError", regression),
    same("MeanAbsoluteError", regression),
    same("MeanAbsolutePercentageError", regression),
    same("MeanSquaredLogarithmicError", positive),
    same("RootMeanSquaredError", regression),
    same("CosineSimilarity", regression),
    same("LogCoshError", regression),
    same("BinaryCrossentropy", multi_label),
    same("BinaryCrossentropy", binary_logits, from_logits=True, label_smoothing=0.1),
    same("CategoricalCrossentropy", one_hot),
    same("CategoricalCrossentropy", one_hot_logits, from_logits=True, label_smoothing=0.2),
    same("SparseCategoricalCrossentropy", sparse),
    same("KLDivergence", lambda rng: (rng.dirichlet(np.ones(4), N), rng.dirichlet(np.ones(4), N))),
    same("Poisson", positive),
    same("Hinge", multi_label),
    same("SquaredHinge", binary_logits),
    same("CategoricalHinge", one_hot_logits),
    same("TruePositives", binary),
    same("FalsePositives", multi_label, thresholds=[0.2, 0.8]),
    same("TrueNegatives", binary),
    same("FalseNegatives", binary_flat),
    same("Precision", separable),
    same("Precision", multi_label, thresholds=[0.7, 0.3, 0.5]),
    same("Precision", multi_label, thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
    same("Precision", one_hot, top_k=3),
    same("Precision", one_hot, class_id=2, thresholds=0.1),
    same("Precision", one_hot, top_k=2, class_id=4),
    same("Recall", separable),
    same("Recall", multi_label, thresholds=[0.1, 0.9]),
    same("Recall", one_hot, top_k=3),
    same("Recall", one_hot, class_id=1, thresholds=0.1),
    same("AUC", separable),
    same("AUC", binary_flat, num_thresholds=7),
    same("AUC", multi_label, curve="PR"),
    same("AUC", separable, curve="PR", summation_method="minoring"),
    same("AUC", separable, curve="ROC", summation_method="majoring"),
    same("AUC", separable, curve="PRGAIN"),
    same("AUC", multi_label, thresholds=[0.1, 0.35, 0.4, 0.9]),
    same("AUC", multi_label, multi_label=True),
    same("AUC", multi_label, multi_label=True, num_labels=3, label_weights=[0.2, 1.0, 0.5]),
    same("AUC", binary_logits, from_logits=True, curve="PR"),
]  # fmt: skip


def batches(case, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for weighted in (True, True, True, False):
        y_true, y_pred = case.data(rng)
        weights = rng.uniform(0.0, 2.0, N).astype("float32") if weighted else None
        out.append((y_true, np.asarray(y_pred, "float32"), weights))
    return out


def check_same(ours, theirs, where):
    want = to_numpy(theirs.result())
    got = ours.result()
    assert isinstance(got, float) if want.ndim == 0 else got.shape == want.shape, where
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=where)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_accumulated_weighted_batches_match_keras(case, keras):
    ours, theirs = case.ours(metrics), case.theirs(keras.metrics)
    for step, (y_true, y_pred, weights) in enumerate(batches(case)):
        ours.update_state(y_true, y_pred, sample_weight=weights)
        theirs.update_state(y_true, y_pred, sample_weight=weights)
        check_same(ours, theirs, f"{case.id} after batch {step}")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_reset_state_starts_over(case, keras):
    ours, theirs = case.ours(metrics), case.theirs(keras.metrics)
    first, second = batches(case, seed=1)[:2]
    ours.update_state(*first[:2], sample_weight=first[2])
    theirs.update_state(*first[:2], sample_weight=first[2])
    ours.reset_state()
    theirs.reset_state()
    check_same(ours, theirs, f"{case.id} after reset")
    ours.update_state(*second[:2], sample_weight=second[2])
    theirs.update_state(*second[:2], sample_weight=second[2])
    check_same(ours, theirs, f"{case.id} after reset and one batch")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_config_contains_keras_config_and_round_trips(case, keras):
    ours = case.ours(metrics)
    config = ours.get_config()
    theirs = {key: to_numpy(value).tolist() if hasattr(value, "detach") else value
              for key, value in case.theirs(keras.metrics).get_config().items()}
    theirs.pop("name")  # Keras numbers repeated default names: 'precision_1', ...
    for key, value in theirs.items():
        if isinstance(value, list):  # label weights, which Keras keeps in float32
            np.testing.assert_allclose(config[key], value, rtol=1e-7)
        else:
            assert config[key] == value, key
    rebuilt = type(ours).from_config(config)
    assert rebuilt.get_config() == config
    (y_true, y_pred, weights), = batches(case)[:1]
    ours.update_state(y_true, y_pred, sample_weight=weights)
    rebuilt.update_state(y_true, y_pred, sample_weight=weights)
    np.testing.assert_array_equal(rebuilt.result(), ours.result())


@pytest.mark.parametrize("case", CASES, ids=str)
def test_default_name_is_the_keras_name(case, keras):
    assert case.ours(metrics).name == re.sub(r"_\d+$", "", case.theirs(keras.metrics).name)


ACCURACY_FUNCTIONS = [
    ("binary_accuracy", multi_label, {"threshold": 0.3}),
    ("categorical_accuracy", one_hot, {}),
    ("sparse_categorical_accuracy", sparse_column, {}),
    ("sparse_categorical_accuracy", sparse_sequence, {}),
    ("top_k_categorical_accuracy", one_hot, {"k": 3}),
    ("sparse_top_k_categorical_accuracy", sparse, {"k": 3}),
]


@pytest.mark.parametrize("name, data, kwargs", ACCURACY_FUNCTIONS,
                         ids=[f"{row[0]}-{row[1].__name__}" for row in ACCURACY_FUNCTIONS])
def test_accuracy_functions_match_keras(name, data, kwargs, keras):
    y_true, y_pred = data(np.random.default_rng(2))
    y_pred = y_pred.astype("float32")
    got = getattr(metrics, name)(y_true, y_pred, **kwargs)
    want = to_numpy(getattr(keras.metrics, name)(y_true, y_pred, **kwargs))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, want.reshape(got.shape))


def test_exact_accuracy_compares_labels_elementwise():
    got = metrics.accuracy(np.array([[1], [2], [3]]), np.array([1, 2, 4]))
    np.testing.assert_array_equal(got, [[1.0], [1.0], [0.0]])


def test_ignored_class_leaves_the_count_with_or_without_sample_weights(keras):
    y_true = np.array([0, 1, 1, 1])
    y_pred = np.full((4, 2), 0.5, "float32")
    weights = np.array([1.0, 2.0, 1.0, 1.0], "float32")
    ours = metrics.SparseCategoricalCrossentropy(ignore_class=1)
    theirs = keras.metrics.SparseCategoricalCrossentropy(ignore_class=1)
    ours.update_state(y_true, y_pred, sample_weight=weights)
    theirs.update_state(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(ours.result(), to_numpy(theirs.result()), rtol=1e-6)
    # Without weights Keras 3.15 counts ignored samples as zeros (its mask only meets
    # explicit weights); here they leave the count, as in the loss.
    ours.update_state(y_true, y_pred)
    assert ours.result() == pytest.approx(np.log(2.0))


def test_top_k_counts_ties_with_the_kth_score_as_hits(keras):
    y_pred = np.array([[0.1, 0.3, 0.3, 0.3]], "float32")
    got = metrics.sparse_top_k_categorical_accuracy(np.array([3]), y_pred, k=1)
    want = keras.metrics.sparse_top_k_categorical_accuracy(np.array([3]), y_pred, k=1)
    np.testing.assert_array_equal(got, to_numpy(want))
    assert got[0] == 1.0


def test_sparse_top_k_accepts_class_ids_sorted_by_score():
    m = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    m.update_state(np.array([4, 1, 7]), np.array([[4, 2, 9], [3, 1, 0], [0, 1, 7]]))
    assert m.result() == pytest.approx(2 / 3)


def test_mean_weights_values_per_sample():
    m = metrics.Mean()
    m.update_state(np.array([[1.0, 3.0], [5.0, 7.0]]), sample_weight=np.array([3.0, 1.0]))
    assert m.result() == pytest.approx((3 * 2 + 1 * 6) / 4)
    m.update_state(10.0)
    assert m.result() == pytest.approx((12 + 10) / 5)


@pytest.mark.parametrize("name", ["Mean", "Sum"])
def test_mean_and_sum_of_values_match_keras(name, keras):
    rng = np.random.default_rng(3)
    ours, theirs = getattr(metrics, name)(), getattr(keras.metrics, name)()
    for values, weights in [(rng.standard_normal((N, 3)), rng.uniform(0, 2, N)),
                            (rng.standard_normal(N), None),
                            (rng.standard_normal((N, 2)), rng.uniform(0, 2, (N, 2)))]:
        ours.update_state(values, sample_weight=weights)
        theirs.update_state(values.astype("float32"), sample_weight=weights)
        np.testing.assert_allclose(ours.result(), to_numpy(theirs.result()), rtol=1e-5)


def test_results_are_python_floats_and_empty_metrics_report_zero():
    for m in (metrics.Mean(), metrics.BinaryAccuracy(), metrics.Precision(), metrics.AUC(),
              metrics.RootMeanSquaredError(), metrics.AUC(multi_label=True)):
        assert m.result() == 0.0 and type(m.result()) is float


def test_precision_at_several_thresholds_returns_one_value_per_threshold_in_given_order():
    m = metrics.Precision(thresholds=[0.9, 0.1])
    m.update_state([1, 0, 1, 0], [0.95, 0.5, 0.5, 0.05])
    np.testing.assert_allclose(m.result(), [1.0, 2 / 3])


def test_auc_of_perfect_and_reversed_rankings():
    y_true, scores = np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.6, 0.9])
    perfect, reversed_ = metrics.AUC(), metrics.AUC()
    perfect.update_state(y_true, scores)
    reversed_.update_state(y_true, 1 - scores)
    assert perfect.result() == pytest.approx(1.0)
    assert reversed_.result() == pytest.approx(0.0, abs=1e-6)


def test_metrics_read_tensors_without_building_a_graph():
    y_pred = db.Tensor(np.array([[0.2, 0.8], [0.9, 0.1]], "float32"), requires_grad=True)
    m = metrics.CategoricalCrossentropy()
    assert m(np.eye(2)[[1, 0]], y_pred) == pytest.approx(-np.log([0.8, 0.9]).mean(), rel=1e-6)
    accuracy = metrics.CategoricalAccuracy()
    assert accuracy(db.Tensor(np.eye(2)[[1, 1]]), y_pred) == 0.5


def test_metric_subclass_gets_a_snake_case_name():
    class LargestValue(metrics.Metric):
        def update_state(self, values):
            self.value = max(values)

        def result(self):
            return self.value

        def reset_state(self):
            self.value = 0.0

    m = LargestValue()
    assert m.name == "largest_value" and m([1.0, 5.0, 2.0]) == 5.0


@pytest.mark.parametrize("identifier, cls", [
    ("accuracy", "Accuracy"),
    ("acc", "Accuracy"),
    ("binary_accuracy", "BinaryAccuracy"),
    ("categorical_accuracy", "CategoricalAccuracy"),
    ("sparse_categorical_accuracy", "SparseCategoricalAccuracy"),
    ("top_k_categorical_accuracy", "TopKCategoricalAccuracy"),
    ("sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy"),
    ("mse", "MeanSquaredError"),
    ("MSE", "MeanSquaredError"),
    ("mean_squared_error", "MeanSquaredError"),
    ("mae", "MeanAbsoluteError"),
    ("mape", "MeanAbsolutePercentageError"),
    ("msle", "MeanSquaredLogarithmicError"),
    ("root_mean_squared_error", "RootMeanSquaredError"),
    ("logcosh", "LogCoshError"),
    ("precision", "Precision"),
    ("recall", "Recall"),
    ("auc", "AUC"),
    ("AUC", "AUC"),
    ("binary_crossentropy", "BinaryCrossentropy"),
    ("kld", "KLDivergence"),
    ("hinge", "Hinge"),
])  # fmt: skip
def test_get_names_the_metric_as_the_user_wrote_it(identifier, cls):
    m = metrics.get(identifier)
    assert type(m).__name__ == cls
    assert m.name == identifier


def test_get_accepts_instances_classes_configs_and_functions():
    auc = metrics.AUC(curve="PR")
    assert metrics.get(auc) is auc
    assert metrics.get(None) is None
    assert isinstance(metrics.get(metrics.Recall), metrics.Recall)
    m = metrics.get({"class_name": "TopKCategoricalAccuracy", "config": {"k": 2}})
    assert m.k == 2
    wrapped = metrics.get(metrics.mean_absolute_error)
    assert isinstance(wrapped, metrics.MeanMetricWrapper)
    assert wrapped.name == "mean_absolute_error"
    assert wrapped(np.zeros((2, 2)), np.ones((2, 2))) == 1.0


def test_mean_metric_wrapper_config_round_trips_through_the_function_name():
    m = metrics.MeanMetricWrapper(metrics.huber, name="huber_half", delta=0.5)
    config = m.get_config()
    assert config == {"name": "huber_half", "dtype": "float32", "fn": "huber", "delta": 0.5}
    rebuilt = metrics.get({"class_name": "MeanMetricWrapper", "config": config})
    rebuilt.update_state(np.zeros((1, 1)), np.ones((1, 1)))
    assert rebuilt.result() == pytest.approx(0.375)
    with pytest.raises(ValueError, match=r"unknown metric function 'nope'.*categorical_accuracy"):
        metrics.MeanMetricWrapper.from_config({"fn": "nope"})


def test_get_rejects_unknown_names_listing_the_known_ones():
    with pytest.raises(ValueError, match=r"Unknown metric 'acuracy'. Did you mean 'accuracy'\?"
                                         r".*top_k_categorical_accuracy"):
        metrics.get("acuracy")
    with pytest.raises(ValueError, match=r"Could not interpret metric identifier 7"):
        metrics.get(7)


@pytest.mark.parametrize("loss, y_true, y_pred, cls", [
    ("sparse_categorical_crossentropy", (None,), (None, 10), "SparseCategoricalAccuracy"),
    ("SparseCategoricalCrossentropy", (32, 10), (32, 10), "SparseCategoricalAccuracy"),
    ("binary_crossentropy", (32,), (32,), "BinaryAccuracy"),
    ("bce", (32, 3), (32, 3), "BinaryAccuracy"),
    ("categorical_crossentropy", (32, 10), (32, 10), "CategoricalAccuracy"),
    ("mse", (32, 1), (32, 1), "BinaryAccuracy"),
    ("mse", (32,), (32, 10), "SparseCategoricalAccuracy"),
    ("mse", (32, 1), (32, 10), "SparseCategoricalAccuracy"),
    ("crossentropy", (None, 1), (None, 5), "SparseCategoricalAccuracy"),
    (None, (32, 10), (32, 10), "CategoricalAccuracy"),
])  # fmt: skip
def test_resolve_accuracy_picks_the_accuracy_keras_compile_would(loss, y_true, y_pred, cls):
    m = metrics.resolve_accuracy(loss, y_true, y_pred)
    assert type(m).__name__ == cls
    assert m.name == "accuracy"


def test_resolve_accuracy_reads_loss_objects_and_keeps_the_requested_name():
    from deepbricks import losses

    m = metrics.resolve_accuracy(losses.SparseCategoricalCrossentropy(from_logits=True),
                                 (8, 1), (8, 1), name="acc")
    assert isinstance(m, metrics.SparseCategoricalAccuracy) and m.name == "acc"
    m = metrics.resolve_accuracy(losses.LossFunctionWrapper(losses.binary_crossentropy),
                                 (8, 4), (8, 4))
    assert isinstance(m, metrics.BinaryAccuracy)


@pytest.mark.parametrize("make, update, message", [
    (lambda: metrics.Precision(), ([0, 1, 1], np.ones((3, 2))),
     r"precision expects y_true and y_pred of the same shape.*\(3,\).*\(3, 2\)"),
    (lambda: metrics.Precision(top_k=4), (np.eye(3), np.eye(3)),
     r"precision: top_k=4 exceeds the 3 scores"),
    (lambda: metrics.Recall(class_id=1), ([0, 1], [0.2, 0.7]),
     r"recall: class_id needs predictions of shape \(N, num_classes\)"),
    (lambda: metrics.AUC(multi_label=True), ([0, 1], [0.2, 0.7]),
     r"AUC with multi_label=True expects predictions of shape \(N, num_labels\)"),
    (lambda: metrics.Mean(), (np.ones(4), np.ones(3)),
     r"sample_weight of shape \(3,\) does not fit values of shape \(4,\)"),
    (lambda: metrics.SparseTopKCategoricalAccuracy(k=2), ([0, 5], np.ones((2, 3))),
     r"labels must lie in \[0, 3\)"),
    (lambda: metrics.SparseTopKCategoricalAccuracy(), (np.eye(3), np.ones((3, 3))),
     r"one integer label per row.*top_k_categorical_accuracy"),
])  # fmt: skip
def test_bad_input_raises_a_value_error_naming_the_metric_and_shapes(make, update, message):
    with pytest.raises(ValueError, match=message):
        make().update_state(*update)


@pytest.mark.parametrize("make, message", [
    (lambda: metrics.Precision(thresholds=[0.5, 1.5]), r"precision: thresholds must be .*\[0, 1\]"),
    (lambda: metrics.Recall(top_k=0), r"recall: top_k must be a positive integer"),
    (lambda: metrics.AUC(num_thresholds=1), r"AUC: num_thresholds must be an integer > 1"),
    (lambda: metrics.AUC(curve="RCO"), r"AUC: invalid curve='RCO'"),
    (lambda: metrics.AUC(summation_method="trapezoid"), r"AUC: invalid summation_method"),
    (lambda: metrics.AUC(num_labels=3), r"num_labels is needed only when multi_label=True"),
    (lambda: metrics.TopKCategoricalAccuracy(k=0)([[1, 0]], [[0.3, 0.7]]),
     r"k must be a positive integer"),
])  # fmt: skip
def test_bad_arguments_raise_a_value_error_naming_the_metric(make, message):
    with pytest.raises(ValueError, match=message):
        make()
