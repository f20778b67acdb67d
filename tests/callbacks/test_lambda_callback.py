"""LambdaCallback: each function runs at its hook with the arguments Keras gives it."""

import doctest

import pytest

from deepbricks.callbacks import LambdaCallback, lambda_callback
from tests.callbacks.helpers import regression_data, tiny_model


def test_every_training_hook_fires_in_order_with_its_arguments():
    x, y = regression_data(n=8)
    events = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: events.append(("train_begin", logs)),
        on_epoch_begin=lambda epoch, logs: events.append(("epoch_begin", epoch)),
        on_train_batch_begin=lambda batch, logs: events.append(("batch_begin", batch)),
        on_train_batch_end=lambda batch, logs: events.append(("batch_end", batch,
                                                              sorted(logs))),
        on_epoch_end=lambda epoch, logs: events.append(("epoch_end", epoch, sorted(logs))),
        on_train_end=lambda logs: events.append(("train_end", sorted(logs))),
    )
    tiny_model().fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[callback])
    epoch = [("batch_begin", 0), ("batch_end", 0, ["loss"]),
             ("batch_begin", 1), ("batch_end", 1, ["loss"])]
    assert events == [("train_begin", None),
                      ("epoch_begin", 0), *epoch, ("epoch_end", 0, ["loss"]),
                      ("epoch_begin", 1), *epoch, ("epoch_end", 1, ["loss"]),
                      ("train_end", ["loss"])]


def test_other_hooks_are_given_by_name():
    x, y = regression_data(n=8)
    events = []
    callback = LambdaCallback(
        on_test_begin=lambda logs: events.append("test_begin"),
        on_test_batch_end=lambda batch, logs: events.append(f"test_batch_{batch}"),
        on_test_end=lambda logs: events.append(f"test_end {sorted(logs)}"),
        on_predict_end=lambda logs: events.append("predict_end"),
    )
    model = tiny_model()
    model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[callback])
    model.predict(x, verbose=0, callbacks=[callback])
    assert events == ["test_begin", "test_batch_0", "test_batch_1", "test_end ['loss']",
                      "predict_end"]


def test_on_batch_begin_and_end_are_the_training_batch_hooks():
    x, y = regression_data(n=8)
    events = []
    callback = LambdaCallback(on_batch_begin=lambda batch, logs: events.append(("begin", batch)),
                              on_batch_end=lambda batch, logs: events.append(("end", batch)))
    model = tiny_model()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[callback])
    model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[callback])
    assert events == [("begin", 0), ("end", 0), ("begin", 1), ("end", 1)]


def test_a_hook_given_under_both_names_is_refused():
    with pytest.raises(TypeError, match=r"`on_batch_end` and `on_train_batch_end` name the same"):
        LambdaCallback(on_train_batch_end=print, on_batch_end=print)


def test_hooks_not_given_do_nothing():
    x, y = regression_data(n=8)
    history = tiny_model().fit(x, y, epochs=1, verbose=0, callbacks=[LambdaCallback()])
    assert history.epoch == [0]


def test_unknown_hook_names_are_refused_with_the_accepted_ones():
    with pytest.raises(TypeError, match=r"unknown hook names \['on_epoch_finish'\].*on_epoch_end"):
        LambdaCallback(on_epoch_finish=print)


def test_hooks_must_be_callable():
    with pytest.raises(TypeError, match=r"`on_epoch_end` must be a function"):
        LambdaCallback(on_epoch_end="print")


def test_docstring_examples_run():
    assert doctest.testmod(lambda_callback).failed == 0
