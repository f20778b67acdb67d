"""EarlyStopping, ReduceLROnPlateau and CSVLogger against Keras 3's own callbacks, both
driven by the same scripted logs on the same stub model.

Monitored values lie on a grid of multiples of 1/8, exact in float32 and float64, so
Keras's float32 comparisons and ours agree even on ties.
"""

import os

import numpy as np
import pytest

import deepbricks as db
from tests.callbacks.helpers import StubModel, drive

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras", reason="Keras 3 is an optional reference")


def scripted_runs(seed, count):
    """(kwargs shared by both libraries, the monitored values) of random scripted fits: noisy
    trends that improve more often than not, with plateaus and setbacks."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        mode = str(rng.choice(["min", "max"]))
        steps = rng.integers(-2, 2, size=14) * (1 if mode == "min" else -1)
        values = 2.0 + np.cumsum(steps) / 8.0
        yield {
            "mode": mode,
            "patience": int(rng.integers(0, 5)),
            "min_delta": float(rng.choice([0.0, 0.125, 0.25])),
        }, values.tolist()


def weights_of_epoch(model, epoch):
    model.weights = [np.full(2, float(epoch))]


def early_stopping_run(lib, kwargs, values):
    model = StubModel()
    stop = lib.callbacks.EarlyStopping(restore_best_weights=True, **kwargs)
    epochs = len(drive(stop, values, model=model, on_epoch=weights_of_epoch))
    return epochs, stop.stopped_epoch, stop.best, stop.best_epoch, stop.wait, \
        model.weights[0].tolist()


def test_early_stopping_matches_keras_on_random_scripted_logs():
    rng = np.random.default_rng(1)
    for kwargs, values in scripted_runs(seed=0, count=40):
        baseline = float(rng.integers(0, 17)) / 8.0
        kwargs.update(baseline=rng.choice([None, baseline]),
                      start_from_epoch=int(rng.integers(0, 3)))
        ours = early_stopping_run(db, kwargs, values)
        theirs = early_stopping_run(keras, kwargs, values)
        assert ours == theirs, (kwargs, values)


@pytest.mark.parametrize("values", [
    [1.0, 0.8, 0.9, 0.85, 0.7],
    [1.0, 0.9, 0.8, 0.7, 0.6],
    [0.5, 0.5, 0.5],
])
def test_early_stopping_matches_keras_in_mode_auto_on_val_loss(values):
    assert early_stopping_run(db, {"patience": 1}, values) == \
        early_stopping_run(keras, {"patience": 1}, values)


def plateau_run(lib, kwargs, values):
    model = StubModel(learning_rate=1.0)
    plateau = lib.callbacks.ReduceLROnPlateau(**kwargs)
    logs = drive(plateau, values, model=model)
    return [entry["learning_rate"] for entry in logs], model.optimizer.learning_rate, \
        plateau.wait, plateau.cooldown_counter


def test_reduce_lr_on_plateau_matches_keras_on_random_scripted_logs():
    rng = np.random.default_rng(2)
    for kwargs, values in scripted_runs(seed=3, count=40):
        kwargs.update(factor=float(rng.choice([0.1, 0.5])), cooldown=int(rng.integers(0, 3)),
                      min_lr=float(rng.choice([0.0, 0.01, 0.25])))
        ours = plateau_run(db, kwargs, values)
        theirs = plateau_run(keras, kwargs, values)
        assert ours[0] == pytest.approx(theirs[0], rel=1e-12), (kwargs, values)
        assert ours[1:] == pytest.approx(theirs[1:], rel=1e-12), (kwargs, values)


def test_csv_logger_writes_the_same_file_as_keras(tmp_path):
    epochs = [{"loss": 0.5, "accuracy": 0.25}, {"loss": 0.375, "accuracy": 0.5}]
    texts = []
    for lib in (db, keras):
        path = tmp_path / f"{lib.__name__}.csv"
        logger = lib.callbacks.CSVLogger(str(path), separator=";")
        logger.set_model(StubModel())
        logger.on_train_begin()
        for epoch, logs in enumerate(epochs):
            logger.on_epoch_end(epoch, dict(logs))
        logger.on_train_end()
        texts.append(path.read_text())
    assert texts[0] == texts[1]
    assert texts[0].splitlines()[0] == "epoch;accuracy;loss;val_accuracy;val_loss"
