"""Preprocessing layers: augmentation only while training, Keras's geometry, statistics of the
random draws, seeding, Rescaling and Normalization."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import backend
from deepbricks import layers as L
from deepbricks.utils import set_random_seed
from tests.layers.reference import (
    Row,
    check_config,
    check_float64,
    check_keras,
    check_symbolic,
    keras_torch,
)

IMAGES = (2, 6, 7, 3)


def images(shape=IMAGES, seed=0):
    return np.random.default_rng(seed).random(shape).astype(np.float32)


ROWS = [
    Row("random_flip", lambda: L.RandomFlip(), lambda k: k.layers.RandomFlip(), IMAGES),
    Row("random_crop_of_the_same_size", lambda: L.RandomCrop(6, 7),
        lambda k: k.layers.RandomCrop(6, 7), IMAGES),
    Row("random_translation", lambda: L.RandomTranslation(0.2, 0.3),
        lambda k: k.layers.RandomTranslation(0.2, 0.3), IMAGES),
    Row("random_rotation", lambda: L.RandomRotation(0.1, fill_mode="constant"),
        lambda k: k.layers.RandomRotation(0.1, fill_mode="constant"), IMAGES),
    Row("random_zoom", lambda: L.RandomZoom(0.2, 0.1),
        lambda k: k.layers.RandomZoom(0.2, 0.1), IMAGES),
    Row("random_contrast", lambda: L.RandomContrast(0.3),
        lambda k: k.layers.RandomContrast(0.3), IMAGES),
    Row("random_brightness", lambda: L.RandomBrightness(0.2, value_range=(0, 1)),
        lambda k: k.layers.RandomBrightness(0.2, value_range=(0, 1)), IMAGES),
    Row("rescaling", lambda: L.Rescaling(1 / 255, offset=-0.5),
        lambda k: k.layers.Rescaling(1 / 255, offset=-0.5), (3, 4, 5)),
    Row("rescaling_per_channel", lambda: L.Rescaling([1.0, 2.0, 3.0]),
        lambda k: k.layers.Rescaling([1.0, 2.0, 3.0]), IMAGES),
    Row("normalization_given_statistics",
        lambda: L.Normalization(mean=[0.5, 1.0, -1.0], variance=[4.0, 0.25, 1.0]),
        lambda k: k.layers.Normalization(mean=[0.5, 1.0, -1.0], variance=[4.0, 0.25, 1.0]),
        IMAGES),
    Row("normalization_inverted", lambda: L.Normalization(axis=None, mean=2.0, variance=9.0,
                                                           invert=True),
        lambda k: k.layers.Normalization(axis=None, mean=2.0, variance=9.0, invert=True),
        (3, 4)),
]
AUGMENTATIONS = ROWS[:7]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_inference_matches_keras_forward_and_gradient(row):
    check_keras(row)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_config_round_trip(row):
    check_config(row)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_symbolic_output_shape(row):
    check_symbolic(row)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_float64_is_kept(row):
    check_float64(row)


@pytest.mark.parametrize("row", AUGMENTATIONS, ids=str)
def test_augmentation_is_the_identity_unless_training(row):
    x = images()
    layer = row.ours()
    np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    pixels = (x * 255).astype(np.uint8)
    out = layer(pixels)
    assert out.dtype == np.float32, "integer images come out in the float type"
    np.testing.assert_array_equal(out.numpy(), pixels)


@pytest.mark.parametrize("row", AUGMENTATIONS, ids=str)
@pytest.mark.parametrize("shape", [IMAGES, IMAGES[1:]], ids=["batch", "one_image"])
def test_training_keeps_shape_and_dtype_and_changes_images(row, shape):
    x = images(shape)
    set_random_seed(1)
    y = row.ours()(x, training=True)
    assert y.shape == x.shape and y.dtype == np.float32
    assert not np.array_equal(y.numpy(), x) or row.id.startswith(("random_crop", "random_flip"))


@pytest.mark.parametrize("row", AUGMENTATIONS, ids=str)
def test_float64_images_stay_float64_while_training(row):
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        y = row.ours()(images().astype(np.float64), training=True)
    finally:
        backend.set_floatx(previous)
    assert y.dtype == np.float64


@pytest.mark.parametrize("row", AUGMENTATIONS, ids=str)
def test_same_seed_same_augmentation(row):
    x = images((8, 6, 7, 3))
    set_random_seed(7)
    first = row.ours()(x, training=True).numpy()
    set_random_seed(7)
    again = row.ours()(x, training=True).numpy()
    set_random_seed(8)
    other = row.ours()(x, training=True).numpy()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other) or row.id == "random_crop_of_the_same_size"


def test_a_seeded_layer_repeats_itself_and_leaves_the_shared_generator_alone():
    x = images((16, 6, 7, 3))
    state = backend.rng().bit_generator.state
    first = L.RandomRotation(0.2, seed=5)(x, training=True).numpy()
    second = L.RandomRotation(0.2, seed=5)(x, training=True).numpy()
    np.testing.assert_array_equal(first, second)
    assert backend.rng().bit_generator.state == state
    layer = L.RandomRotation(0.2, seed=5)
    layer(x, training=True)
    assert not np.array_equal(layer(x, training=True).numpy(), first), "draws move on"


# -- geometry: Keras's affine maps, fill modes and interpolations ---------------------------

GEOMETRIC = [
    ("rotation", lambda m, **kw: m.RandomRotation((0.1, 0.1), **kw)),
    ("quarter_turn", lambda m, **kw: m.RandomRotation((-0.25, -0.25), **kw)),
    ("translation", lambda m, **kw: m.RandomTranslation((0.23, 0.23), (-0.31, -0.31), **kw)),
    ("zoom_out", lambda m, **kw: m.RandomZoom((0.3, 0.3), **kw)),
    ("zoom_in_and_stretch", lambda m, **kw: m.RandomZoom((-0.4, -0.4), (0.2, 0.2), **kw)),
]


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("name,make", GEOMETRIC, ids=[g[0] for g in GEOMETRIC])
def test_fixed_geometric_transforms_match_keras(name, make, fill_mode, interpolation):
    keras = keras_torch()
    x = images((2, 7, 9, 2))
    kwargs = {"fill_mode": fill_mode, "interpolation": interpolation, "fill_value": 0.5}
    got = make(L, **kwargs)(x, training=True).numpy()
    want = make(keras.layers, **kwargs)(x, training=True).detach().numpy()
    np.testing.assert_allclose(got, want, atol=2e-6)


def test_a_quarter_turn_is_counter_clockwise():
    x = np.array([[1, 2], [3, 4]], np.float32).reshape(1, 2, 2, 1)
    turned = L.RandomRotation((0.25, 0.25), interpolation="nearest")(x, training=True)
    np.testing.assert_array_equal(turned.numpy()[0, ..., 0], [[2, 4], [1, 3]])


def test_rotation_keeps_the_centre_pixel():
    x = images((64, 9, 11, 1))
    set_random_seed(0)
    turned = L.RandomRotation(0.5, fill_mode="constant")(x, training=True).numpy()
    np.testing.assert_allclose(turned[:, 4, 5], x[:, 4, 5], atol=1e-5)
    assert not np.allclose(turned, x), "the rest of the images moves"


def test_each_image_gets_its_own_angle():
    x = np.repeat(images((1, 9, 9, 1)), 6, axis=0)
    set_random_seed(0)
    turned = L.RandomRotation(0.5)(x, training=True).numpy()
    assert len({t.tobytes() for t in turned}) == 6


def test_integer_translation_shifts_pixels_and_fills_the_border():
    x = np.arange(1, 21, dtype=np.float32).reshape(1, 4, 5, 1)
    shift = L.RandomTranslation((0.25, 0.25), (-0.4, -0.4), fill_mode="constant",
                                fill_value=-1.0)
    out = shift(x, training=True).numpy()[0, ..., 0]
    want = np.full((4, 5), -1.0, np.float32)
    want[1:, :3] = x[0, :3, 2:, 0]  # one row down, two columns left
    np.testing.assert_allclose(out, want, atol=1e-6)


@pytest.mark.parametrize("mode,want", [
    ("reflect", [2, 1, 1, 2]),
    ("wrap", [3, 4, 1, 2]),
    ("nearest", [1, 1, 1, 2]),
    ("constant", [9, 9, 1, 2]),
])
def test_fill_modes_extend_a_row_as_keras_documents(mode, want):
    # Shifted two pixels right, the output reads columns -2, -1, 0, 1 of the row 1 2 3 4.
    x = np.array([1, 2, 3, 4], np.float32).reshape(1, 1, 4, 1)
    shift = L.RandomTranslation(0.0, (0.5, 0.5), fill_mode=mode, fill_value=9.0)
    np.testing.assert_allclose(shift(x, training=True).numpy().ravel(), want, atol=1e-6)


# -- statistics of the random draws --------------------------------------------------------

def test_horizontal_flips_happen_half_the_time_and_mirror_the_image():
    x = np.repeat(images((1, 3, 4, 1)), 4000, axis=0)
    set_random_seed(0)
    out = L.RandomFlip("horizontal")(x, training=True).numpy()
    flipped = np.all(out == x[:, :, ::-1], axis=(1, 2, 3))
    kept = np.all(out == x, axis=(1, 2, 3))
    assert np.all(flipped ^ kept), "every image is either mirrored or left alone"
    assert abs(flipped.mean() - 0.5) < 0.03


def test_both_flips_are_drawn_independently():
    x = np.repeat(images((1, 3, 4, 1)), 4000, axis=0)
    set_random_seed(0)
    out = L.RandomFlip()(x, training=True).numpy()
    kinds = [x, x[:, :, ::-1], x[:, ::-1], x[:, ::-1, ::-1]]
    counts = [np.all(out == k, axis=(1, 2, 3)).sum() for k in kinds]
    assert sum(counts) == 4000
    np.testing.assert_allclose(np.array(counts) / 4000, 0.25, atol=0.03)


def test_vertical_flip_turns_images_upside_down():
    x = np.repeat(images((1, 3, 4, 1)), 200, axis=0)
    set_random_seed(0)
    out = L.RandomFlip("vertical")(x, training=True).numpy()
    flipped = np.all(out == x[:, ::-1], axis=(1, 2, 3))
    assert np.all(flipped | np.all(out == x, axis=(1, 2, 3))) and 0 < flipped.sum() < 200


def test_brightness_adds_one_offset_per_image_within_the_range():
    x = np.full((2000, 2, 2, 1), 100.0, np.float32)
    set_random_seed(0)
    out = L.RandomBrightness(0.2)(x, training=True).numpy()
    delta = out - x
    np.testing.assert_allclose(delta, np.broadcast_to(delta[:, :1, :1], delta.shape), atol=1e-4)
    assert -51.0 <= delta.min() < -45.0 and 45.0 < delta.max() <= 51.0, "0.2 * 255 = 51"
    assert abs(delta.mean()) < 3.0


def test_brightness_is_clipped_to_the_value_range():
    x = np.array([0.05, 0.95], np.float32).reshape(1, 1, 2, 1)
    bright = L.RandomBrightness((0.5, 0.5), value_range=(0, 1))(x, training=True)
    dark = L.RandomBrightness((-0.5, -0.5), value_range=(0, 1))(x, training=True)
    np.testing.assert_allclose(bright.numpy().ravel(), [0.55, 1.0])
    np.testing.assert_allclose(dark.numpy().ravel(), [0.0, 0.45])


def test_contrast_scales_deviations_from_each_channel_mean():
    x = images((3000, 4, 4, 2)) * 100 + 50
    set_random_seed(0)
    out = L.RandomContrast((0.2, 0.5))(x, training=True).numpy()
    mean = x.mean(axis=(1, 2), keepdims=True)
    deviation = x - mean
    factor = ((out - mean) * deviation).sum(axis=(1, 2, 3)) / (deviation ** 2).sum(axis=(1, 2, 3))
    np.testing.assert_allclose(out, deviation * factor[:, None, None, None] + mean, atol=1e-3)
    assert 0.8 <= factor.min() < 0.82 and 1.48 < factor.max() <= 1.5, "range [1 - 0.2, 1 + 0.5]"


def test_crop_windows_are_uniformly_placed_pieces_of_each_image():
    x = np.arange(6 * 7, dtype=np.float32).reshape(1, 6, 7, 1).repeat(3000, axis=0)
    set_random_seed(0)
    out = L.RandomCrop(4, 3)(x, training=True).numpy()
    assert out.shape == (3000, 4, 3, 1)
    top, left = np.divmod(out[:, 0, 0, 0].astype(int), 7)
    rebuilt = x[0, top[:, None, None] + np.arange(4)[:, None], left[:, None, None] + np.arange(3)]
    np.testing.assert_array_equal(out, rebuilt)
    assert set(top) == {0, 1, 2} and set(left) == {0, 1, 2, 3, 4}
    np.testing.assert_allclose(np.bincount(top) / 3000, 1 / 3, atol=0.04)


def test_crop_takes_the_centre_at_inference():
    x = np.arange(36, dtype=np.float32).reshape(1, 6, 6, 1)
    out = L.RandomCrop(2, 4)(x).numpy()[0, ..., 0]
    np.testing.assert_array_equal(out, x[0, 2:4, 1:5, 0])


def test_crop_resizes_images_smaller_than_the_window_like_keras():
    keras = keras_torch()
    x = images((2, 5, 8, 3))
    for training in (False, True):
        got = L.RandomCrop(6, 6)(x, training=training).numpy()
        assert got.shape == (2, 6, 6, 3)
        square = keras.ops.image.resize(x[:, :, 1:6], (6, 6), interpolation="bilinear")
        np.testing.assert_allclose(got, np.asarray(square), atol=1e-5)


def test_augmented_fit_runs_and_inference_is_deterministic():
    set_random_seed(0)
    model = db.Sequential([
        db.Input(shape=(8, 8, 1)),
        L.RandomFlip("horizontal"), L.RandomRotation(0.05), L.RandomZoom(0.1),
        L.RandomTranslation(0.1, 0.1), L.RandomContrast(0.1), L.RandomBrightness(0.1, (0, 1)),
        L.Flatten(), L.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x, y = images((32, 8, 8, 1)), np.arange(32) % 3
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))


# -- Rescaling and Normalization -----------------------------------------------------------

def test_rescaling_converts_pixels_and_passes_gradients():
    pixels = np.array([[0, 51, 255]], np.uint8)
    np.testing.assert_allclose(L.Rescaling(1 / 255)(pixels).numpy(), [[0.0, 0.2, 1.0]])
    x = db.Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    L.Rescaling(0.5, offset=3.0)(x).sum().backward()
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 0.5))


def test_normalization_adapts_to_data_given_at_once_or_in_batches():
    data = images((50, 4, 3)) * np.array([1.0, 10.0, 100.0], np.float32)
    whole, batched = L.Normalization(), L.Normalization()
    whole.adapt(data)
    batched.adapt([data[:7], data[7:30], data[30:]])
    for layer in (whole, batched):
        mean, variance, count = layer.get_weights()
        np.testing.assert_allclose(mean, data.mean(axis=(0, 1)), rtol=1e-5)
        np.testing.assert_allclose(variance, data.var(axis=(0, 1)), rtol=1e-4)
        assert count == 200
    out = whole(data).numpy()
    np.testing.assert_allclose(out.mean(axis=(0, 1)), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(0, 1)), 1.0, rtol=1e-4)
    assert [w.name for w in whole.weights] == ["mean", "variance", "count"]


def test_normalization_inverse_undoes_it():
    data = images((20, 3)) * 5 + 2
    forward = L.Normalization()
    forward.adapt(data)
    mean, variance, _ = forward.get_weights()
    inverse = L.Normalization(mean=mean, variance=variance, invert=True)
    np.testing.assert_allclose(inverse(forward(data)).numpy(), data, rtol=1e-5)


def test_an_adapted_normalization_survives_saving(tmp_path):
    data = images((20, 3)) * 5 + 2
    norm = L.Normalization()
    norm.adapt(data)
    model = db.Sequential([db.Input(shape=(3,)), norm, L.Dense(2)])
    model.save(tmp_path / "m.keras")
    loaded = db.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0))


# -- errors --------------------------------------------------------------------------------

@pytest.mark.parametrize("make,match", [
    (lambda: L.RandomFlip("diagonal"), r"RandomFlip: `mode` must be one of"),
    (lambda: L.RandomRotation(1.5), r"RandomRotation: `factor` .*Received: factor=1.5"),
    (lambda: L.RandomRotation("a lot"), r"`factor` must be a number"),
    (lambda: L.RandomTranslation((0.1, 0.2, 0.3), 0.1), r"`height_factor`"),
    (lambda: L.RandomZoom((-1.0, 0.2)), r"RandomZoom: `height_factor` must lie in \(-1, 1\]"),
    (lambda: L.RandomZoom(0.1, fill_mode="mirror"), r"`fill_mode` must be one of"),
    (lambda: L.RandomRotation(0.1, interpolation="bicubic"), r"`interpolation` must be one"),
    (lambda: L.RandomContrast(-0.2), r"RandomContrast: `factor` .*\[0.0, 1.0\]"),
    (lambda: L.RandomBrightness(0.1, value_range=(1, 0)), r"`value_range` must be a \(low, hi"),
    (lambda: L.RandomCrop(0, 3), r"RandomCrop: `height` must be a positive integer"),
    (lambda: L.RandomFlip(seed=-1), r"RandomFlip: `seed` must be a non-negative integer"),
    (lambda: L.RandomFlip(data_format="channels_first"), r"channels_last"),
    (lambda: L.Rescaling("half"), r"Rescaling: `scale` must be a number"),
    (lambda: L.Normalization(mean=1.0), r"give both `mean` and `variance`"),
])
def test_bad_arguments_name_the_layer_and_the_value(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_images_must_have_a_channel_axis():
    with pytest.raises(ValueError, match=r"RandomFlip 'random_flip\w*' expects images .*"
                                         r"\(6, 7\).*x\[\.\.\., None\]"):
        L.RandomFlip()(np.zeros((6, 7), np.float32), training=True)


def test_augmenting_a_tensor_that_needs_gradients_is_refused():
    x = db.Tensor(images(), requires_grad=True)
    with pytest.raises(ValueError, match=r"passes no gradient back.*at the input of the model"):
        L.RandomZoom(0.1)(x, training=True)


def test_adapting_a_normalization_with_given_statistics_is_refused():
    with pytest.raises(ValueError, match=r"was given mean and variance; adapt\(\) cannot"):
        L.Normalization(mean=0.0, variance=1.0).adapt(images((4, 3)))
