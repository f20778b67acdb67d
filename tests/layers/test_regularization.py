"""Dropout, SpatialDropout1D/2D, GaussianNoise, GaussianDropout and ActivityRegularization:
identity at inference (checked against Keras), the statistics of the noise in training,
seeding, and errors."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import backend
from deepbricks import layers as L
from tests.layers.reference import (
    Row,
    both,
    keras_torch,
    row_tests,
)

ROWS = [
    Row("dropout_inference", *both("Dropout", 0.5), (4, 6)),
    Row("spatial_dropout1d_inference", *both("SpatialDropout1D", 0.3), (2, 5, 3)),
    Row("spatial_dropout2d_inference", *both("SpatialDropout2D", 0.3), (2, 4, 4, 3)),
    Row("gaussian_noise_inference", *both("GaussianNoise", 0.5), (4, 6)),
    Row("gaussian_dropout_inference", *both("GaussianDropout", 0.4), (4, 6)),
    Row("activity_regularization", *both("ActivityRegularization", l1=0.01, l2=0.02), (4, 6),
        training=True),
]


(test_matches_keras, test_config_round_trip, test_symbolic_output_shape,
 test_float64_is_kept) = row_tests(ROWS)


def test_dropout_in_training_zeroes_a_fraction_rate_and_scales_the_rest():
    backend.seed_generator(0)
    x = db.Tensor(np.ones((200, 50), "float32"), requires_grad=True)
    y = L.Dropout(0.25)(x, training=True)
    values = y.numpy()
    assert set(np.unique(values)) == {0.0, np.float32(1 / 0.75)}
    assert abs((values == 0).mean() - 0.25) < 0.02
    y.backward(np.ones_like(values))
    np.testing.assert_array_equal(x.grad, values)


def test_dropout_draws_a_fresh_mask_on_every_call():
    layer, x = L.Dropout(0.5), np.ones((4, 32), "float32")
    assert not np.array_equal(layer(x, training=True).numpy(), layer(x, training=True).numpy())


def test_dropout_is_the_identity_unless_training():
    layer, x = L.Dropout(0.9), np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)


def test_a_seeded_dropout_repeats_its_masks_and_leaves_the_shared_generator_alone():
    x = np.ones((4, 16), "float32")
    backend.seed_generator(7)
    expected_shared = backend.rng().random(3)
    first, second = L.Dropout(0.5, seed=3), L.Dropout(0.5, seed=3)
    backend.seed_generator(7)
    masks_first = [first(x, training=True).numpy() for _ in range(2)]
    masks_second = [second(x, training=True).numpy() for _ in range(2)]
    np.testing.assert_array_equal(backend.rng().random(3), expected_shared)
    np.testing.assert_array_equal(masks_first, masks_second)
    assert not np.array_equal(masks_first[0], masks_first[1])


def test_noise_shape_shares_the_mask_along_size_1_axes():
    y = L.Dropout(0.5, noise_shape=(None, 1, 6))(np.ones((3, 5, 6), "float32"), training=True)
    values = y.numpy()
    assert (values == values[:, :1, :]).all()


def test_spatial_dropout_drops_whole_feature_maps():
    backend.seed_generator(1)
    y = L.SpatialDropout2D(0.5)(np.ones((4, 3, 3, 8), "float32"), training=True).numpy()
    assert (y == y[:, :1, :1, :]).all()
    assert 0 < (y[:, 0, 0, :] == 0).sum() < y[:, 0, 0, :].size
    y1 = L.SpatialDropout1D(0.5)(np.ones((4, 6, 8), "float32"), training=True).numpy()
    assert (y1 == y1[:, :1, :]).all()


def test_gaussian_noise_adds_noise_of_the_given_stddev_only_in_training():
    backend.seed_generator(2)
    x = np.zeros((400, 50), "float32")
    layer = L.GaussianNoise(0.3)
    noisy = layer(x, training=True).numpy()
    assert noisy.dtype == np.float32
    assert abs(noisy.std() - 0.3) < 0.01 and abs(noisy.mean()) < 0.01
    np.testing.assert_array_equal(layer(x).numpy(), x)


def test_gaussian_dropout_multiplies_by_noise_of_mean_1_and_dropout_variance():
    backend.seed_generator(3)
    y = L.GaussianDropout(0.2)(np.ones((400, 50), "float32"), training=True).numpy()
    assert abs(y.mean() - 1.0) < 0.01
    assert abs(y.var() - 0.2 / 0.8) < 0.01


def test_activity_regularization_adds_keras_penalty_per_sample():
    keras = keras_torch()
    x = np.random.default_rng(4).standard_normal((4, 3)).astype("float32")
    theirs = keras.layers.ActivityRegularization(l1=0.1, l2=0.2)
    theirs(x)
    ours = L.ActivityRegularization(l1=0.1, l2=0.2)
    np.testing.assert_array_equal(ours(x).numpy(), x)
    assert len(ours.losses) == 1
    np.testing.assert_allclose(ours.losses[0].numpy(), float(theirs.losses[0]), rtol=1e-6)
    np.testing.assert_allclose(ours.losses[0].numpy(),
                               (0.1 * np.abs(x).sum() + 0.2 * (x ** 2).sum()) / 4, rtol=1e-6)


def test_noise_layers_pass_masks_through():
    for layer in (L.Dropout(0.1), L.SpatialDropout1D(0.1), L.GaussianNoise(0.1),
                  L.GaussianDropout(0.1), L.ActivityRegularization()):
        assert layer.supports_masking


@pytest.mark.parametrize("make, message", [
    (lambda: L.Dropout(1.0), r"Dropout: `rate` must be a float in \[0, 1\) .* Received: "
                             r"rate=1\.0"),
    (lambda: L.Dropout(-0.1), r"Received: rate=-0\.1"),
    (lambda: L.Dropout("half"), r"Received: rate='half'"),
    (lambda: L.Dropout(0.5, noise_shape=(None, 0)), r"`noise_shape` must be a tuple of "
                                                    r"positive ints or None entries"),
    (lambda: L.Dropout(0.5, seed=-1), r"Dropout: `seed` must be a non-negative integer"),
    (lambda: L.SpatialDropout2D(0.5, data_format="channels_first"), r"channels_last"),
    (lambda: L.GaussianNoise(-1.0), r"GaussianNoise: `stddev` must be a non-negative number"),
    (lambda: L.GaussianDropout(1.5), r"GaussianDropout: `rate` must be a float in \[0, 1\)"),
    (lambda: L.ActivityRegularization(l1=-0.1), r"Received: l1=-0\.1"),
])
def test_bad_arguments_raise_keras_style_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_noise_shape_of_the_wrong_rank_is_named():
    with pytest.raises(ValueError, match=r"Dropout 'd': noise_shape \(None, 1\) must have one "
                                         r"entry per input axis, received input shape "
                                         r"\(2, 3, 4\)"):
        L.Dropout(0.5, noise_shape=(None, 1), name="d")(np.ones((2, 3, 4), "float32"),
                                                         training=True)


def test_spatial_dropout_needs_its_rank():
    with pytest.raises(ValueError, match=r"SpatialDropout2D 'sd' expected an input of rank 4, "
                                         r"received input shape \(2, 3, 4\)"):
        L.SpatialDropout2D(0.5, name="sd")(np.ones((2, 3, 4), "float32"))


def test_inside_a_model_dropout_follows_the_model_training_flag():
    model = db.Sequential([L.Input((16,)), L.Dense(16), L.Dropout(0.5), L.Dense(2)])
    x = np.ones((4, 16), "float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_array_equal(model(x).numpy(), model.predict(x, verbose=0))
    assert not np.array_equal(model(x, training=True).numpy(), model(x, training=True).numpy())
