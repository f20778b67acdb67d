"""The model zoo's builders: the course's layer listings, weight counts, Keras parity."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import applications
from deepbricks import layers as L
from tests.layers.reference import keras_torch


def describe(model):
    """(class name, main argument, activation name) per layer: the listing to compare."""
    rows = []
    for layer in model.layers:
        arg = getattr(layer, "filters", None) or getattr(layer, "units", None) or getattr(
            layer, "pool_size", None) or getattr(layer, "rate", None)
        activation = getattr(getattr(layer, "activation", None), "__name__", None)
        rows.append((type(layer).__name__, arg, activation))
    return rows


def test_course_cnn_follows_the_course_listing():
    model = applications.CourseCNN()
    assert model.name == "course_cnn"
    assert describe(model) == [
        ("Conv2D", 32, "relu"), ("MaxPooling2D", (2, 2), None),
        ("Conv2D", 64, "relu"), ("MaxPooling2D", (2, 2), None),
        ("Flatten", None, None), ("Dense", 100, "relu"), ("Dense", 10, "softmax"),
    ]
    assert [layer.padding for layer in model.layers if isinstance(layer, L.Conv2D)] == \
        ["same", "same"]
    assert model.get_layer("conv1").kernel.shape == (5, 5, 1, 32)
    assert model.output_shape == (None, 10)
    assert model.count_params() == 832 + 51_264 + 313_700 + 1_010


def test_course_cnn_dropout_sits_before_each_dense_layer():
    model = applications.CourseCNN(input_shape=(32, 32, 3), classes=5, dropout=0.25)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds[4:] == ["Flatten", "Dropout", "Dense", "Dropout", "Dense"]
    assert {layer.rate for layer in model.layers if isinstance(layer, L.Dropout)} == {0.25}
    assert model.output_shape == (None, 5)


def test_lenet5_follows_the_paper_with_tanh_and_average_pooling():
    model = applications.LeNet5()
    assert describe(model) == [
        ("Conv2D", 6, "tanh"), ("AveragePooling2D", (2, 2), None),
        ("Conv2D", 16, "tanh"), ("AveragePooling2D", (2, 2), None), ("Flatten", None, None),
        ("Dense", 120, "tanh"), ("Dense", 84, "tanh"), ("Dense", 10, "softmax"),
    ]
    assert [layer.padding for layer in model.layers if isinstance(layer, L.Conv2D)] == \
        ["same", "valid"]
    assert model.get_layer("flatten").output_shape == (None, 400)
    assert model.count_params() == 61_706


def test_mlp_flattens_images_and_stacks_the_hidden_layers():
    model = applications.MLP((28, 28), 10)
    assert describe(model) == [("Flatten", None, None), ("Dense", 256, "relu"),
                               ("Dense", 128, "relu"), ("Dense", 100, "relu"),
                               ("Dense", 10, "softmax")]
    flat = applications.MLP((4,), 3, hidden=(16,), dropout=0.5)
    assert describe(flat) == [("Dense", 16, "relu"), ("Dropout", 0.5, None),
                              ("Dense", 3, "softmax")]
    assert flat.count_params() == 4 * 16 + 16 + 16 * 3 + 3
    assert applications.MLP((4,), 3, hidden=()).count_params() == 15, "softmax regression"


def test_every_builder_names_its_model_and_takes_a_name():
    for build in (applications.CourseCNN, applications.LeNet5):
        assert build(name="mine").name == "mine"
    assert applications.MLP((4,), 3).name == "mlp"


def test_course_cnn_computes_what_the_same_keras_listing_computes():
    keras = keras_torch()
    ks = keras.layers
    theirs = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        ks.Conv2D(32, 5, padding="same", activation="relu"), ks.MaxPooling2D(2),
        ks.Conv2D(64, 5, padding="same", activation="relu"), ks.MaxPooling2D(2),
        ks.Flatten(), ks.Dense(100, activation="relu"), ks.Dense(10, activation="softmax"),
    ])
    ours = applications.CourseCNN()
    ours.set_weights([w.value.detach().numpy() for w in theirs.weights])
    x = np.random.default_rng(0).random((4, 28, 28, 1)).astype(np.float32)
    want = theirs(x).detach().numpy()
    np.testing.assert_allclose(ours.predict(x, verbose=0), want, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("build", [applications.CourseCNN, applications.LeNet5],
                         ids=["course_cnn", "lenet5"])
def test_a_training_step_lowers_the_loss_and_the_model_saves(build, tmp_path):
    db.utils.set_random_seed(0)
    model = build()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(1).random((16, 28, 28, 1)).astype(np.float32)
    y = np.arange(16) % 10
    before = model.train_on_batch(x, y)
    for _ in range(3):
        after = model.train_on_batch(x, y)
    assert after < before
    model.save(tmp_path / "m.keras")
    loaded = db.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


@pytest.mark.parametrize("build,match", [
    (lambda: applications.CourseCNN(input_shape=(28, 28)),
     r"CourseCNN: `input_shape` must be \(height, width, channels\).*x\[\.\.\., None\]"),
    (lambda: applications.CourseCNN(input_shape=(2, 2, 1)), r"height and width >= 4"),
    (lambda: applications.LeNet5(input_shape=(8, 8, 1)), r"LeNet5: .*>= 12"),
    (lambda: applications.CourseCNN(classes=1), r"`classes` must be an int >= 2"),
    (lambda: applications.CourseCNN(dropout=1.0), r"`dropout` must be a float in \[0, 1\)"),
    (lambda: applications.MLP((0,), 3), r"MLP: `input_shape` must be a tuple of positive"),
    (lambda: applications.MLP((4,), 3, hidden=64), r"MLP: `hidden` must be a sequence"),
    (lambda: applications.MLP((4,), 3, hidden=(8, 0)), r"Received: hidden=\(8, 0\)"),
])
def test_bad_arguments_name_the_builder(build, match):
    with pytest.raises(ValueError, match=match):
        build()
