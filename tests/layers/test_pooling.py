"""Pooling layers against Keras: Max/AveragePooling1D/2D (valid and 'same', strides) and
global pooling; default strides, Keras's short names, shapes and errors."""

import numpy as np
import pytest

from deepbricks import layers as L
from tests.layers.reference import (
    Row,
    both,
    row_tests,
)

ROWS = [
    Row("max1d", *both("MaxPooling1D"), (2, 8, 3)),
    Row("max1d_same_stride1", *both("MaxPooling1D", 3, strides=1, padding="same"), (2, 7, 3)),
    Row("avg1d", *both("AveragePooling1D", 3), (2, 9, 3)),
    Row("avg1d_same", *both("AveragePooling1D", 3, strides=1, padding="same"), (2, 8, 3)),
    Row("max2d", *both("MaxPooling2D"), (2, 6, 8, 3)),
    Row("max2d_odd_size_drops_the_edge", *both("MaxPooling2D", (2, 2)), (2, 7, 5, 3)),
    Row("max2d_3x3_s2_same", *both("MaxPooling2D", 3, strides=2, padding="same"), (2, 7, 8, 2)),
    Row("avg2d", *both("AveragePooling2D", 2), (2, 6, 6, 3)),
    Row("avg2d_same_counts_real_cells", *both("AveragePooling2D", 3, strides=1, padding="same"),
        (2, 5, 5, 2)),
    Row("avg2d_rect_strides", *both("AveragePooling2D", (2, 3), strides=(1, 2)), (2, 5, 7, 2)),
    Row("global_avg1d", *both("GlobalAveragePooling1D"), (2, 5, 3)),
    Row("global_max1d", *both("GlobalMaxPooling1D"), (2, 5, 3)),
    Row("global_avg2d", *both("GlobalAveragePooling2D"), (2, 4, 5, 3)),
    Row("global_max2d_keepdims", *both("GlobalMaxPooling2D", keepdims=True), (2, 4, 5, 3)),
    Row("global_avg2d_keepdims", *both("GlobalAveragePooling2D", keepdims=True), (2, 4, 5, 3)),
]


(test_matches_keras, test_config_round_trip, test_symbolic_output_shape,
 test_float64_is_kept) = row_tests(ROWS)


def test_strides_default_to_the_pool_size():
    assert L.MaxPooling2D((3, 2)).strides == (3, 2)
    assert L.AveragePooling1D(4).strides == (4,)
    assert L.MaxPooling2D(3, strides=1).strides == (1, 1)


def test_average_pooling_keeps_the_keras_2_default_window():
    # Keras 3 made pool_size required for average pooling; older listings omit it.
    assert L.AveragePooling2D().pool_size == (2, 2)
    assert L.AveragePooling1D().pool_size == (2,)


def test_keras_short_names_are_the_same_classes():
    assert L.MaxPool2D is L.MaxPooling2D and L.AvgPool2D is L.AveragePooling2D
    assert L.MaxPool1D is L.MaxPooling1D and L.AvgPool1D is L.AveragePooling1D
    assert L.GlobalAvgPool2D is L.GlobalAveragePooling2D
    assert L.GlobalMaxPool1D is L.GlobalMaxPooling1D


def test_pool_1d_config_keeps_keras_scalar_spelling():
    config = L.MaxPooling1D(3).get_config()
    assert (config["pool_size"], config["strides"]) == (3, 3)
    assert L.MaxPooling2D().get_config()["pool_size"] == [2, 2]


def test_average_pooling_same_divides_by_the_real_cells_of_uneven_windows():
    # k=3, s=2 on 8 cells pads 0 before and 1 after; the last window holds cells 6 and 7.
    # (Keras's TensorFlow backend agrees; its torch backend repeats the edge cell instead.)
    x = np.arange(8, dtype="float32").reshape(1, 8, 1)
    y = L.AveragePooling1D(3, strides=2, padding="same")(x)
    np.testing.assert_allclose(y.numpy()[0, :, 0], [1.0, 3.0, 5.0, 6.5])
    image = np.arange(64, dtype="float32").reshape(1, 8, 8, 1)
    y2 = L.AveragePooling2D(3, strides=2, padding="same")(image).numpy()[0, :, :, 0]
    np.testing.assert_allclose(y2[-1], [53.0, 55.0, 57.0, 58.5])


def test_the_gradient_of_max_pooling_goes_to_each_window_maximum():
    import deepbricks as db

    x = db.Tensor(np.array([[[[1.0], [4.0]], [[3.0], [2.0]]]], "float32"), requires_grad=True)
    L.MaxPooling2D()(x).sum().backward()
    np.testing.assert_array_equal(x.grad[0, ..., 0], [[0.0, 1.0], [0.0, 0.0]])


def test_unknown_sizes_stay_unknown():
    image = L.Input(shape=(None, None, 3))
    assert L.MaxPooling2D()(image).shape == (None, None, None, 3)
    assert L.GlobalAveragePooling2D()(image).shape == (None, 3)


def test_input_smaller_than_the_window_is_a_clear_error():
    with pytest.raises(ValueError, match=r"MaxPooling2D 'pool': input shape \(1, 1, 4, 2\) is "
                                         r"smaller than pool_size=\(2, 2\) with "
                                         r"padding='valid'\. Use padding='same'"):
        L.MaxPooling2D(name="pool")(np.zeros((1, 1, 4, 2), "float32"))


def test_rank_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"GlobalAveragePooling2D 'g' expected an input of rank "
                                         r"4, received input shape \(2, 5, 3\)"):
        L.GlobalAveragePooling2D(name="g")(np.zeros((2, 5, 3), "float32"))


@pytest.mark.parametrize("make, message", [
    (lambda: L.MaxPooling2D(0), r"MaxPooling2D: every entry of `pool_size` must be >= 1"),
    (lambda: L.MaxPooling2D((2, 2, 2)), r"`pool_size` must be an integer or a tuple of 2 "
                                        r"integers"),
    (lambda: L.AveragePooling1D(2, strides=0), r"AveragePooling1D: every entry of `strides`"),
    (lambda: L.MaxPooling1D(padding="causal"), r"MaxPooling1D: `padding` must be one of "
                                               r"\('valid', 'same'\)"),
    (lambda: L.GlobalMaxPooling2D(data_format="channels_first"), r"GlobalMaxPooling2D "
                                                                 r"supports only"),
])
def test_bad_arguments_raise_keras_style_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()
