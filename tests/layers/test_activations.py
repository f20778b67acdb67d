"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax against Keras, configs, errors."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import layers as L
from tests.layers.reference import (
    Row,
    keras_torch,
    row_tests,
)

ROWS = [
    Row("relu", lambda: L.ReLU(), lambda k: k.layers.ReLU(), (4, 7)),
    Row("relu_cap_slope_threshold",
        lambda: L.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.5),
        lambda k: k.layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.5), (4, 3, 5)),
    Row("relu6", lambda: L.ReLU(max_value=6.0), lambda k: k.layers.ReLU(max_value=6.0), (4, 9),
        inputs=lambda rng: [rng.uniform(-10, 10, (4, 9))]),
    Row("leaky_relu_default_0.3", lambda: L.LeakyReLU(), lambda k: k.layers.LeakyReLU(), (5, 4)),
    Row("leaky_relu_0.05", lambda: L.LeakyReLU(negative_slope=0.05),
        lambda k: k.layers.LeakyReLU(negative_slope=0.05), (5, 4)),
    Row("prelu_per_element", lambda: L.PReLU(), lambda k: k.layers.PReLU(), (3, 4, 5, 2)),
    Row("prelu_shared_spatial", lambda: L.PReLU(shared_axes=[1, 2]),
        lambda k: k.layers.PReLU(shared_axes=[1, 2]), (3, 4, 5, 2)),
    Row("elu", lambda: L.ELU(), lambda k: k.layers.ELU(), (4, 6)),
    Row("elu_alpha", lambda: L.ELU(alpha=0.5), lambda k: k.layers.ELU(alpha=0.5), (4, 6)),
    Row("softmax_last_axis", lambda: L.Softmax(), lambda k: k.layers.Softmax(), (4, 6)),
    Row("softmax_axis_1", lambda: L.Softmax(axis=1), lambda k: k.layers.Softmax(axis=1),
        (2, 5, 3)),
    Row("softmax_two_axes", lambda: L.Softmax(axis=[1, 2]),
        lambda k: k.layers.Softmax(axis=[1, 2]), (2, 5, 3)),
    Row("softmax_extreme_scores", lambda: L.Softmax(), lambda k: k.layers.Softmax(), (3, 4),
        inputs=lambda rng: [rng.choice([-1000.0, 0.0, 1000.0], (3, 4))]),
]


(test_matches_keras, test_config_round_trip, test_symbolic_output_shape,
 test_float64_is_kept) = row_tests(ROWS)


def test_activation_layers_pass_masks_through():
    for layer in (L.ReLU(), L.LeakyReLU(), L.PReLU(), L.ELU(), L.Softmax()):
        assert layer.supports_masking


def test_leaky_relu_accepts_the_keras2_alpha_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="negative_slope"):
        layer = L.LeakyReLU(alpha=0.2)
    assert layer.negative_slope == 0.2
    np.testing.assert_allclose(layer(np.array([[-1.0]], "float32")).numpy(), [[-0.2]])


def test_prelu_alpha_has_one_entry_per_element_except_shared_axes():
    x = np.zeros((2, 4, 5, 3), "float32")
    per_element, per_channel = L.PReLU(), L.PReLU(shared_axes=[1, 2])
    per_element(x), per_channel(x)
    assert per_element.alpha.shape == (4, 5, 3)
    assert per_channel.alpha.shape == (1, 1, 3)
    np.testing.assert_array_equal(per_element.alpha.numpy(), 0.0)


def test_prelu_learns_the_slope_of_negative_inputs_only():
    layer = L.PReLU(alpha_initializer="ones", shared_axes=[1])
    y = layer(db.Tensor(np.array([[-2.0, 3.0]], "float32")))
    y.sum().backward()
    np.testing.assert_allclose(y.numpy(), [[-2.0, 3.0]])
    np.testing.assert_allclose(layer.alpha.grad, [-2.0])


def test_softmax_mask_zeroes_masked_positions_like_keras():
    keras = keras_torch()
    x = np.random.default_rng(0).standard_normal((2, 5)).astype("float32")
    mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1]], bool)
    want = keras.layers.Softmax()(x, mask=mask).detach().numpy()
    got = L.Softmax()(x, mask=mask).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert (got[~mask] == 0).all()


def test_softmax_stays_finite_and_normalised_at_extreme_scores():
    x = db.Tensor(np.array([[1000.0, -1000.0, 0.0]], "float32"), requires_grad=True)
    y = L.Softmax()(x)
    y.backward(np.ones((1, 3), "float32"))
    np.testing.assert_allclose(y.numpy().sum(), 1.0)
    assert np.isfinite(x.grad).all()


@pytest.mark.parametrize("make, message", [
    (lambda: L.ReLU(max_value=-1.0), r"ReLU: `max_value` must be a non-negative number\. "
                                     r"Received: max_value=-1\.0"),
    (lambda: L.ReLU(negative_slope=None), r"Received: negative_slope=None"),
    (lambda: L.ReLU(threshold=-0.5), r"Received: threshold=-0\.5"),
    (lambda: L.LeakyReLU(negative_slope=-0.1), r"LeakyReLU: .*Received: negative_slope=-0\.1"),
    (lambda: L.PReLU(shared_axes=[0, 1]), r"PReLU: `shared_axes` must be axes >= 1"),
    (lambda: L.Softmax(axis="last"), r"Softmax: `axis` must be an int or a list of ints\. "
                                     r"Received: axis='last'"),
    (lambda: L.ELU(alpha="one"), r"ELU: `alpha` must be a number"),
])
def test_bad_arguments_raise_keras_style_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_prelu_rejects_an_input_of_another_shape_after_building():
    layer = L.PReLU(name="act")
    layer(np.zeros((2, 5), "float32"))
    with pytest.raises(ValueError, match=r"PReLU 'act' expected axis 1 5, received input "
                                         r"shape \(2, 6\)"):
        layer(np.zeros((2, 6), "float32"))


def test_prelu_shared_axis_beyond_the_input_rank_is_named():
    with pytest.raises(ValueError, match=r"PReLU 'p3': shared axis 3 does not exist in input "
                                         r"shape \(2, 5\)"):
        L.PReLU(shared_axes=3, name="p3")(np.zeros((2, 5), "float32"))


def test_softmax_rejects_a_mask_that_does_not_broadcast():
    with pytest.raises(ValueError, match=r"Softmax 'sm': the mask must broadcast to the "
                                         r"inputs.*mask.shape=\(2, 4\)"):
        L.Softmax(name="sm")(np.zeros((2, 5), "float32"), mask=np.ones((2, 4), bool))
