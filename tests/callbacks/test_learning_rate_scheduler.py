"""LearningRateScheduler: the rate each epoch trains with, what History records, errors."""

import doctest

import numpy as np
import pytest

import deepbricks as db
from deepbricks.callbacks import LambdaCallback, LearningRateScheduler, learning_rate_scheduler
from tests.callbacks.helpers import regression_data, tiny_model


def rates_used(schedule, epochs=4, lr=0.1):
    """(the rate seen by each batch, History's 'learning_rate', the model) of a short fit."""
    x, y = regression_data()
    model = tiny_model(lr=lr)
    seen = []
    spy = LambdaCallback(on_train_batch_begin=lambda batch, logs: seen.append(
        model.optimizer.learning_rate))
    history = model.fit(x, y, batch_size=8, epochs=epochs, verbose=0,
                        callbacks=[LearningRateScheduler(schedule), spy])
    return seen, history.history["learning_rate"], model


def test_sets_the_rate_before_each_epoch_from_epoch_and_current_rate():
    seen, logged, model = rates_used(lambda epoch, lr: lr * 0.5 if epoch > 0 else lr)
    expected = [0.1, 0.05, 0.025, 0.0125]
    assert seen == pytest.approx(np.repeat(expected, 2))  # two batches per epoch
    assert logged == pytest.approx(expected)
    assert model.optimizer.learning_rate == pytest.approx(0.0125)


def test_a_schedule_of_the_epoch_alone_works_too():
    _, logged, _ = rates_used(lambda epoch: 0.1 / (epoch + 1))
    assert logged == pytest.approx([0.1, 0.05, 0.1 / 3, 0.025])


def test_epochs_count_from_initial_epoch():
    x, y = regression_data()
    model = tiny_model()
    epochs = []
    model.fit(x, y, epochs=4, initial_epoch=2, verbose=0, callbacks=[
        LearningRateScheduler(lambda epoch, lr: epochs.append(epoch) or lr)])
    assert epochs == [2, 3]


def test_the_scheduled_rate_drives_the_updates():
    x, y = regression_data()
    frozen = tiny_model()
    before = frozen.get_weights()
    frozen.fit(x, y, epochs=2, verbose=0,
               callbacks=[LearningRateScheduler(lambda epoch, lr: 0.0)])
    for a, b in zip(frozen.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    fixed, scheduled = tiny_model(lr=0.05), tiny_model(lr=0.5)
    fixed.fit(x, y, epochs=2, shuffle=False, verbose=0)
    scheduled.fit(x, y, epochs=2, shuffle=False, verbose=0,
                  callbacks=[LearningRateScheduler(lambda epoch, lr: 0.05)])
    for a, b in zip(fixed.get_weights(), scheduled.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_numpy_scalars_and_tensors_are_accepted_as_plain_floats():
    for value in [np.float32(0.25), np.array(0.25), db.Tensor(np.float32(0.25)), 1]:
        _, logged, model = rates_used(lambda epoch, lr, value=value: value, epochs=1)
        assert type(model.optimizer.learning_rate) is float
        assert logged == [float(value.data if isinstance(value, db.Tensor) else value)]


def test_the_weights_stay_float32():
    _, _, model = rates_used(lambda epoch, lr: np.float64(0.01), epochs=1)
    assert all(w.dtype == np.float32 for w in model.get_weights())


@pytest.mark.parametrize("returned", ["0.1", None, float("nan"), -0.1, [0.1], True])
def test_a_schedule_returning_no_usable_rate_raises_naming_the_epoch(returned):
    with pytest.raises(ValueError, match=r"LearningRateScheduler: .* at epoch 0 it returned"):
        rates_used(lambda epoch, lr: returned, epochs=1)


def test_schedule_must_be_callable():
    with pytest.raises(TypeError, match=r"`schedule` must be a function.*schedule=0.1"):
        LearningRateScheduler(0.1)


def test_verbose_prints_the_rate_of_each_epoch(capsys):
    x, y = regression_data()
    tiny_model().fit(x, y, epochs=2, verbose=0,
                     callbacks=[LearningRateScheduler(lambda epoch, lr: 0.5 ** epoch, 1)])
    out = capsys.readouterr().out
    assert "Epoch 1: LearningRateScheduler setting learning rate to 1.0." in out
    assert "Epoch 2: LearningRateScheduler setting learning rate to 0.5." in out


def test_docstring_examples_run():
    assert doctest.testmod(learning_rate_scheduler).failed == 0
