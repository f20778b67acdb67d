"""BatchNormalization and LayerNormalization against Keras: outputs, gradients, moving
statistics over several training steps, training versus inference, frozen layers."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import layers as L
from tests.layers.reference import (
    Row,
    both,
    keras_torch,
    keras_weights,
    row_tests,
)


def shifted(shape):
    # Away from zero mean and unit variance, so the statistics matter.
    return lambda rng: [rng.normal(3.0, 2.0, shape)]


ROWS = [
    Row("bn_dense_training", *both("BatchNormalization"), (8, 5), training=True,
        inputs=shifted((8, 5)), tol=1e-4),
    Row("bn_images_training", *both("BatchNormalization", momentum=0.9), (4, 3, 3, 2),
        training=True, inputs=shifted((4, 3, 3, 2)), tol=1e-4),
    Row("bn_inference", *both("BatchNormalization"), (4, 3, 3, 2), inputs=shifted((4, 3, 3, 2))),
    Row("bn_axis_1_no_center_no_scale", *both("BatchNormalization", axis=1, center=False,
                                              scale=False), (6, 3, 4), training=True,
        inputs=shifted((6, 3, 4)), tol=1e-4),
    Row("ln_last_axis", *both("LayerNormalization"), (4, 6), inputs=shifted((4, 6)), tol=1e-4),
    Row("ln_two_axes", *both("LayerNormalization", axis=[1, 2]), (3, 4, 5),
        inputs=shifted((3, 4, 5)), tol=1e-4),
    # Keras's torch backend fails on a normalised axis that is not the last (a torch
    # layer_norm shape error), so this row is checked against NumPy below.
    Row("ln_axis_1_of_3", lambda: L.LayerNormalization(axis=1), None, (3, 4, 5)),
    Row("ln_no_center", *both("LayerNormalization", center=False, epsilon=1e-5), (4, 6),
        tol=1e-4),
    Row("ln_no_scale", *both("LayerNormalization", scale=False), (4, 6), tol=1e-4),
]


(test_matches_keras, test_config_round_trip, test_symbolic_output_shape,
 test_float64_is_kept) = row_tests(ROWS)


def test_batch_norm_weights_are_gamma_beta_then_the_moving_statistics():
    layer = L.BatchNormalization()
    layer(np.zeros((2, 3), "float32"))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in layer.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]


def test_moving_statistics_follow_keras_over_several_training_steps():
    keras = keras_torch()
    rng = np.random.default_rng(0)
    ours, theirs = L.BatchNormalization(momentum=0.8), keras.layers.BatchNormalization(
        momentum=0.8)
    for step in range(4):
        x = rng.normal(step, 1.0 + step, (16, 3)).astype("float32")
        ours(x, training=True)
        theirs(x, training=True)
    for mine, keras_weight in zip(ours.get_weights(), keras_weights(theirs), strict=True):
        np.testing.assert_allclose(mine, keras_weight, rtol=1e-5, atol=1e-6)


def test_moving_update_uses_the_biased_batch_variance():
    x = np.array([[1.0], [3.0]], "float32")
    layer = L.BatchNormalization(momentum=0.5)
    layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), [0.5 * 0 + 0.5 * 2.0])
    np.testing.assert_allclose(layer.moving_variance.numpy(), [0.5 * 1 + 0.5 * 1.0])


def test_training_none_and_false_use_the_moving_statistics():
    layer = L.BatchNormalization(epsilon=0.0)
    x = np.array([[2.0], [6.0]], "float32")
    layer(x)
    layer.set_weights([np.ones(1), np.zeros(1), np.array([1.0]), np.array([4.0])])
    want = (x - 1.0) / 2.0
    np.testing.assert_allclose(layer(x).numpy(), want)
    np.testing.assert_allclose(layer(x, training=False).numpy(), want)
    np.testing.assert_allclose(layer.moving_mean.numpy(), [1.0])


def test_a_frozen_batch_norm_runs_in_inference_mode_even_when_training():
    layer = L.BatchNormalization()
    x = np.random.default_rng(1).normal(5.0, 2.0, (8, 2)).astype("float32")
    layer(x, training=True)
    frozen_stats = [w.copy() for w in layer.get_weights()]
    layer.trainable = False
    y = layer(db.Tensor(x), training=True)
    np.testing.assert_allclose(y.numpy(), layer(x, training=False).numpy())
    for before, after in zip(frozen_stats, layer.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    assert layer.trainable_weights == []


def test_layer_norm_over_a_middle_axis_matches_numpy():
    x = np.random.default_rng(4).normal(2.0, 3.0, (3, 4, 5)).astype("float32")
    layer = L.LayerNormalization(axis=1, epsilon=1e-3)
    layer(x)
    gamma, beta = (np.random.default_rng(5).standard_normal(4).astype("float32")
                   for _ in range(2))
    layer.set_weights([gamma, beta])
    mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    want = (x - mean) / np.sqrt(var + 1e-3) * gamma[:, None] + beta[:, None]
    np.testing.assert_allclose(layer(x).numpy(), want, rtol=1e-5, atol=1e-5)


def test_layer_norm_is_the_same_in_training_and_inference():
    layer = L.LayerNormalization()
    x = np.random.default_rng(2).standard_normal((3, 4)).astype("float32")
    np.testing.assert_array_equal(layer(x, training=True).numpy(), layer(x).numpy())


def test_layer_norm_rms_scaling_matches_keras_and_warns_like_it():
    keras = keras_torch()
    x = np.random.default_rng(3).normal(1.0, 2.0, (3, 5)).astype("float32")
    with pytest.warns(UserWarning, match="rms_scaling"):
        theirs = keras.layers.LayerNormalization(rms_scaling=True)
    with pytest.warns(UserWarning, match="standard deviation"):
        ours = L.LayerNormalization(rms_scaling=True)
    with pytest.warns(UserWarning, match="rms_scaling"):
        want = theirs(x).detach().numpy()
    np.testing.assert_allclose(ours(x).numpy(), want, rtol=1e-5, atol=1e-5)
    assert [w.name for w in ours.weights] == ["gamma"]


@pytest.mark.parametrize("make, error, message", [
    (lambda: L.BatchNormalization(axis=[1, 2]), ValueError,
     r"BatchNormalization: `axis` must be an int \(the feature axis\)\. Received: axis=\[1, 2\]"),
    (lambda: L.BatchNormalization(synchronized=True), ValueError,
     r"synchronized=True .* is not supported"),
    (lambda: L.BatchNormalization(momentum="high"), ValueError,
     r"`momentum` must be a number\. Received: momentum='high'"),
    (lambda: L.LayerNormalization(axis="features"), ValueError,
     r"LayerNormalization: `axis` must be an int or a list of ints"),
    (lambda: L.LayerNormalization(epsilon=-1.0), ValueError, r"Received: epsilon=-1\.0"),
])
def test_bad_arguments_raise_keras_style_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_axis_that_the_input_lacks_is_named():
    with pytest.raises(ValueError, match=r"BatchNormalization 'bn': axis 3 does not exist in "
                                         r"input shape \(2, 3\)"):
        L.BatchNormalization(axis=3, name="bn")(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"LayerNormalization 'ln': axis 0 must name non-batch "
                                         r"axes"):
        L.LayerNormalization(axis=0, name="ln")(np.zeros((2, 3), "float32"))


def test_batch_norm_rejects_a_different_feature_size_after_building():
    layer = L.BatchNormalization(name="bn2")
    layer(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"BatchNormalization 'bn2' expected axis 1 3, "
                                         r"received input shape \(2, 4\)"):
        layer(np.zeros((2, 4), "float32"))


def test_inside_a_model_fit_updates_the_moving_statistics_and_predict_does_not():
    model = db.Sequential([db.layers.Input((3,)), L.BatchNormalization(), L.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(6).normal(4.0, 2.0, (32, 3)).astype("float32")
    model.predict(x, verbose=0)
    bn = model.layers[0]
    np.testing.assert_array_equal(bn.moving_mean.numpy(), 0.0)
    model.fit(x, np.zeros((32, 1), "float32"), batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert (bn.moving_mean.numpy() > 0.1).all()
