"""Loss classes: reductions and sample weights against Keras 3, configs, ``get`` and errors."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import losses
from deepbricks.autograd import gradcheck
from tests.losses.keras_reference import load_keras, to_numpy


@pytest.fixture(scope="module")
def keras():
    return load_keras()


def regression(rng):
    return rng.standard_normal((6, 3)), rng.standard_normal((6, 3))


def probabilities(rng):
    return np.eye(4)[rng.integers(0, 4, 6)], rng.dirichlet(np.ones(4), 6)


def logits(rng):
    return np.eye(4)[rng.integers(0, 4, 6)], 3 * rng.standard_normal((6, 4))


def labels(rng):
    return rng.integers(0, 4, 6), rng.dirichlet(np.ones(4), 6)


def binary(rng):
    return rng.integers(0, 2, (6, 1)).astype(float), rng.uniform(0.05, 0.95, (6, 1))


def binary_vector_labels(rng):
    # (N,) targets against (N, 1) predictions: the class aligns the ranks.
    return rng.integers(0, 2, 6).astype(float), rng.uniform(0.05, 0.95, (6, 1))


# (class name, constructor kwargs, data)
CLASSES = [
    ("MeanSquaredError", {}, regression),
    ("MeanAbsoluteError", {}, regression),
    ("MeanAbsolutePercentageError", {}, regression),
    ("MeanSquaredLogarithmicError", {}, lambda rng: (rng.uniform(0, 3, (6, 3)),
                                                     rng.uniform(0, 3, (6, 3)))),
    ("Huber", {"delta": 0.7}, regression),
    ("LogCosh", {}, regression),
    ("BinaryCrossentropy", {}, binary),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, binary_vector_labels),
    ("BinaryCrossentropy", {"from_logits": True}, logits),
    ("CategoricalCrossentropy", {}, probabilities),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, logits),
    ("SparseCategoricalCrossentropy", {}, labels),
    ("SparseCategoricalCrossentropy", {"from_logits": True},
     lambda rng: (rng.integers(0, 4, (6, 1)), 3 * rng.standard_normal((6, 4)))),
    ("SparseCategoricalCrossentropy", {"ignore_class": 2}, labels),
    ("KLDivergence", {}, lambda rng: (rng.dirichlet(np.ones(4), 6), rng.dirichlet(np.ones(4), 6))),
    ("Poisson", {}, lambda rng: (rng.poisson(2.0, (6, 3)).astype(float),
                                 rng.uniform(0.5, 4, (6, 3)))),
    ("Hinge", {}, lambda rng: (rng.integers(0, 2, (6, 3)).astype(float),
                               rng.standard_normal((6, 3)))),
    ("SquaredHinge", {}, lambda rng: (rng.choice([-1.0, 1.0], (6, 3)),
                                      rng.standard_normal((6, 3)))),
    ("CategoricalHinge", {}, logits),
    ("CosineSimilarity", {}, regression),
]  # fmt: skip
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def class_id(row):
    name, kwargs, _ = row
    return name + "".join(f"-{k}={v}" for k, v in kwargs.items())


def float32(*arrays):
    return [a.astype(np.float32) if a.dtype.kind == "f" else a for a in arrays]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("row", CLASSES, ids=class_id)
def test_weighted_reductions_match_keras(row, reduction, keras):
    name, kwargs, data = row
    rng = np.random.default_rng(0)
    y_true, y_pred = float32(*data(rng))
    weights = rng.uniform(0.0, 2.0, 6).astype(np.float32)
    ours = getattr(losses, name)(reduction=reduction, **kwargs)
    theirs = getattr(keras.losses, name)(reduction=reduction, **kwargs)
    for sample_weight in (None, weights):
        got = ours(y_true, db.Tensor(y_pred), sample_weight=sample_weight)
        want = to_numpy(theirs(y_true, y_pred, sample_weight=sample_weight))
        assert got.dtype == np.float32
        assert got.shape == want.shape
        np.testing.assert_allclose(got.numpy(), want, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("weight_shape", [(3, 5), (3, 5, 1)])
def test_per_timestep_weights_of_a_sequence_loss_match_keras(weight_shape, keras):
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 4, (3, 5)), rng.standard_normal((3, 5, 4)).astype("float32")
    weights = rng.uniform(0, 2, weight_shape).astype("float32")
    got = losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, y_pred, weights)
    want = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, y_pred, weights)
    np.testing.assert_allclose(got.numpy(), to_numpy(want), rtol=2e-6)


def test_a_per_sample_weight_weighs_every_timestep_of_that_sample():
    y_true, y_pred = np.zeros((2, 3, 1)), np.arange(6.0).reshape(2, 3, 1)
    got = losses.MeanSquaredError()(y_true, y_pred, sample_weight=np.array([1.0, 0.0]))
    np.testing.assert_allclose(got.numpy(), (0 + 1 + 4) / 6)


def test_scalar_sample_weight_scales_the_loss():
    y_true, y_pred = regression(np.random.default_rng(2))
    loss = losses.MeanAbsoluteError()
    np.testing.assert_allclose(loss(y_true, y_pred, sample_weight=2.5).numpy(),
                               2.5 * loss(y_true, y_pred).numpy())


def test_ignore_class_leaves_samples_out_of_the_average():
    y_true = np.array([0, 1, 1, 1])
    y_pred = np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])
    loss = losses.SparseCategoricalCrossentropy(ignore_class=1)
    np.testing.assert_allclose(loss(y_true, y_pred).numpy(), np.log(2.0))
    all_ignored = loss(np.ones(4, int), y_pred)
    assert all_ignored.numpy() == 0.0


@pytest.mark.parametrize("name, kwargs, data", [
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, probabilities),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 0}, labels),
    ("BinaryCrossentropy", {"from_logits": True}, logits),
    ("Huber", {"delta": 0.5}, regression),
])  # fmt: skip
def test_weighted_mean_loss_gradient_matches_finite_differences(name, kwargs, data):
    rng = np.random.default_rng(3)
    y_true, y_pred = data(rng)
    weights = rng.uniform(0.5, 2.0, 6)
    loss = getattr(losses, name)(**kwargs)
    assert gradcheck(lambda p: loss(y_true, p, sample_weight=weights), [y_pred])


def test_loss_result_is_a_scalar_tensor_that_backpropagates():
    y_pred = db.Tensor(np.full((2, 2), 0.5, np.float32), requires_grad=True)
    loss = losses.BinaryCrossentropy()(np.array([[1, 0], [0, 1]]), y_pred)
    loss.backward()
    assert loss.shape == () and loss.dtype == np.float32
    np.testing.assert_allclose(y_pred.grad, [[-0.5, 0.5], [0.5, -0.5]], rtol=1e-6)


def test_zero_total_weight_gives_zero_instead_of_nan():
    out = losses.MeanSquaredError(reduction="mean_with_sample_weight")(
        np.ones((2, 1)), np.zeros((2, 1)), sample_weight=np.zeros(2))
    assert out.numpy() == 0.0


@pytest.mark.parametrize("row", CLASSES, ids=class_id)
def test_config_contains_keras_config_and_round_trips(row, keras):
    name, kwargs, data = row
    ours = getattr(losses, name)(reduction="sum", **kwargs)
    theirs = getattr(keras.losses, name)(reduction="sum", **kwargs).get_config()
    config = ours.get_config()
    assert {key: config[key] for key in theirs} == theirs
    rebuilt = type(ours).from_config(config)
    assert rebuilt.get_config() == config
    y_true, y_pred = data(np.random.default_rng(4))
    np.testing.assert_allclose(rebuilt(y_true, y_pred).numpy(), ours(y_true, y_pred).numpy())


def test_default_names_match_keras(keras):
    for name, _, _ in CLASSES:
        assert getattr(losses, name)().name == getattr(keras.losses, name)().name


def test_loss_function_wrapper_passes_kwargs_and_round_trips():
    loss = losses.LossFunctionWrapper(losses.huber, reduction="sum", delta=0.5)
    assert loss.name == "huber"
    assert loss.get_config() == {"name": "huber", "reduction": "sum", "fn": "huber",
                                 "delta": 0.5}
    rebuilt = losses.LossFunctionWrapper.from_config(loss.get_config())
    y_true, y_pred = regression(np.random.default_rng(5))
    np.testing.assert_allclose(rebuilt(y_true, y_pred).numpy(), loss(y_true, y_pred).numpy())


def test_loss_function_wrapper_aligns_ranks_like_keras():
    loss = losses.LossFunctionWrapper(losses.mean_squared_error)
    out = loss(np.zeros(4), np.ones((4, 1)), sample_weight=np.array([1.0, 1.0, 0.0, 0.0]))
    np.testing.assert_allclose(out.numpy(), 0.5)


def test_custom_subclass_gets_a_snake_case_name_and_the_reductions():
    class MeanFourthPower(losses.Loss):
        def call(self, y_true, y_pred):
            return db.ops.mean(db.ops.square(db.ops.square(y_pred - y_true)), axis=-1)

    loss = MeanFourthPower(reduction="sum")
    assert loss.name == "mean_fourth_power"
    np.testing.assert_allclose(loss(np.zeros((2, 2)), np.full((2, 2), 2.0)).numpy(), 32.0)


@pytest.mark.parametrize("identifier, expected", [
    ("mse", losses.mean_squared_error),
    ("MSE", losses.mean_squared_error),
    ("mae", losses.mean_absolute_error),
    ("mape", losses.mean_absolute_percentage_error),
    ("msle", losses.mean_squared_logarithmic_error),
    ("kld", losses.kl_divergence),
    ("bce", losses.binary_crossentropy),
    ("huber_loss", losses.huber),
    ("logcosh", losses.log_cosh),
    ("categorical_crossentropy", losses.categorical_crossentropy),
    ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
    ("cosine_similarity", losses.cosine_similarity),
])  # fmt: skip
def test_get_resolves_names_and_aliases_to_functions(identifier, expected):
    assert losses.get(identifier) is expected


def test_get_makes_instances_from_class_names_classes_and_configs():
    assert isinstance(losses.get("CategoricalCrossentropy"), losses.CategoricalCrossentropy)
    assert isinstance(losses.get(losses.Huber), losses.Huber)
    loss = losses.get({"class_name": "BinaryCrossentropy",
                       "config": {"from_logits": True, "reduction": "sum"}})
    assert loss.from_logits and loss.reduction == "sum"


def test_get_returns_instances_functions_and_none_unchanged():
    loss = losses.Huber()

    def custom(y_true, y_pred):
        return losses.mean_squared_error(y_true, y_pred)

    assert losses.get(loss) is loss
    assert losses.get(custom) is custom
    assert losses.get(None) is None


def test_get_rejects_unknown_names_listing_the_known_ones():
    with pytest.raises(ValueError, match=r"Unknown loss 'msee'. Did you mean 'mse'\?.*"
                                         r"categorical_crossentropy.*mae"):
        losses.get("msee")
    with pytest.raises(ValueError, match=r"Unknown loss class 'Nope'.*Huber"):
        losses.get({"class_name": "Nope", "config": {}})
    with pytest.raises(ValueError, match=r"Could not interpret loss identifier 3"):
        losses.get(3)


def test_invalid_reduction_names_the_loss_and_the_choices():
    with pytest.raises(ValueError, match=r"Loss 'mean_squared_error': invalid reduction='avg'"
                                         r".*'sum_over_batch_size'"):
        losses.MeanSquaredError(reduction="avg")


def test_sample_weight_of_the_wrong_length_names_the_loss_and_both_shapes():
    with pytest.raises(ValueError, match=r"Loss 'huber_loss': sample_weight of shape \(5,\) "
                                         r"does not fit .* \(4,\)"):
        losses.Huber()(np.zeros((4, 2)), np.ones((4, 2)), sample_weight=np.ones(5))


def test_class_errors_name_the_loss_and_both_shapes():
    with pytest.raises(ValueError, match=r"categorical_crossentropy.*y_true.shape=\(4, 1\).*"
                                         r"y_pred.shape=\(4, 3\).*sparse_categorical"):
        losses.CategoricalCrossentropy()(np.zeros((4, 1)), np.full((4, 3), 1 / 3))


def test_dtype_argument_casts_predictions_and_keeps_gradients_flowing():
    y_pred = db.Tensor(np.full((2, 3), 0.5, np.float32), requires_grad=True)
    loss = losses.MeanSquaredError(dtype="float64")(np.zeros((2, 3)), y_pred)
    loss.backward()
    assert loss.dtype == np.float64
    assert y_pred.grad.dtype == np.float32
    np.testing.assert_allclose(y_pred.grad, np.full((2, 3), 1 / 6), rtol=1e-6)
