"""Convolution layers against Keras: Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D,
SeparableConv2D; weight layouts, shapes with unknown sizes, configs and error messages."""

import numpy as np
import pytest

from deepbricks import activations, ops
from deepbricks import layers as L
from tests.layers.reference import (
    Row,
    both,
    row_tests,
)

ROWS = [
    Row("conv1d_valid", *both("Conv1D", 4, 3), (2, 9, 3)),
    Row("conv1d_same_stride2", *both("Conv1D", 4, 4, strides=2, padding="same"), (2, 9, 3)),
    Row("conv1d_causal_dilated", *both("Conv1D", 2, 3, padding="causal", dilation_rate=2),
        (2, 10, 3)),
    Row("conv1d_groups_relu", *both("Conv1D", 4, 3, groups=2, activation="relu"), (2, 8, 6)),
    Row("conv2d_valid_5x5", *both("Conv2D", 3, (5, 5)), (2, 9, 8, 2)),
    Row("conv2d_same_k4", *both("Conv2D", 3, 4, padding="same"), (2, 7, 6, 2)),
    Row("conv2d_same_k3_s2", *both("Conv2D", 3, 3, strides=2, padding="same"), (2, 8, 8, 2)),
    Row("conv2d_dilated", *both("Conv2D", 2, 3, dilation_rate=2), (2, 9, 9, 3)),
    Row("conv2d_groups", *both("Conv2D", 4, 3, groups=2), (2, 6, 6, 4)),
    Row("conv2d_no_bias_tanh", *both("Conv2D", 3, 2, use_bias=False, activation="tanh"),
        (2, 5, 5, 2)),
    Row("conv2d_transpose_valid", *both("Conv2DTranspose", 3, 3), (2, 4, 5, 2)),
    Row("conv2d_transpose_same_s2", *both("Conv2DTranspose", 3, 3, strides=2, padding="same"),
        (2, 4, 4, 2)),
    Row("conv2d_transpose_output_padding",
        *both("Conv2DTranspose", 2, 3, strides=2, output_padding=1), (2, 3, 4, 2)),
    Row("conv2d_transpose_k2_s3", *both("Conv2DTranspose", 2, 2, strides=3), (2, 3, 3, 2)),
    Row("conv2d_transpose_dilated", *both("Conv2DTranspose", 2, 3, dilation_rate=2),
        (2, 4, 4, 2)),
    Row("depthwise_valid", *both("DepthwiseConv2D", 3), (2, 6, 6, 3)),
    Row("depthwise_same_s2_multiplier", *both("DepthwiseConv2D", 3, strides=2, padding="same",
                                              depth_multiplier=2), (2, 7, 7, 3)),
    Row("separable_same", *both("SeparableConv2D", 4, 3, padding="same"), (2, 6, 6, 3)),
    Row("separable_multiplier_relu", *both("SeparableConv2D", 4, 3, depth_multiplier=2,
                                           activation="relu"), (2, 6, 6, 3)),
]


(test_matches_keras, test_config_round_trip, test_symbolic_output_shape,
 test_float64_is_kept) = row_tests(ROWS)


def test_kernel_layouts_follow_keras():
    x = np.zeros((1, 8, 8, 3), "float32")
    shapes = {}
    for layer in (L.Conv2D(16, (5, 3)), L.Conv2DTranspose(16, (5, 3)),
                  L.DepthwiseConv2D((5, 3), depth_multiplier=2), L.SeparableConv2D(16, (5, 3)),
                  L.Conv2D(15, 3, groups=3)):
        layer(x)
        shapes[layer.name] = [w.shape for w in layer.weights]
    assert list(shapes.values()) == [
        [(5, 3, 3, 16), (16,)],
        [(5, 3, 16, 3), (16,)],
        [(5, 3, 3, 2), (6,)],
        [(5, 3, 3, 1), (1, 1, 3, 16), (16,)],
        [(3, 3, 1, 15), (15,)],
    ]


def test_unknown_spatial_sizes_stay_unknown():
    image = L.Input(shape=(None, None, 3))
    assert L.Conv2D(8, 3, padding="same")(image).shape == (None, None, None, 8)
    assert L.Conv2DTranspose(8, 3, strides=2)(image).shape == (None, None, None, 8)
    assert L.Conv1D(4, 3)(L.Input(shape=(None, 5))).shape == (None, None, 4)


def test_weights_round_trip_and_reject_wrong_shapes():
    layer = L.Conv2D(4, 3, name="conv")
    layer(np.zeros((1, 5, 5, 2), "float32"))
    kernel, bias = (np.random.default_rng(0).standard_normal(w.shape).astype("float32")
                    for w in layer.weights)
    layer.set_weights([kernel, bias])
    got = layer.get_weights()
    np.testing.assert_array_equal(got[0], kernel)
    np.testing.assert_array_equal(got[1], bias)
    with pytest.raises(ValueError, match=r"weight conv/kernel has shape \(3, 3, 2, 4\), "
                                         r"received an array of shape \(3, 3, 4, 2\)"):
        layer.set_weights([kernel.transpose(0, 1, 3, 2), bias])
    with pytest.raises(ValueError, match=r"expects 2 weight arrays"):
        layer.set_weights([kernel])


def test_wrong_channel_count_names_the_layer_and_shapes():
    layer = L.Conv2D(8, 3, name="c1")
    layer(np.zeros((1, 6, 6, 3), "float32"))
    with pytest.raises(ValueError, match=r"Conv2D 'c1' expected last axis 3, received input "
                                         r"shape \(1, 6, 6, 4\)"):
        layer(np.zeros((1, 6, 6, 4), "float32"))


def test_channels_first_data_gets_a_hint_to_transpose():
    layer = L.Conv2D(8, 3, name="c2")
    layer(np.zeros((1, 6, 6, 3), "float32"))
    with pytest.raises(ValueError, match=r"looks channels-first; transpose it to channels-last"):
        layer(np.zeros((1, 3, 6, 6), "float32"))


def test_missing_batch_axis_is_explained():
    with pytest.raises(ValueError, match=r"Conv2D 'c3' expected an input of rank 4, received "
                                         r"input shape \(6, 6, 3\)\. Add a batch axis"):
        L.Conv2D(8, 3, name="c3")(np.zeros((6, 6, 3), "float32"))


def test_input_smaller_than_the_kernel_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Conv2D 'c4': input shape \(1, 2, 2, 1\) is too small "
                                         r"for kernel_size=\(3, 3\) with padding='valid'"):
        L.Conv2D(1, 3, name="c4")(np.zeros((1, 2, 2, 1), "float32"))


@pytest.mark.parametrize("make, message", [
    (lambda: L.Conv2D(0, 3), r"Conv2D: `filters` must be a positive integer\. Received: "
                             r"filters=0"),
    (lambda: L.Conv2D(8, 0), r"Conv2D: every entry of `kernel_size` must be >= 1\. "
                             r"Received: kernel_size=0"),
    (lambda: L.Conv2D(8, (3, 3, 3)), r"`kernel_size` must be an integer or a tuple of 2 "
                                     r"integers\. Received: kernel_size=\(3, 3, 3\)"),
    (lambda: L.Conv2D(8, 3, strides=2, dilation_rate=2), r"strides > 1 together with "
                                                         r"dilation_rate > 1"),
    (lambda: L.Conv2D(8, 3, padding="causal"), r"Conv2D: `padding` must be one of \('valid', "
                                               r"'same'\)\. Received: padding='causal'"),
    (lambda: L.Conv2D(6, 3, groups=4), r"`filters` must be divisible by `groups`"),
    (lambda: L.Conv2D(8, 3, data_format="channels_first"),
     r"Conv2D supports only data_format='channels_last'"),
    (lambda: L.Conv2DTranspose(8, 3, strides=2, output_padding=2),
     r"each `output_padding` must be smaller than the stride"),
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=0), r"Received: depth_multiplier=0"),
    (lambda: L.Conv1D(8, 3, activation="nope"), r"Unknown activation 'nope'"),
])
def test_bad_arguments_raise_keras_style_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_groups_must_divide_the_input_channels():
    with pytest.raises(ValueError, match=r"Conv2D 'g': groups=2 must divide the number of "
                                         r"input channels, received input shape"):
        L.Conv2D(4, 3, groups=2, name="g")(np.zeros((1, 5, 5, 3), "float32"))


def test_keras_alternative_names_are_the_same_classes():
    assert L.Convolution2D is L.Conv2D and L.Convolution1D is L.Conv1D
    assert L.Convolution2DTranspose is L.Conv2DTranspose
    assert L.SeparableConvolution2D is L.SeparableConv2D


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "elu"])
def test_conv2d_activation_gives_the_same_values_fused_or_not(activation):
    layer = L.Conv2D(3, 3, padding="same", activation=activation)
    x = np.random.default_rng(0).standard_normal((2, 5, 5, 2)).astype("float32")
    y = layer(x)
    linear = ops.conv2d(x, layer.kernel, layer.bias, padding="same")
    np.testing.assert_allclose(y.numpy(), activations.get(activation)(linear).numpy(), rtol=1e-6)
    fused = activation != "elu"
    assert (type(y._ctx).__name__ == "Conv") == fused
