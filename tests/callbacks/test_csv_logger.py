"""CSVLogger: the header, one row per epoch, flushing, append mode and separators."""

import csv
import doctest

import numpy as np
import pytest

from deepbricks.callbacks import CSVLogger, LambdaCallback, csv_logger
from tests.callbacks.helpers import StubModel, regression_data, tiny_model


def read_rows(path, separator=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=separator))


def test_one_row_per_epoch_with_the_history_values(tmp_path):
    x, y = regression_data(n=20)
    path = tmp_path / "log.csv"
    model = tiny_model()
    model.compile("sgd", "mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=5, epochs=3, validation_split=0.2, verbose=0,
                        callbacks=[CSVLogger(path)])
    header, *rows = read_rows(path)
    assert header == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [int(row[0]) for row in rows] == [0, 1, 2]
    for column, key in enumerate(header[1:], start=1):
        np.testing.assert_allclose([float(row[column]) for row in rows], history.history[key],
                                   rtol=1e-12)


def test_without_validation_the_val_columns_say_na(tmp_path):
    x, y = regression_data()
    path = tmp_path / "log.csv"
    tiny_model().fit(x, y, epochs=2, verbose=0, callbacks=[CSVLogger(path)])
    header, *rows = read_rows(path)
    assert header == ["epoch", "loss", "val_loss"]
    assert [row[2] for row in rows] == ["NA", "NA"]


def test_rows_are_on_disk_at_each_epoch_end(tmp_path):
    x, y = regression_data()
    path = tmp_path / "log.csv"
    lines = []
    peek = LambdaCallback(on_epoch_end=lambda epoch, logs: lines.append(
        len(path.read_text().splitlines())))
    tiny_model().fit(x, y, epochs=3, verbose=0, callbacks=[CSVLogger(path), peek])
    assert lines == [2, 3, 4]


def test_append_continues_a_file_under_its_header(tmp_path):
    x, y = regression_data()
    path = tmp_path / "log.csv"
    model = tiny_model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[CSVLogger(path)])
    model.fit(x, y, epochs=4, initial_epoch=2, verbose=0,
              callbacks=[CSVLogger(path, append=True)])
    header, *rows = read_rows(path)
    assert header == ["epoch", "loss", "val_loss"]
    assert [row[0] for row in rows] == ["0", "1", "2", "3"]


def test_append_to_a_missing_or_empty_file_writes_the_header(tmp_path):
    x, y = regression_data()
    for path in [tmp_path / "missing.csv", tmp_path / "empty.csv"]:
        if path.name == "empty.csv":
            path.write_text("")
        tiny_model().fit(x, y, epochs=1, verbose=0, callbacks=[CSVLogger(path, append=True)])
        assert read_rows(path)[0] == ["epoch", "loss", "val_loss"]


def test_without_append_a_new_fit_overwrites(tmp_path):
    x, y = regression_data()
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    model = tiny_model()
    model.fit(x, y, epochs=3, verbose=0, callbacks=[logger])
    model.fit(x, y, epochs=1, verbose=0, callbacks=[logger])
    assert len(read_rows(path)) == 2


def test_separator_and_sorted_keys_and_missing_values(tmp_path):
    path = tmp_path / "log.tsv"
    logger = CSVLogger(str(path), separator="\t")
    logger.set_model(StubModel())
    logger.on_train_begin()
    logger.on_epoch_end(0, {"val_loss": 0.5, "loss": 0.25, "accuracy": 0.75})
    logger.on_epoch_end(1, {"loss": 0.125, "accuracy": np.float64(0.875)})
    logger.on_train_end()
    assert read_rows(path, "\t") == [["epoch", "accuracy", "loss", "val_loss"],
                                     ["0", "0.75", "0.25", "0.5"],
                                     ["1", "0.875", "0.125", "NA"]]
    assert logger.csv_file.closed


def test_list_values_are_written_as_one_bracketed_cell(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0, "per_class": np.array([0.5, 0.25])})
    logger.on_train_end()
    assert read_rows(path)[1] == ["0", "1.0", "[0.5, 0.25]", "2.0"]


def test_epoch_end_outside_training_explains_the_order(tmp_path):
    logger = CSVLogger(tmp_path / "log.csv")
    with pytest.raises(RuntimeError, match=r"on_train_begin\(\) opens the file"):
        logger.on_epoch_end(0, {"loss": 1.0})
    logger.on_train_begin()
    logger.on_train_end()
    with pytest.raises(RuntimeError, match=r"on_train_end\(\) closes it"):
        logger.on_epoch_end(0, {"loss": 1.0})


@pytest.mark.parametrize("kwargs, error, match", [
    ({"filename": 3}, TypeError, r"CSVLogger: `filename` must be a str or path-like"),
    ({"filename": "a.csv", "separator": ", "}, ValueError, r"`separator` must be one char"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        CSVLogger(**kwargs)


def test_docstring_examples_run():
    assert doctest.testmod(csv_logger).failed == 0
