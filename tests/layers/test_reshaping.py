"""Reshaping layers against Keras: Reshape, Permute, RepeatVector, ZeroPadding1D/2D,
Cropping1D/2D, UpSampling1D/2D; shapes with unknown sizes and error messages."""

import numpy as np
import pytest

from deepbricks import layers as L
from tests.layers.reference import (
    Row,
    both,
    row_tests,
)

ROWS = [
    Row("reshape", *both("Reshape", (3, 4)), (2, 12)),
    Row("reshape_free_axis", *both("Reshape", (-1, 2)), (2, 3, 4)),
    Row("permute", *both("Permute", (2, 1)), (2, 3, 4)),
    Row("permute_3_axes", *both("Permute", (3, 1, 2)), (2, 3, 4, 5)),
    Row("repeat_vector", *both("RepeatVector", 3), (2, 4)),
    Row("flatten", *both("Flatten"), (2, 3, 4)),
    Row("zero_padding1d", *both("ZeroPadding1D"), (2, 4, 3)),
    Row("zero_padding1d_asymmetric", *both("ZeroPadding1D", (1, 3)), (2, 4, 3)),
    Row("zero_padding2d", *both("ZeroPadding2D"), (2, 3, 4, 2)),
    Row("zero_padding2d_per_axis", *both("ZeroPadding2D", (2, 1)), (2, 3, 4, 2)),
    Row("zero_padding2d_per_side", *both("ZeroPadding2D", ((1, 0), (2, 3))), (2, 3, 4, 2)),
    Row("cropping1d", *both("Cropping1D"), (2, 6, 3)),
    Row("cropping1d_asymmetric", *both("Cropping1D", (2, 1)), (2, 6, 3)),
    Row("cropping2d", *both("Cropping2D", ((1, 2), (0, 3))), (2, 6, 7, 2)),
    Row("cropping2d_int", *both("Cropping2D", 1), (2, 6, 7, 2)),
    Row("upsampling1d", *both("UpSampling1D", 3), (2, 4, 3)),
    Row("upsampling2d_nearest", *both("UpSampling2D"), (2, 3, 4, 2)),
    Row("upsampling2d_nearest_2x3", *both("UpSampling2D", (2, 3)), (2, 3, 4, 2)),
    Row("upsampling2d_bilinear", *both("UpSampling2D", (2, 3), interpolation="bilinear"),
        (2, 3, 4, 2)),
]


(test_matches_keras, test_config_round_trip, test_symbolic_output_shape,
 test_float64_is_kept) = row_tests(ROWS)


def test_unknown_sizes_stay_unknown():
    sequence, image = L.Input(shape=(None, 6)), L.Input(shape=(None, None, 3))
    assert L.Reshape((-1, 3))(sequence).shape == (None, None, 3)
    assert L.Permute((2, 1))(sequence).shape == (None, 6, None)
    assert L.ZeroPadding2D(1)(image).shape == (None, None, None, 3)
    assert L.UpSampling1D(2)(sequence).shape == (None, None, 6)
    assert L.Cropping1D(1)(sequence).shape == (None, None, 6)


def test_reshape_size_mismatch_names_the_layer_and_both_shapes():
    with pytest.raises(ValueError, match=r"Reshape 'r' cannot reshape an input of shape "
                                         r"\(2, 12\) \(12 values per sample\) to target_shape "
                                         r"\(5, 2\) \(10 values\)"):
        L.Reshape((5, 2), name="r")(np.zeros((2, 12), "float32"))
    with pytest.raises(ValueError, match=r"to target_shape \(-1, 5\) \(a multiple of 5 values\)"):
        L.Reshape((-1, 5), name="r2")(np.zeros((2, 12), "float32"))
    with pytest.raises(ValueError, match=r"Reshape 'r3' cannot reshape an input of shape "
                                         r"\(None, 7\)"):
        L.Reshape((2, 3), name="r3")(L.Input(shape=(7,)))


def test_cropping_everything_is_an_error():
    with pytest.raises(ValueError, match=r"Cropping2D 'c': cropping \(\(2, 2\), \(0, 0\)\) "
                                         r"removes all of axis 1 \(size 4\) of input shape "
                                         r"\(1, 4, 5, 1\)"):
        L.Cropping2D(((2, 2), (0, 0)), name="c")(np.zeros((1, 4, 5, 1), "float32"))


def test_rank_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"RepeatVector 'rv' expected an input of rank 2, "
                                         r"received input shape \(2, 3, 4\)"):
        L.RepeatVector(2, name="rv")(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"Permute 'p' expected an input of rank 3"):
        L.Permute((2, 1), name="p")(np.zeros((2, 3), "float32"))


@pytest.mark.parametrize("make, message", [
    (lambda: L.Reshape((2, -1, -1)), r"Reshape: `target_shape` must be a tuple of positive "
                                     r"integers \(one of them may be -1\)"),
    (lambda: L.Reshape(6), r"Received: target_shape=6"),
    (lambda: L.Permute((0, 1)), r"Permute: `dims` must be a permutation of 1\.\.n"),
    (lambda: L.RepeatVector(0), r"RepeatVector: `n` must be a positive integer\. Received: n=0"),
    (lambda: L.ZeroPadding2D(((1, 2, 3), (0, 0))), r"ZeroPadding2D: `padding` must be an int, "
                                                   r"a tuple of 2 ints or a tuple of 2"),
    (lambda: L.ZeroPadding1D(-1), r"ZeroPadding1D: `padding` must be an int or a \(before, "
                                  r"after\) pair of non-negative integers"),
    (lambda: L.Cropping2D(data_format="channels_first"), r"Cropping2D supports only "
                                                         r"data_format='channels_last'"),
    (lambda: L.UpSampling2D(interpolation="bicubic"), r"UpSampling2D: `interpolation` must be "
                                                      r"one of \('nearest', 'bilinear'\)"),
    (lambda: L.UpSampling1D(0), r"UpSampling1D: `size` must be a positive integer"),
])
def test_bad_arguments_raise_keras_style_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()
