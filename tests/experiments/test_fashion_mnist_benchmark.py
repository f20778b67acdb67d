"""The Fashion-MNIST benchmark on tiny synthetic IDX files: every entry trains and is
reported, the time budget and the epoch limit stop training honestly, the files are written,
and an easy task is actually learned."""

import json

import numpy as np
import pytest

from deepbricks import layers as L
from deepbricks.experiments import fashion_mnist_benchmark as bench
from tests.datasets.helpers import write_mnist


def separable(n, seed):
    """Images whose class is a bright horizontal band (rows 2c to 2c + 3) over noise."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    images = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
    for c in range(10):
        images[labels == c, 2 * c + 2:2 * c + 6, 4:24] = 220
    return images, labels.astype(np.uint8)


def write_data(folder, monkeypatch, n_train, n_test):
    """A Fashion-MNIST folder of separable images under $DEEPBRICKS_DATA."""
    (x_train, y_train), (x_test, y_test) = separable(n_train, 0), separable(n_test, 1)
    write_mnist(folder / "data" / "fashion_mnist", {
        "train-images-idx3-ubyte": x_train, "train-labels-idx1-ubyte": y_train,
        "t10k-images-idx3-ubyte": x_test, "t10k-labels-idx1-ubyte": y_test})
    monkeypatch.setenv("DEEPBRICKS_DATA", str(folder / "data"))
    return folder


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """300 training images (three batches of at most 128) and 100 test images."""
    return write_data(tmp_path, monkeypatch, 300, 100)


def test_every_entry_runs_and_the_table_json_and_curves_are_written(tmp_path, monkeypatch):
    write_data(tmp_path, monkeypatch, 16, 8)
    printed = []
    output = tmp_path / "out"
    rows = bench.run(output, budget_minutes=10, max_epochs=1, print_fn=printed.append)
    assert [r["key"] for r in rows] == list(bench.ENTRY_KEYS)
    published = {r["key"]: r["published_accuracy"] for r in rows}
    assert published == {"mlp": 0.883, "conv2_pool": 0.916, "conv2_small": 0.925,
                         "conv3_pool_bn": 0.903, "resnet18": 0.949}
    for row in rows:
        assert row["stopped_by"] == "epoch limit" and row["epochs"] == 1
        assert 0.0 <= row["test_accuracy"] <= 1.0 and row["wall_seconds"] >= 0
    table = (output / "fashion_mnist_benchmark.md").read_text(encoding="utf-8")
    assert table.count("| epoch limit |") == 5 and "| 0.949 |" in table
    assert printed[-2] == bench.format_table(rows)
    record = json.loads((output / "fashion_mnist_benchmark.json").read_text(encoding="utf-8"))
    assert record["rows"] == rows
    assert record["settings"]["budget_minutes"] == 10
    assert set(record["histories"]) == set(bench.ENTRY_KEYS)
    assert record["histories"]["mlp"]["val_accuracy"][-1] == rows[0]["test_accuracy"]
    pytest.importorskip("matplotlib", reason="the curves need the plots extra")
    for key in bench.ENTRY_KEYS:
        assert (output / f"curves_{key}.png").stat().st_size > 0
        assert f"(curves_{key}.png)" in table


def test_the_time_budget_stops_training_inside_an_epoch(data_dir):
    rows = bench.run(data_dir / "out", budget_minutes=1e-6, entries=["mlp"],
                     print_fn=lambda line: None)
    # The budget is spent after the first of the three batches; the partial epoch counts.
    assert rows[0]["stopped_by"] == "time budget"
    assert rows[0]["epochs"] == pytest.approx(1 / 3, abs=0.01)


def test_the_epoch_limit_ends_a_run_that_the_budget_does_not(data_dir):
    rows = bench.run(data_dir / "out", budget_minutes=10, entries=["mlp"], max_epochs=2,
                     print_fn=lambda line: None)
    assert rows[0]["stopped_by"] == "epoch limit" and rows[0]["epochs"] == 2


def test_an_easy_task_is_learned_and_the_reported_accuracy_is_the_last_evaluation(data_dir):
    (x_train, y_train), (x_test, y_test) = separable(300, 0), separable(100, 1)
    data = ((bench.prepare_images(x_train), y_train.astype(np.int64)),
            (bench.prepare_images(x_test), y_test.astype(np.int64)))
    entry = next(e for e in bench.ENTRIES if e.key == "mlp")
    row, history = bench.train_entry(entry, data, budget_seconds=600, max_epochs=8)
    assert len(history["val_accuracy"]) == 8
    assert row["test_accuracy"] == history["val_accuracy"][-1] > 0.9
    assert history["loss"][-1] < history["loss"][0]


def test_the_entries_belong_to_the_published_families():
    models = {entry.key: entry.build() for entry in bench.ENTRIES}

    def kinds(model, kind):
        return [la for la in model.layers if isinstance(la, kind)]

    assert [la.units for la in kinds(models["mlp"], L.Dense)] == [256, 128, 100, 10]
    for key, convs in (("conv2_pool", 2), ("conv2_small", 2), ("conv3_pool_bn", 3)):
        assert len(kinds(models[key], L.Conv2D)) == convs
        assert len(kinds(models[key], L.MaxPooling2D)) == convs
    assert models["conv2_small"].count_params() < 100_000
    assert len(kinds(models["conv3_pool_bn"], L.BatchNormalization)) == 3
    # Moving statistics that follow the weights within a short budget.
    norms = [la for model in models.values() for la in kinds(model, L.BatchNormalization)]
    norms += kinds(models["resnet18"].layers[-1], L.BatchNormalization)
    assert len(norms) == 2 + 3 + 20 and {la.momentum for la in norms} == {0.9}
    resnet = models["resnet18"]
    assert [type(la).__name__ for la in resnet.layers[1:5]] == [
        "Normalization", "RandomFlip", "RandomTranslation", "RandomRotation"]
    assert resnet.layers[-1].name == "resnet18"
    for model in models.values():
        assert model.output_shape == (None, 10)


@pytest.mark.parametrize("kwargs, match", [
    (dict(budget_minutes=0), r"`budget_minutes` must be a positive number"),
    (dict(entries=["mlp", "vgg"]), r"unknown entries \['vgg'\]; choose among \['mlp'"),
    (dict(entries=[]), r"unknown entries \[\]"),
    (dict(max_epochs=0), r"`max_epochs` must be None .* or a positive integer"),
    (dict(seed=-1), r"`seed` must be a non-negative integer"),
])
def test_bad_arguments_are_named(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        bench.run(tmp_path, **kwargs)


def test_the_benchmark_command_writes_its_table(data_dir):
    from click.testing import CliRunner

    from deepbricks import cli

    output = data_dir / "out"
    result = CliRunner().invoke(cli.main, [
        "benchmark", "fashion-mnist", "--output", str(output), "--entries", "mlp",
        "--budget-minutes", "0.05", "--verbose", "0"])
    assert result.exit_code == 0, result.output
    assert "0.883" in result.output
    assert any(path.suffix == ".md" for path in output.iterdir())


def test_the_benchmark_command_rejects_unknown_entries(data_dir):
    from click.testing import CliRunner

    from deepbricks import cli

    result = CliRunner().invoke(cli.main, ["benchmark", "fashion-mnist", "--entries", "vgg"])
    assert result.exit_code == 2 and "unknown entries ['vgg']" in result.output
