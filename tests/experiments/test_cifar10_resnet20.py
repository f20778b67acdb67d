"""The CIFAR-10 ResNet-20 example on tiny CIFAR-10 pickles written here: it trains, reports
the test accuracy it measured, writes a model that loads back, and honours its budget."""

import json

import numpy as np
import pytest

import deepbricks as db
from deepbricks.experiments import cifar10_resnet20
from tests.datasets.helpers import cifar_batch_bytes


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Five training batches of 4 images and a test batch of 6, under $DEEPBRICKS_DATA."""
    folder = tmp_path / "data" / "cifar10" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name, n in [(f"data_batch_{i}", 4) for i in range(1, 6)] + [("test_batch", 6)]:
        images = rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
        (folder / name).write_bytes(cifar_batch_bytes(images, np.arange(n) % 10))
    monkeypatch.setenv("DEEPBRICKS_DATA", str(tmp_path / "data"))
    return tmp_path


def test_trains_reports_and_writes_a_model_that_loads_back(data_dir):
    printed = []
    output = data_dir / "out"
    results = cifar10_resnet20.train(output, epochs=2, batch_size=8, width=0.25, verbose=0,
                                     print_fn=printed.append)
    assert results["epochs"] == 2
    assert len(results["history"]["loss"]) == 2
    assert results["test_accuracy"] == results["history"]["val_accuracy"][-1]
    assert 0.0 <= results["test_accuracy"] <= 1.0
    assert "Test accuracy" in printed[1]
    saved = json.loads((output / "results.json").read_text(encoding="utf-8"))
    assert saved["test_accuracy"] == results["test_accuracy"]
    assert json.loads((output / "history.json").read_text(encoding="utf-8")) == \
        results["history"]
    model = db.load_model(output / "model.keras")
    assert model.count_params() == results["parameters"]
    x_test = np.random.default_rng(1).integers(0, 256, (3, 32, 32, 3)).astype(np.float32)
    assert model.predict(x_test, verbose=0).shape == (3, 10)
    pytest.importorskip("matplotlib", reason="the curves need the plots extra")
    assert (output / "curves.png").stat().st_size > 0


def test_the_budget_stops_training_inside_the_first_epoch(data_dir):
    results = cifar10_resnet20.train(epochs=3, batch_size=4, width=0.25, budget_minutes=1e-6,
                                     verbose=0, print_fn=lambda line: None)
    assert results["epochs"] == pytest.approx(1 / 5)
    assert len(results["history"]["val_accuracy"]) == 1


def test_the_model_normalises_and_augments_only_while_training():
    model = cifar10_resnet20.build_model(width=0.25)
    images = np.random.default_rng(2).uniform(0, 255, (50, 32, 32, 3)).astype(np.float32)
    model.get_layer("normalization").adapt(images)
    normalised = model.get_layer("normalization")(images).numpy()
    np.testing.assert_allclose(normalised.mean(axis=(0, 1, 2)), 0.0, atol=1e-4)
    np.testing.assert_allclose(normalised.std(axis=(0, 1, 2)), 1.0, atol=1e-3)
    flip = model.get_layer("flip")
    np.testing.assert_array_equal(flip(images, training=False).numpy(), images)
    assert model.get_layer("translation").height_factor == 4 / 32
    assert model.layers[-1].name == "resnet20"


def test_the_learning_rate_drops_tenfold_at_half_and_three_quarters_of_the_steps():
    schedule = cifar10_resnet20.learning_rate_schedule(0.1, steps=20)
    assert [float(schedule(s)) for s in (0, 10, 11, 15, 16, 19)] == pytest.approx(
        [0.1, 0.1, 0.01, 0.01, 0.001, 0.001])
    # Even a run of two steps goes through all three rates.
    tiny = cifar10_resnet20.learning_rate_schedule(0.1, steps=2)
    assert [float(tiny(s)) for s in (1, 2, 3)] == pytest.approx([0.1, 0.01, 0.001])


@pytest.mark.parametrize("kwargs, match", [
    (dict(epochs=0), r"`epochs` must be a positive integer. Received: epochs=0"),
    (dict(learning_rate=-0.1), r"`learning_rate` must be a positive number"),
    (dict(budget_minutes=0), r"`budget_minutes` must be a positive number"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        cifar10_resnet20.train(**kwargs)


def test_docstring_examples_run():
    import doctest

    assert doctest.testmod(cifar10_resnet20, raise_on_error=True).attempted > 0
