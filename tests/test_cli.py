"""The ``deepbricks`` command, run in-process with click's CliRunner.

Most tests train on a tiny Fashion-MNIST written as IDX files into a temporary
$DEEPBRICKS_DATA, offline, so they run anywhere in seconds; one runs the demo on the real data
set when it is installed.
"""

import json

import numpy as np
import pytest
from click.testing import CliRunner

import deepbricks as db
from deepbricks import cli
from deepbricks.callbacks import ProgbarLogger
from deepbricks.datasets import _files, cifar10, fashion_mnist, mnist
from tests.datasets.helpers import idx_bytes, write

pytest.importorskip("matplotlib", reason="the demo's plots need the optional matplotlib")

FIGURES = ("history.png", "filters.png", "feature_maps.png", "confusion_matrix.png")
OUTPUTS = ("model.keras", "history.json", "metrics.json", "report.md") + FIGURES
FAST = ["--epochs", "1", "--batch-size", "32", "--verbose", "2"]


def tiny_fashion_mnist(directory, n_train=80, n_test=40):
    """Writes four IDX files of learnable 28x28 images: class k is a bright k-th band."""
    rng = np.random.default_rng(0)
    for split, n in (("train", n_train), ("t10k", n_test)):
        labels = (np.arange(n) % 10).astype(np.uint8)
        pictures = rng.integers(0, 60, (n, 28, 28), dtype=np.uint8)
        for i, k in enumerate(labels):
            pictures[i, 2 * k + 4:2 * k + 7] = 250
        write(directory / f"{split}-images-idx3-ubyte.gz", idx_bytes(pictures), gz=True)
        write(directory / f"{split}-labels-idx1-ubyte.gz", idx_bytes(labels), gz=True)


def offline(url, timeout=None):
    raise OSError("no network in tests")


def isolate(patch, root, home):
    """Data only under ``root`` ($DEEPBRICKS_DATA), an empty HOME, no system data sets, no
    network."""
    patch.setenv(_files.DATA_ENV, str(root))
    patch.setenv("HOME", str(home))
    patch.setattr(_files, "urlopen", offline)
    for module in (mnist, fashion_mnist, cifar10):
        patch.setattr(module, "SYSTEM_DIRS", ())


@pytest.fixture
def data_root(monkeypatch, tmp_path):
    """An empty data directory, offline."""
    root = tmp_path / "data"
    root.mkdir()
    isolate(monkeypatch, root, tmp_path / "home")
    return root


@pytest.fixture(scope="module")
def tiny_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    tiny_fashion_mnist(root / "fashion_mnist")
    return root


@pytest.fixture
def tiny_data(monkeypatch, tiny_root, tmp_path):
    """The tiny Fashion-MNIST as the only data, offline."""
    isolate(monkeypatch, tiny_root, tmp_path / "home")
    return tiny_root


@pytest.fixture(scope="module")
def tiny_demo(tiny_root, tmp_path_factory):
    """One demo run on the tiny data: (output folder, CliRunner result)."""
    output = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, tiny_root, tmp_path_factory.mktemp("home"))
        return output, invoke("demo", *FAST, "--output", output)


def invoke(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args], prog_name="deepbricks")


def assert_outputs(output, figures=FIGURES):
    for name in ("model.keras", "history.json", "metrics.json", "report.md") + figures:
        assert (output / name).stat().st_size > 0, f"{name} is missing or empty"
    report = (output / "report.md").read_text()
    for name in figures:
        assert f"]({name})" in report, f"report.md does not link {name}"
    return report


def test_demo_writes_every_output_and_reports_accuracy_and_time(tiny_demo):
    output, result = tiny_demo
    assert result.exit_code == 0, result.output
    assert "Epoch 1/1" in result.output and "val_accuracy" in result.output
    assert "Test accuracy:" in result.output and "Wall time:" in result.output
    report = assert_outputs(output)
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["test_samples"] == 40 and metrics["settings"]["training samples"] == 72
    assert metrics["settings"]["optimizer"] == \
        "Adam, learning rate 0.002 cosine-annealed to 0 over 3 steps", "demo's default, 72/32"
    assert f"{metrics['test_accuracy']:.4f}" in report
    assert f"Test accuracy: {metrics['test_accuracy']:.4f}" in result.output
    history = json.loads((output / "history.json").read_text())
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 1 for values in history.values())
    model = db.load_model(output / "model.keras")
    assert model.name == "course_cnn" and model.output_shape == (None, 10)


def test_evaluate_reloads_the_saved_model_and_finds_the_same_accuracy(tiny_demo, tiny_data):
    output, _ = tiny_demo
    metrics = json.loads((output / "metrics.json").read_text())
    result = invoke("evaluate", output / "model.keras", "--dataset", "fashion_mnist")
    assert result.exit_code == 0, result.output
    assert "course_cnn on 40 Fashion-MNIST test samples" in result.output
    assert f"accuracy {metrics['test_accuracy']:.4f}" in result.output
    assert f"loss {metrics['test_loss']:.4f}" in result.output
    wrong = invoke("evaluate", output / "model.keras", "--dataset", "digits")
    assert wrong.exit_code == 2
    assert "takes inputs of shape (28, 28, 1), but digits samples have shape (8, 8, 1)" in \
        wrong.output


def test_demo_on_the_real_fashion_mnist(tmp_path):
    places = _files.search_dirs("fashion_mnist", system_dirs=fashion_mnist.SYSTEM_DIRS)
    if not any(any(place.glob("train-images-idx3-ubyte*")) for place in places):
        pytest.skip("Fashion-MNIST is not installed (sudo apt-get install dataset-fashion-mnist)")
    output = tmp_path / "demo"
    result = invoke("demo", "--epochs", 1, "--train-samples", 256, "--test-samples", 500,
                    "--batch-size", 64, "--output", output, "--verbose", 0)
    assert result.exit_code == 0, result.output
    assert_outputs(output)
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["test_samples"] == 500
    assert metrics["test_accuracy"] > 0.25, "above chance (0.1) after 4 steps"


def test_train_mlp_on_digits_writes_the_outputs_of_a_dense_network(data_root, tmp_path):
    output = tmp_path / "mlp"
    result = invoke("train", "mlp", "--dataset", "digits", "--epochs", 3, "--output", output,
                    "--verbose", 0, "--lr", 0.01)
    assert result.exit_code == 0, result.output
    report = assert_outputs(output, figures=("history.png", "confusion_matrix.png"))
    assert not (output / "filters.png").exists() and "filters.png" not in report
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["test_samples"] == 359 and metrics["test_accuracy"] > 0.85


def test_summary_prints_the_layer_table():
    result = invoke("summary", "course_cnn")
    assert result.exit_code == 0, result.output
    assert "conv1 (Conv2D)" in result.output and "Total params: 366,806" in result.output
    shaped = invoke("summary", "mlp", "--input-shape", "4", "--classes", "3")
    assert shaped.exit_code == 0 and "(None, 3)" in shaped.output


@pytest.mark.parametrize("args,message", [
    (["train", "resnet", "--dataset", "mnist"], "'resnet' is not one of 'mlp', 'course_cnn'"),
    (["train", "mlp"], "Missing option '--dataset'"),
    (["train", "mlp", "--dataset", "imagenet"], "Invalid value for '--dataset'"),
    (["train", "lenet5", "--dataset", "iris"], "train 'mlp' on it"),
    (["demo", "--epochs", "0"], "Invalid value for '--epochs'"),
    (["summary", "mlp", "--input-shape", "a,b"], "expected sizes separated by commas"),
    (["summary", "lenet5", "--input-shape", "8,8,1"], "LeNet5: `input_shape` must be"),
    (["evaluate", "no/such/model.keras", "--dataset", "mnist"], "does not exist"),
])
def test_bad_arguments_are_usage_errors(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Usage: deepbricks" in result.output and message in result.output


def test_a_missing_data_set_prints_where_it_looked_and_exits_1(data_root, tmp_path):
    result = invoke("demo", "--output", tmp_path / "demo")
    assert result.exit_code == 1
    assert "Fashion-MNIST data set not found" in result.output
    assert str(data_root / "fashion_mnist") in result.output
    assert "apt-get install dataset-fashion-mnist" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "demo").exists()


def test_ctrl_c_saves_a_checkpoint_and_exits_130(tiny_data, tmp_path, monkeypatch):
    def interrupt(self, batch, logs=None):
        if batch == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(ProgbarLogger, "on_train_batch_end", interrupt)
    output = tmp_path / "demo"
    result = invoke("demo", *FAST[:-2], "--output", output)
    assert result.exit_code == 130
    checkpoint = output / "model.keras"
    assert f"saved in {checkpoint}" in result.output
    assert db.load_model(checkpoint).name == "course_cnn"
    assert not (output / "report.md").exists(), "nothing is reported for an interrupted run"
