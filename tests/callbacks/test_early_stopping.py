"""EarlyStopping: when training stops, which weights it leaves, and its warnings/errors."""

import doctest

import numpy as np
import pytest

import deepbricks as db
from deepbricks.callbacks import EarlyStopping, LambdaCallback, early_stopping
from tests.callbacks.helpers import StubModel, drive, regression_data, tiny_model


def stopped_after(callback, values, monitor="val_loss"):
    """The number of epochs a fit with these monitored values runs."""
    return len(drive(callback, values, monitor))


@pytest.mark.parametrize("patience, values, epochs", [
    # the first epoch that does not improve ends training
    (0, [1.0, 0.8, 0.9, 0.7], 3),
    # two epochs without improvement: 0.9 (wait 1) and 0.85 (wait 2)
    (2, [1.0, 0.8, 0.9, 0.85, 0.7, 0.6], 4),
    # an improvement in between restarts the count
    (2, [1.0, 1.1, 0.9, 1.0, 0.95, 1.2], 5),
    # always improving: never stops
    (1, [1.0, 0.9, 0.8, 0.7], 4),
])
def test_stops_after_patience_epochs_without_improvement(patience, values, epochs):
    assert stopped_after(EarlyStopping(patience=patience), values) == epochs


def test_records_the_stopped_epoch_best_value_and_best_epoch():
    stop = EarlyStopping(patience=1)
    drive(stop, [1.0, 0.5, 0.7, 0.6])
    assert (stop.stopped_epoch, stop.best, stop.best_epoch) == (2, 0.5, 1)


def test_min_delta_ignores_small_improvements():
    values = [1.0, 0.95, 0.9, 0.85]
    assert stopped_after(EarlyStopping(min_delta=0.1), values) == 2
    assert stopped_after(EarlyStopping(min_delta=-0.1), values) == 2  # the sign is ignored
    assert stopped_after(EarlyStopping(min_delta=0.01), values) == 4


def test_mode_auto_maximises_accuracy_like_names_and_minimises_the_rest():
    rising = [0.5, 0.6, 0.7]
    for monitor in ["val_accuracy", "acc", "val_auc", "precision", "val_recall"]:
        assert stopped_after(EarlyStopping(monitor=monitor), rising, monitor) == 3
    for monitor in ["val_loss", "mae", "val_mean_squared_error"]:
        assert stopped_after(EarlyStopping(monitor=monitor), rising, monitor) == 2


def test_explicit_mode_overrides_the_name():
    rising = [0.5, 0.6, 0.7]
    assert stopped_after(EarlyStopping("val_loss", mode="max"), rising) == 3
    assert stopped_after(EarlyStopping("val_accuracy", mode="min"), rising, "val_accuracy") == 2


def test_a_baseline_that_is_never_beaten_stops_after_patience_epochs():
    # Improving on itself (0.9 -> 0.8) does not restart the count while 0.5 is not beaten.
    values = [0.9, 0.8, 0.85, 0.7, 0.6]
    assert stopped_after(EarlyStopping(patience=2, baseline=0.5), values) == 3
    assert stopped_after(EarlyStopping(patience=2), values) == 5


def test_beating_the_baseline_restarts_the_count():
    values = [0.9, 0.4, 0.45, 0.45, 0.45]
    assert stopped_after(EarlyStopping(patience=2, baseline=0.5), values) == 4


def test_start_from_epoch_skips_the_warm_up_epochs():
    rising = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert stopped_after(EarlyStopping(), rising) == 2
    stop = EarlyStopping(start_from_epoch=2)
    assert stopped_after(stop, rising) == 4
    assert stop.best == 3.0  # the first monitored value


def test_restore_best_weights_restores_the_best_epoch_at_the_end():
    def weights_of_epoch(model, epoch):
        model.weights = [np.full(2, float(epoch))]

    model = StubModel()
    stop = EarlyStopping(patience=2, restore_best_weights=True)
    drive(stop, [1.0, 0.5, 0.7, 0.8, 0.1], model=model, on_epoch=weights_of_epoch)
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])
    assert stop.best_epoch == 1


def test_restore_best_weights_also_applies_when_training_ran_to_the_end():
    def weights_of_epoch(model, epoch):
        model.weights = [np.full(2, float(epoch))]

    model = StubModel()
    drive(EarlyStopping(patience=5, restore_best_weights=True), [1.0, 0.5, 0.7],
          model=model, on_epoch=weights_of_epoch)
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])


def test_restore_best_weights_ignores_the_warm_up_epochs():
    def weights_of_epoch(model, epoch):
        model.weights = [np.full(2, float(epoch))]

    model = StubModel()  # epoch 0 has the lowest value but is not monitored
    drive(EarlyStopping(patience=1, restore_best_weights=True, start_from_epoch=1),
          [0.1, 0.5, 0.6, 0.7], model=model, on_epoch=weights_of_epoch)
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])


def test_stops_fit_and_restores_the_best_weights_of_a_real_model():
    # The training loss falls every epoch, so in mode 'max' epoch 0 stays the best.
    x, y = regression_data()
    model = tiny_model(lr=0.05)
    per_epoch = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: per_epoch.append(
        model.get_weights()))
    stop = EarlyStopping(monitor="loss", mode="max", patience=2, restore_best_weights=True)
    history = model.fit(x, y, batch_size=16, epochs=20, shuffle=False, verbose=0,
                        callbacks=[record, stop])
    assert history.epoch == [0, 1, 2]
    assert np.all(np.diff(history.history["loss"]) < 0)
    for restored, best in zip(model.get_weights(), per_epoch[0]):
        np.testing.assert_array_equal(restored, best)
    assert not np.array_equal(per_epoch[0][0], per_epoch[2][0])


def test_without_restore_best_weights_the_last_weights_stay():
    x, y = regression_data()
    model = tiny_model(lr=0.05)
    per_epoch = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: per_epoch.append(
        model.get_weights()))
    model.fit(x, y, batch_size=16, epochs=20, verbose=0,
              callbacks=[record, EarlyStopping(monitor="loss", mode="max", patience=1)])
    assert len(per_epoch) == 2
    np.testing.assert_array_equal(model.get_weights()[0], per_epoch[-1][0])


def test_monitors_validation_loss_in_fit():
    x, y = regression_data(n=40)
    model = tiny_model(lr=0.05)
    history = model.fit(x, y, batch_size=8, epochs=5, validation_split=0.25, verbose=0,
                        callbacks=[EarlyStopping(patience=0)])
    assert len(history.epoch) == 5  # the validation loss keeps falling on this easy problem


def test_the_same_instance_starts_afresh_in_each_fit():
    stop = EarlyStopping(patience=0)
    assert stopped_after(stop, [1.0, 0.8, 0.9]) == 3
    assert stopped_after(stop, [5.0, 4.0, 3.0, 3.5]) == 4  # 5.0 is a new first best


def test_a_missing_monitor_warns_with_the_available_keys_and_never_stops():
    stop = EarlyStopping(monitor="val_accuracy")
    model = StubModel()
    stop.set_model(model)
    stop.on_train_begin()
    for epoch in range(3):
        with pytest.warns(UserWarning, match=r"'val_accuracy'.*Available keys: loss, val_loss"):
            stop.on_epoch_end(epoch, {"loss": 1.0, "val_loss": 1.0})
    assert not model.stop_training


def test_verbose_reports_the_stop_and_the_restore(capsys):
    drive(EarlyStopping(patience=0, verbose=1, restore_best_weights=True), [1.0, 0.5, 0.9])
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 2." in out


def test_is_silent_by_default(capsys):
    drive(EarlyStopping(patience=0, restore_best_weights=True), [1.0, 0.5, 0.9])
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kwargs, error, match", [
    ({"patience": -1}, ValueError, r"EarlyStopping: `patience` must be an integer >= 0"),
    ({"patience": 1.5}, ValueError, r"Received: patience=1.5"),
    ({"start_from_epoch": -2}, ValueError, r"`start_from_epoch`"),
    ({"mode": "maximum"}, ValueError, r"'auto', 'min' or 'max'.*mode='maximum'"),
    ({"monitor": 3}, TypeError, r"`monitor` must be the name"),
    ({"baseline": "0.5"}, ValueError, r"`baseline` must be a number"),
    ({"min_delta": None}, ValueError, r"`min_delta` must be a number"),
])
def test_bad_arguments_name_the_callback_and_the_value(kwargs, error, match):
    with pytest.raises(error, match=match):
        EarlyStopping(**kwargs)


def test_is_exported_under_the_keras_name():
    assert db.callbacks.EarlyStopping is EarlyStopping


def test_docstring_examples_run():
    assert doctest.testmod(early_stopping).failed == 0
