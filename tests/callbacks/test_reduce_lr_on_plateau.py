"""ReduceLROnPlateau: when the learning rate falls, by how much, and what it logs."""

import doctest

import pytest

import deepbricks as db
from deepbricks.callbacks import ReduceLROnPlateau, reduce_lr_on_plateau
from tests.callbacks.helpers import StubModel, drive, regression_data, tiny_model


def rates(callback, values, learning_rate=1.0, monitor="val_loss"):
    """The learning rate logged at each epoch end (before that epoch's reduction), then the
    final rate."""
    model = StubModel(learning_rate)
    logs = drive(callback, values, monitor, model=model)
    return [entry["learning_rate"] for entry in logs] + [model.optimizer.learning_rate]


def test_reduces_by_factor_after_patience_epochs_without_improvement():
    plateau = ReduceLROnPlateau(factor=0.5, patience=2)
    # epochs 1 and 2 do not improve on epoch 0: reduce; epochs 3 and 4: reduce again
    assert rates(plateau, [1.0, 1.0, 1.0, 1.0, 1.0]) == [1.0, 1.0, 1.0, 0.5, 0.5, 0.25]


def test_an_improvement_restarts_the_count():
    plateau = ReduceLROnPlateau(factor=0.5, patience=2)
    assert rates(plateau, [1.0, 1.0, 0.5, 0.6, 0.6]) == [1.0, 1.0, 1.0, 1.0, 1.0, 0.5]


def test_min_delta_decides_what_counts_as_an_improvement():
    values = [1.0, 0.99, 0.98, 0.97]
    assert rates(ReduceLROnPlateau(factor=0.5, patience=1), values)[-1] == 1.0
    assert rates(ReduceLROnPlateau(factor=0.5, patience=1, min_delta=0.05), values)[-1] == 0.125


def test_cooldown_holds_off_reductions_for_that_many_epochs():
    assert rates(ReduceLROnPlateau(factor=0.5, patience=1), [1.0] * 4) == [
        1.0, 1.0, 0.5, 0.25, 0.125]
    plateau = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2)
    # After the reduction at epoch 1 the counter runs down at epochs 2 and 3, and epoch 3,
    # no longer cooling down, counts towards patience again: reductions at epochs 1, 3, 5.
    assert rates(plateau, [1.0] * 6) == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125]
    assert plateau.in_cooldown()


def test_min_lr_bounds_the_rate():
    plateau = ReduceLROnPlateau(factor=0.1, patience=0, min_lr=0.005)
    got = rates(plateau, [1.0] * 5, learning_rate=0.1)
    assert got == pytest.approx([0.1, 0.1, 0.01, 0.005, 0.005, 0.005], rel=1e-12)


def test_a_rate_at_min_lr_is_no_reduction_so_cooldown_does_not_restart():
    plateau = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=1, min_lr=0.5)
    rates(plateau, [1.0] * 5)
    assert not plateau.in_cooldown()
    assert plateau.wait == 3  # epochs 2, 3, 4 counted: there is nothing more to reduce


def test_mode_auto_maximises_accuracy():
    plateau = ReduceLROnPlateau("val_accuracy", factor=0.5, patience=1)
    assert rates(plateau, [0.5, 0.6, 0.7], monitor="val_accuracy")[-1] == 1.0
    plateau = ReduceLROnPlateau("val_accuracy", factor=0.5, patience=1, mode="min")
    assert rates(plateau, [0.5, 0.6, 0.7], monitor="val_accuracy")[-1] == 0.25


def test_sets_the_optimizer_rate_in_fit_and_history_records_it():
    # The training loss falls every epoch, so in mode 'max' it never improves.
    x, y = regression_data()
    model = tiny_model(lr=0.1)
    plateau = ReduceLROnPlateau(monitor="loss", mode="max", factor=0.5, patience=1)
    history = model.fit(x, y, batch_size=16, epochs=4, verbose=0, callbacks=[plateau])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.05, 0.025])
    assert model.optimizer.learning_rate == pytest.approx(0.0125)


def test_an_optimizer_driven_by_a_schedule_cannot_be_reduced():
    schedule = db.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9)
    model = StubModel()
    model.optimizer = db.optimizers.SGD(schedule)
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        drive(ReduceLROnPlateau(patience=0), [1.0, 1.0], model=model)


def test_a_missing_monitor_warns_and_still_logs_the_rate():
    plateau = ReduceLROnPlateau(patience=0)
    plateau.set_model(StubModel(0.5))
    plateau.on_train_begin()
    logs = {"loss": 1.0}
    with pytest.warns(UserWarning, match=r"'val_loss'.*Available keys: loss.*validation_data"):
        plateau.on_epoch_end(0, logs)
    assert logs["learning_rate"] == 0.5


def test_verbose_reports_each_reduction(capsys):
    rates(ReduceLROnPlateau(factor=0.5, patience=1, verbose=1), [1.0, 1.0])
    assert "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.5." in capsys.readouterr().out


@pytest.mark.parametrize("kwargs, match", [
    ({"factor": 1.0}, r"`factor` .* must be in \[0, 1\).*factor=1.0"),
    ({"factor": -0.5}, r"factor=-0.5"),
    ({"min_lr": -1e-3}, r"`min_lr` must be >= 0"),
    ({"patience": -1}, r"ReduceLROnPlateau: `patience`"),
    ({"cooldown": 0.5}, r"`cooldown` must be an integer"),
    ({"mode": "up"}, r"mode='up'"),
])
def test_bad_arguments_raise_value_errors_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ReduceLROnPlateau(**kwargs)


def test_docstring_examples_run():
    assert doctest.testmod(reduce_lr_on_plateau).failed == 0
