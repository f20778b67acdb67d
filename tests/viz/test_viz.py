"""Plots: each writes a real image file and returns its path; bad input is explained."""

import sys

import numpy as np
import pytest

import deepbricks as db
from deepbricks import applications, viz
from deepbricks import layers as L

pytest.importorskip("matplotlib", reason="plots need the optional matplotlib")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path, returned, min_width=100):
    from matplotlib.image import imread

    assert returned == path
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    height, width = imread(path).shape[:2]
    assert width >= min_width and height >= 50


@pytest.fixture(scope="module")
def cnn():
    db.utils.set_random_seed(0)
    return applications.CourseCNN(input_shape=(12, 12, 1), classes=3)


def test_history_from_a_fit_and_from_a_dict(tmp_path):
    model = applications.MLP((4,), 3, hidden=(8,))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.random.default_rng(0).random((30, 4)).astype(np.float32), np.arange(30) % 3
    history = model.fit(x, y, epochs=2, validation_split=0.2, verbose=0)
    path = tmp_path / "sub" / "history.png"
    assert_png(path, viz.plot_history(history, path))
    loss_only = tmp_path / "loss.png"
    assert_png(loss_only, viz.plot_history({"loss": [1.0, 0.7, 0.6]}, loss_only))


def test_history_panels_depend_on_what_was_recorded(tmp_path):
    from matplotlib.image import imread

    both = viz.plot_history({"loss": [1.0, 0.5], "acc": [0.5, 0.8]}, tmp_path / "two.png")
    one = viz.plot_history({"loss": [1.0, 0.5]}, tmp_path / "one.png")
    assert imread(both).shape[1] > 1.5 * imread(one).shape[1], "two panels side by side"


def test_history_without_loss_or_accuracy_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"plot_history expects the History returned by fit"):
        viz.plot_history({}, tmp_path / "h.png")
    with pytest.raises(ValueError, match=r"neither a loss nor an accuracy.*\['mae'\]"):
        viz.plot_history({"mae": [1.0]}, tmp_path / "h.png")


def test_filters_of_a_layer_or_of_a_model(tmp_path, cnn):
    path = tmp_path / "filters.png"
    assert_png(path, viz.plot_filters(cnn.get_layer("conv1"), path))
    from_model = tmp_path / "from_model.png"
    assert_png(from_model, viz.plot_filters(cnn, from_model))
    assert from_model.read_bytes() == path.read_bytes(), "a model shows its first convolution"


def test_colour_filters_and_a_chosen_input_channel(tmp_path):
    rgb = applications.CourseCNN(input_shape=(8, 8, 3), classes=2)
    assert_png(tmp_path / "rgb.png", viz.plot_filters(rgb, tmp_path / "rgb.png"))
    second = rgb.get_layer("conv2")
    path = tmp_path / "channel.png"
    assert_png(path, viz.plot_filters(second, path, channel=31, max_filters=8))
    with pytest.raises(ValueError, match=r"`channel` must lie in \[0, 32\).*Received: channel=32"):
        viz.plot_filters(second, path, channel=32)


def test_filters_need_a_built_convolution(tmp_path):
    with pytest.raises(ValueError, match=r"plot_filters expects a 2D convolution layer.*Dense"):
        viz.plot_filters(L.Dense(3), tmp_path / "f.png")
    with pytest.raises(ValueError, match=r"is not built and has no kernel yet"):
        viz.plot_filters(L.Conv2D(4, 3), tmp_path / "f.png")


def test_feature_maps_of_a_sequential_model(tmp_path, cnn):
    image = np.random.default_rng(0).random((12, 12, 1)).astype(np.float32)
    path = tmp_path / "maps.png"
    assert_png(path, viz.plot_feature_maps(cnn, image, path))
    chosen = tmp_path / "pool.png"
    assert_png(chosen, viz.plot_feature_maps(cnn, image[None], chosen, layers=["pool1"],
                                             max_maps=4))


def test_feature_maps_of_a_functional_model(tmp_path):
    inputs = db.Input(shape=(10, 10, 3))
    a = L.Conv2D(4, 3, padding="same", activation="relu", name="left")(inputs)
    b = L.Conv2D(4, 3, padding="same", name="right")(inputs)
    outputs = L.Dense(2)(L.Flatten()(L.add([a, b])))
    model = db.Model(inputs, outputs)
    image = np.random.default_rng(0).random((10, 10, 3)).astype(np.float32)
    path = tmp_path / "maps.png"
    assert_png(path, viz.plot_feature_maps(model, image, path))


def test_feature_maps_explain_what_they_need(tmp_path, cnn):
    image = np.zeros((12, 12, 1), np.float32)
    with pytest.raises(ValueError, match=r"draws one image.*Received: \(2, 12, 12, 1\)"):
        viz.plot_feature_maps(cnn, np.zeros((2, 12, 12, 1)), tmp_path / "m.png")
    with pytest.raises(ValueError, match=r"layer 'fc1' outputs shape \(1, 100\), not feature"):
        viz.plot_feature_maps(cnn, image, tmp_path / "m.png", layers=["fc1"])
    with pytest.raises(ValueError, match=r"has no 2D convolution layer; name the layers"):
        viz.plot_feature_maps(applications.MLP((12, 12, 1), 3), image, tmp_path / "m.png")


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    counts = viz.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    scores = np.eye(4)[[3, 0, 0]] * 0.9 + 0.02
    np.testing.assert_array_equal(viz.confusion_matrix(np.eye(4)[[3, 1, 0]], scores, 4),
                                  [[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]])


def test_confusion_matrix_rejects_what_is_not_labels():
    with pytest.raises(ValueError, match=r"`y_pred` must hold class indices.*dtype float64"):
        viz.confusion_matrix([0, 1], [0.5, 0.2])
    with pytest.raises(ValueError, match=r"hold 2 and 3 samples"):
        viz.confusion_matrix([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match=r"labels go up to 3, beyond num_classes=2"):
        viz.confusion_matrix([0, 3], [0, 1], num_classes=2)


@pytest.mark.parametrize("normalize", [False, True])
def test_confusion_matrix_plot(tmp_path, normalize):
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 10, 300)
    y_prob = rng.random((300, 10))
    path = tmp_path / "confusion.png"
    returned = viz.plot_confusion_matrix(y_true, y_prob, [f"class {i}" for i in range(10)],
                                         path, normalize=normalize)
    assert_png(path, returned, min_width=300)


def test_without_matplotlib_the_message_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install deepbricks\[plots\]"):
        viz.plot_history({"loss": [1.0]}, tmp_path / "h.png")
    assert not (tmp_path / "h.png").exists()
