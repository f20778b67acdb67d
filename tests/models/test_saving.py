"""Saving and loading: one file, identical predictions, exact resumption, atomic writes."""

import os

import numpy as np
import pytest

import deepbricks as db
from deepbricks import layers
from deepbricks.utils import set_random_seed


def data(n=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 6)).astype("float32")
    return x, (x[:, :3].sum(1) > 0).astype("int64")


def functional_model():
    set_random_seed(3)
    x = db.Input(shape=(6,))
    h = layers.Dense(8, activation="relu")(x)
    h = layers.add([h, layers.Dense(8)(h)])
    y = layers.Dense(2, activation="softmax")(layers.BatchNormalization()(h))
    model = db.Model(x, y)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@pytest.mark.parametrize("build", [
    functional_model,
    lambda: db.Sequential([layers.Dense(4, activation="tanh", input_shape=(6,)),
                           layers.Dropout(0.2), layers.Dense(2, activation="softmax")]),
], ids=["functional", "sequential"])
def test_round_trip_gives_identical_predictions(tmp_path, build):
    x, y = data()
    model = build()
    if not model.compiled:
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    restored = db.load_model(path)
    np.testing.assert_array_equal(model.predict(x, verbose=0), restored.predict(x, verbose=0))
    assert [v.path for v in restored.weights] == [v.path for v in model.weights]


def test_training_resumes_exactly_after_load(tmp_path):
    x, y = data()
    model = functional_model()
    model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    restored = db.load_model(tmp_path / "m.keras")
    model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    restored.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_save_and_load_weights(tmp_path):
    x, _ = data()
    model, twin = functional_model(), functional_model()
    for v in model.weights:
        v.assign(np.random.default_rng(1).uniform(0.5, 1.5, size=v.shape))
    model.save_weights(tmp_path / "w.weights.safetensors")
    twin.load_weights(tmp_path / "w.weights.safetensors")
    np.testing.assert_array_equal(model.predict(x, verbose=0), twin.predict(x, verbose=0))


def test_a_crash_during_save_leaves_the_existing_file_intact(tmp_path, monkeypatch):
    model = functional_model()
    path = tmp_path / "model.keras"
    model.save(path)
    original = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]


def test_loading_a_corrupt_file_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.keras"
    path.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="broken.keras"):
        db.load_model(path)


def test_weights_of_another_architecture_are_rejected(tmp_path):
    model = functional_model()
    model.save_weights(tmp_path / "w.safetensors")
    other = db.Sequential([layers.Dense(3, input_shape=(6,))])
    with pytest.raises(ValueError, match="weight arrays"):
        other.load_weights(tmp_path / "w.safetensors")


def test_saved_files_get_the_usual_permissions(tmp_path):
    model = functional_model()
    model.save(tmp_path / "model.keras")
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    assert (tmp_path / "model.keras").stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
