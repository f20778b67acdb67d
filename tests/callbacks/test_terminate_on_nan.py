"""TerminateOnNaN: fit stops at the first batch whose loss is NaN or infinite."""

import doctest
import math

import numpy as np
import pytest

from deepbricks.callbacks import LambdaCallback, TerminateOnNaN, terminate_on_nan
from tests.callbacks.helpers import StubModel, regression_data, tiny_model


def test_stops_fit_at_the_first_nan_batch(capsys):
    x, y = regression_data(n=8)
    y[5] = np.nan
    batches = []
    spy = LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
    model = tiny_model()
    with pytest.warns(RuntimeWarning, match="The loss became nan"):
        history = model.fit(x, y, batch_size=2, epochs=3, shuffle=False, verbose=0,
                            callbacks=[TerminateOnNaN(), spy])
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out
    assert batches == [0, 1, 2]
    assert history.epoch == [0]
    assert math.isnan(history.history["loss"][0])


@pytest.mark.parametrize("loss", [float("nan"), float("inf"), -np.inf, np.float32("nan")])
def test_invalid_losses_stop_training(loss, capsys):
    model = StubModel()
    callback = TerminateOnNaN()
    callback.set_model(model)
    callback.on_train_batch_end(7, {"loss": loss})
    assert model.stop_training
    assert capsys.readouterr().out == "Batch 7: Invalid loss, terminating training\n"


@pytest.mark.parametrize("logs", [{"loss": 1e30}, {"loss": 0.0}, {}, None])
def test_finite_or_missing_losses_let_training_go_on(logs):
    model = StubModel()
    callback = TerminateOnNaN()
    callback.set_model(model)
    callback.on_train_batch_end(0, logs)
    assert not model.stop_training


def test_finite_training_is_not_cut_short():
    x, y = regression_data()
    history = tiny_model().fit(x, y, epochs=3, verbose=0, callbacks=[TerminateOnNaN()])
    assert history.epoch == [0, 1, 2]


def test_raise_error_raises_at_once():
    callback = TerminateOnNaN(raise_error=True)
    callback.set_model(StubModel())
    with pytest.raises(RuntimeError, match=r"TerminateOnNaN: the loss is nan at batch 3"):
        callback.on_train_batch_end(3, {"loss": float("nan")})


def test_docstring_examples_run():
    assert doctest.testmod(terminate_on_nan).failed == 0
