"""ModelCheckpoint: file names, when it saves, and that what it saves loads back."""

import doctest
import os

import numpy as np
import pytest

import deepbricks as db
from deepbricks.callbacks import ModelCheckpoint, model_checkpoint
from tests.callbacks.helpers import regression_data, tiny_model


def scripted(checkpoint, values, monitor="val_loss"):
    """Drives ``checkpoint`` on a real model whose weights are set to the epoch number
    (counted from 1) before each epoch end; returns the model."""
    model = tiny_model()
    checkpoint.set_model(model)
    checkpoint.on_train_begin()
    for epoch, value in enumerate(values):
        checkpoint.on_epoch_begin(epoch)
        model.set_weights([np.full_like(w, epoch + 1) for w in model.get_weights()])
        checkpoint.on_epoch_end(epoch, {"loss": 1.0, monitor: value})
    return model


def saved_epoch(path):
    """The epoch whose weights a weights file holds (see ``scripted``)."""
    model = tiny_model()
    model.load_weights(path)
    return int(model.get_weights()[0][0, 0])


def test_file_names_are_formatted_from_the_epoch_and_the_logs(tmp_path):
    x, y = regression_data(n=20)
    pattern = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.3f}-{loss:.2e}.weights.h5")
    history = tiny_model().fit(x, y, batch_size=5, epochs=3, validation_split=0.2, verbose=0,
                               callbacks=[ModelCheckpoint(pattern, save_weights_only=True)])
    expected = [f"ckpt-{epoch + 1:02d}-{val:.3f}-{loss:.2e}.weights.h5" for epoch, val, loss in
                zip(history.epoch, history.history["val_loss"], history.history["loss"])]
    assert sorted(os.listdir(tmp_path)) == expected


def test_save_best_only_writes_only_when_the_monitor_improves(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "e{epoch}.weights.h5"), save_best_only=True,
                                 save_weights_only=True)
    scripted(checkpoint, [1.0, 0.8, 0.9, 0.7, 0.7])
    assert sorted(os.listdir(tmp_path)) == ["e1.weights.h5", "e2.weights.h5", "e4.weights.h5"]
    assert checkpoint.best == 0.7


def test_a_fixed_file_name_keeps_the_best_model(tmp_path):
    path = str(tmp_path / "best.weights.h5")
    checkpoint = ModelCheckpoint(path, save_best_only=True, save_weights_only=True)
    scripted(checkpoint, [1.0, 0.5, 0.9, 0.6])
    assert saved_epoch(path) == 2


def test_mode_max_and_auto_for_accuracy(tmp_path):
    for mode in ["max", "auto"]:
        path = str(tmp_path / f"{mode}.weights.h5")
        checkpoint = ModelCheckpoint(path, monitor="val_accuracy", mode=mode,
                                     save_best_only=True, save_weights_only=True)
        scripted(checkpoint, [0.5, 0.75, 0.6], monitor="val_accuracy")
        assert saved_epoch(path) == 2


def test_initial_value_threshold_must_be_beaten_first(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "e{epoch}.weights.h5"), save_best_only=True,
                                 save_weights_only=True, initial_value_threshold=0.75)
    scripted(checkpoint, [1.0, 0.8, 0.9, 0.7])
    assert os.listdir(tmp_path) == ["e4.weights.h5"]


def test_without_save_best_only_every_epoch_overwrites(tmp_path):
    path = str(tmp_path / "last.weights.h5")
    scripted(ModelCheckpoint(path, save_weights_only=True), [1.0, 0.5, 0.9])
    assert saved_epoch(path) == 3


def test_weights_only_files_load_into_a_fresh_model(tmp_path):
    x, y = regression_data()
    path = str(tmp_path / "w.weights.h5")
    model = tiny_model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[ModelCheckpoint(path,
                                                                    save_weights_only=True)])
    fresh = tiny_model(seed=1)
    fresh.load_weights(path)
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_whole_models_load_back_compiled(tmp_path):
    x, y = regression_data()
    path = str(tmp_path / "model.keras")
    model = tiny_model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[ModelCheckpoint(path)])
    loaded = db.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


def test_save_freq_counts_batches_across_epochs(tmp_path):
    x, y = regression_data(n=12)
    pattern = str(tmp_path / "e{epoch}-b{batch}.weights.h5")
    tiny_model().fit(x, y, batch_size=4, epochs=2, verbose=0,
                     callbacks=[ModelCheckpoint(pattern, save_weights_only=True, save_freq=2)])
    # 3 batches per epoch: the 2nd, 4th and 6th batches of the run
    assert sorted(os.listdir(tmp_path)) == ["e1-b2.weights.h5", "e2-b1.weights.h5",
                                            "e2-b3.weights.h5"]


def test_creates_missing_folders(tmp_path):
    path = tmp_path / "runs" / "a" / "w.weights.h5"
    scripted(ModelCheckpoint(path, save_weights_only=True), [1.0])
    assert path.exists()


def test_save_best_only_without_the_monitor_warns_and_saves(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "w.weights.h5"), monitor="val_auc",
                                 save_best_only=True, save_weights_only=True)
    with pytest.warns(UserWarning, match=r"'val_auc'.*loss, val_loss"):
        scripted(checkpoint, [1.0])
    assert os.listdir(tmp_path) == ["w.weights.h5"]


def test_verbose_reports_each_decision(tmp_path, capsys):
    path = str(tmp_path / "w.weights.h5")
    scripted(ModelCheckpoint(path, save_best_only=True, save_weights_only=True, verbose=1),
             [1.0, 0.5, 0.75])
    out = capsys.readouterr().out
    assert f"Epoch 1: val_loss improved from None to 1.00000, saving model to {path}" in out
    assert "Epoch 2: val_loss improved from 1.00000 to 0.50000" in out
    assert "Epoch 3: val_loss did not improve from 0.50000" in out


def test_a_field_missing_from_the_logs_names_it_and_the_available_ones(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "{val_acc:.2f}.weights.h5"))
    with pytest.raises(ValueError, match=r"'val_acc'.*\['epoch', 'loss', 'val_loss'\]"):
        scripted(checkpoint, [1.0])


def test_positional_fields_are_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"use named fields such as \{epoch:02d\}"):
        scripted(ModelCheckpoint(str(tmp_path / "{}.keras")), [1.0])


def test_an_existing_folder_is_not_a_file_path(tmp_path):
    with pytest.raises(ValueError, match="is an existing folder"):
        scripted(ModelCheckpoint(str(tmp_path), save_weights_only=True), [1.0])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"filepath": None}, TypeError, r"`filepath` must be a str or path-like"),
    ({"save_freq": 0}, ValueError, r"`save_freq` must be 'epoch' or a positive"),
    ({"save_freq": "batch"}, ValueError, r"save_freq='batch'"),
    ({"mode": "best"}, ValueError, r"ModelCheckpoint: `mode`"),
    ({"initial_value_threshold": "0.5"}, ValueError, r"`initial_value_threshold` must be a"),
])
def test_bad_arguments_name_the_callback_and_the_value(kwargs, error, match):
    with pytest.raises(error, match=match):
        ModelCheckpoint(**{"filepath": "m.keras", **kwargs})


def test_docstring_examples_run():
    assert doctest.testmod(model_checkpoint).failed == 0
