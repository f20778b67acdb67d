"""The ``deepbricks`` command: train, evaluate and inspect the course's networks.

    deepbricks demo                       # a CNN learns Fashion-MNIST; plots in out/demo/
    deepbricks train lenet5 --dataset mnist --epochs 5
    deepbricks evaluate out/demo/model.keras --dataset fashion_mnist
    deepbricks summary course_cnn --input-shape 32,32,3

``demo`` and ``train`` write into their output folder: the trained model (model.keras), the
training curves (history.png), the first-layer filters (filters.png) and the feature maps of
one test image (feature_maps.png) for convolutional models, the confusion matrix on the test
set (confusion_matrix.png), the numbers (history.json, metrics.json) and report.md, which
ties them together. Ctrl-C during training saves the model trained so far and exits with
status 130.
"""

import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np

MODELS = ("mlp", "course_cnn", "lenet5")
DATASETS = ("mnist", "fashion_mnist", "digits", "iris", "cifar10")
TITLES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST", "digits": "8x8 digits",
          "iris": "iris", "cifar10": "CIFAR-10"}
MAX_VALIDATION = 5000


@dataclass
class Data:
    """A data set ready for training: float inputs, integer labels, the class names."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple

    @property
    def input_shape(self):
        return self.x_train.shape[1:]


def _load(module):
    """``module.load_data()``; a missing or corrupt data set ends the command with the
    loader's message (where it looked, how to get it) and exit status 1."""
    try:
        return module.load_data()
    except (FileNotFoundError, ValueError) as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)


def _prepare(name, x, train_stats):
    """Scales inputs to what the networks expect: images to [0, 1] with a channel axis,
    iris measurements to zero mean and unit variance (statistics of the training part)."""
    if name == "iris":
        mean, std = train_stats
        return ((x - mean) / std).astype(np.float32)
    x = x.astype(np.float32) * np.float32(1.0 / (16.0 if name == "digits" else 255.0))
    return x[..., None] if x.ndim == 3 else x


def load_dataset(name, train_samples=None, test_samples=None):
    """Loads data set ``name``, keeps the first ``train_samples``/``test_samples`` samples
    when given, and holds out the last tenth of the training part (at most 5,000 samples)
    for validation."""
    from deepbricks import datasets

    module = getattr(datasets, name)
    (x_train, y_train), (x_test, y_test) = _load(module)
    x_train, y_train = x_train[:train_samples], y_train[:train_samples]
    x_test, y_test = x_test[:test_samples], y_test[:test_samples]
    stats = None
    if name == "iris":
        std = x_train.std(axis=0)
        stats = (x_train.mean(axis=0), np.where(std > 0, std, 1.0))
    x_train, x_test = _prepare(name, x_train, stats), _prepare(name, x_test, stats)
    held = min(MAX_VALIDATION, len(x_train) // 10)
    cut = len(x_train) - held
    classes = getattr(module, "CLASS_NAMES", tuple(str(i) for i in range(10)))
    return Data(name, x_train[:cut], y_train[:cut].astype(np.int64), x_train[cut:],
                y_train[cut:].astype(np.int64), x_test, y_test.astype(np.int64), classes)


def build_model(name, input_shape, classes):
    """The zoo's builder ``name`` for ``input_shape``; unfit shapes are usage errors."""
    from deepbricks import applications

    builders = {"mlp": applications.MLP, "course_cnn": applications.CourseCNN,
                "lenet5": applications.LeNet5}
    try:
        return builders[name](input_shape=tuple(input_shape), classes=classes)
    except ValueError as err:
        raise click.UsageError(str(err)) from None


def compile_model(model, learning_rate, decay_steps=None):
    """Adam on the sparse cross-entropy, with the rate cosine-annealed from ``learning_rate``
    to 0 over ``decay_steps`` steps when given: lr_t = lr * (1 + cos(pi * t / T)) / 2."""
    from deepbricks import optimizers

    if decay_steps:
        learning_rate = optimizers.schedules.CosineDecay(learning_rate, decay_steps)
    model.compile(optimizer=optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def _minutes(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"


def _is_convolutional(model):
    from deepbricks.layers.convolutional.base_conv import BaseConv

    return any(isinstance(layer, BaseConv) and layer.rank == 2 for layer in model.layers)


def _plots(model, data, history, y_prob, output):
    """Writes the figures; returns {file name: caption} of those written."""
    from deepbricks import viz

    figures = {}
    viz.plot_history(history, output / "history.png", title=f"{model.name} on {TITLES[data.name]}")
    figures["history.png"] = "Training curves: loss and accuracy per epoch"
    if _is_convolutional(model):
        viz.plot_filters(model, output / "filters.png")
        figures["filters.png"] = "First-layer filters"
        viz.plot_feature_maps(model, data.x_test[0], output / "feature_maps.png")
        figures["feature_maps.png"] = (f"Feature maps of the first test image (class "
                                       f"{data.class_names[data.y_test[0]]})")
    viz.plot_confusion_matrix(data.y_test, y_prob, data.class_names,
                              output / "confusion_matrix.png")
    figures["confusion_matrix.png"] = "Confusion matrix on the test set"
    return figures


def _report(output, settings, metrics, logs, figures):
    rows = "\n".join(f"| {key} | {value} |" for key, value in settings.items())
    keys = list(logs)
    epochs = "\n".join(
        f"| {epoch + 1} | " + " | ".join(f"{logs[key][epoch]:.4f}" for key in keys) + " |"
        for epoch in range(len(logs.get("loss", [])))
    )
    images = "\n\n".join(f"### {caption}\n\n![{caption}]({name})"
                         for name, caption in figures.items())
    text = (
        f"# {settings['model']} on {TITLES[settings['dataset']]}\n\n"
        f"Test accuracy **{metrics['test_accuracy']:.4f}** (loss {metrics['test_loss']:.4f}) "
        f"on {metrics['test_samples']} test images after {metrics['epochs']} epochs; "
        f"training took {_minutes(metrics['train_seconds'])} "
        f"({metrics['train_seconds']:.1f} s wall time), the whole run "
        f"{metrics['total_seconds']:.1f} s.\n\n"
        f"## Settings\n\n| setting | value |\n| --- | --- |\n{rows}\n\n"
        f"## Training\n\n| epoch | {' | '.join(keys)} |\n|{' --- |' * (len(keys) + 1)}\n"
        f"{epochs}\n\n"
        f"## Files\n\n- [model.keras](model.keras): the trained model "
        f"(`deepbricks.load_model('model.keras')`)\n"
        f"- [history.json](history.json): loss and metrics per epoch\n"
        f"- [metrics.json](metrics.json): test results and timings\n\n"
        f"## Figures\n\n{images}\n"
    )
    (output / "report.md").write_text(text, encoding="utf-8")


def run(model_name, data, epochs, batch_size, learning_rate, output, seed, verbose):
    """Builds, trains, evaluates and reports; the body of ``demo`` and ``train``.

    The test loss and accuracy come from one prediction pass, which the confusion matrix
    reuses: loss = mean(-log p[label]), accuracy = mean(argmax p == label).
    """
    from deepbricks import losses
    from deepbricks.utils import set_random_seed

    started = time.perf_counter()
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    set_random_seed(seed)
    model = build_model(model_name, data.input_shape, len(data.class_names))
    steps = epochs * math.ceil(len(data.x_train) / batch_size)
    compile_model(model, learning_rate, decay_steps=steps)
    checkpoint = output / "model.keras"
    click.echo(f"Training {model.name} ({model.count_params():,} weights) on "
               f"{TITLES[data.name]}: {len(data.x_train)} training, {len(data.x_val)} "
               f"validation and {len(data.x_test)} test samples.")
    fit_started = time.perf_counter()
    try:
        history = model.fit(data.x_train, data.y_train, batch_size=batch_size, epochs=epochs,
                            validation_data=(data.x_val, data.y_val) if len(data.x_val) else None,
                            verbose=verbose)
    except KeyboardInterrupt:
        model.save(checkpoint)
        click.echo(f"\nInterrupted. The model trained so far is saved in {checkpoint}; "
                   f"evaluate it with: deepbricks evaluate {checkpoint} --dataset {data.name}",
                   err=True)
        sys.exit(130)
    train_seconds = time.perf_counter() - fit_started
    model.save(checkpoint)
    y_prob = model.predict(data.x_test, batch_size=batch_size, verbose=0)
    test_loss = float(losses.sparse_categorical_crossentropy(data.y_test, y_prob).numpy().mean())
    test_accuracy = float(np.mean(y_prob.argmax(axis=-1) == data.y_test))
    logs = {key: [float(v) for v in values] for key, values in history.history.items()}
    figures = _plots(model, data, logs, y_prob, output)
    optimizer = f"Adam, learning rate {learning_rate} cosine-annealed to 0 over {steps} steps"
    settings = {"model": model_name, "dataset": data.name, "epochs": epochs,
                "batch size": batch_size, "optimizer": optimizer,
                "seed": seed, "training samples": len(data.x_train),
                "validation samples": len(data.x_val), "test samples": len(data.x_test),
                "weights": f"{model.count_params():,}"}
    metrics = {"test_loss": test_loss, "test_accuracy": test_accuracy,
               "test_samples": len(data.x_test), "epochs": len(logs.get("loss", [])),
               "train_seconds": train_seconds,
               "total_seconds": time.perf_counter() - started, "settings": settings}
    (output / "history.json").write_text(json.dumps(logs, indent=2) + "\n", encoding="utf-8")
    (output / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n",
                                         encoding="utf-8")
    _report(output, settings, metrics, logs, figures)
    click.echo(f"Test accuracy: {test_accuracy:.4f} (loss {test_loss:.4f}) on "
               f"{len(data.x_test)} test images.")
    click.echo(f"Wall time: training {_minutes(train_seconds)}, total "
               f"{_minutes(metrics['total_seconds'])}.")
    click.echo(f"Wrote the model, plots and report to {output}/ (open {output / 'report.md'}).")


def _training_options(learning_rate):
    """The options ``demo`` and ``train`` share, with ``learning_rate`` as --lr's default."""
    return lambda function: _add_options(function, [
        click.option("--batch-size", default=128, show_default=True,
                     type=click.IntRange(min=1), help="Samples per gradient step."),
        click.option("--lr", "learning_rate", default=learning_rate, show_default=True,
                     type=click.FloatRange(min=0, min_open=True),
                     help="Adam's initial learning rate, cosine-annealed to 0 by the end."),
        click.option("--train-samples", type=click.IntRange(min=10), default=None,
                     help="Use only the first N training samples (a tenth of them, at most "
                          "5,000, are held out for validation)."),
        click.option("--test-samples", type=click.IntRange(min=1), default=None,
                     help="Evaluate on the first N test samples only."),
        click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
                     help="Seed of every random draw (weights, shuffling)."),
        click.option("--verbose", default=1, show_default=True, type=click.IntRange(0, 2),
                     help="0 silent, 1 progress bar, 2 one line per epoch."),
    ])


def _add_options(function, options):
    for option in reversed(options):
        function = option(function)
    return function


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="deepbricks")
def main():
    """deepbricks: train, evaluate and inspect the networks of the course."""


@main.command()
@click.option("--epochs", default=4, show_default=True, type=click.IntRange(min=1),
              help="Passes over the training data.")
@click.option("--output", default="out/demo", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the model, plots and report.")
@_training_options(learning_rate=2e-3)
def demo(epochs, output, batch_size, learning_rate, train_samples, test_samples, seed,
         verbose):
    """Train the course's CNN on Fashion-MNIST, evaluate it and plot what it learned.

    Holds out the last 5,000 training images for validation, trains with a progress bar,
    evaluates on the 10,000 test images and writes model.keras, plots and report.md into
    the output folder. The defaults (4 epochs of batches of 128, Adam with its learning rate
    annealed from 0.002 to 0) reach about 91% test accuracy.
    """
    data = load_dataset("fashion_mnist", train_samples, test_samples)
    run("course_cnn", data, epochs, batch_size, learning_rate, output, seed, verbose)


@main.command()
@click.argument("model", type=click.Choice(MODELS))
@click.option("--dataset", required=True, type=click.Choice(DATASETS),
              help="The data set to learn.")
@click.option("--epochs", default=5, show_default=True, type=click.IntRange(min=1),
              help="Passes over the training data.")
@click.option("--output", default=None, type=click.Path(file_okay=False),
              help="Folder for the model, plots and report [default: out/MODEL-DATASET].")
@_training_options(learning_rate=1e-3)
def train(model, dataset, epochs, output, batch_size, learning_rate, train_samples,
          test_samples, seed, verbose):
    """Train MODEL (mlp, course_cnn or lenet5) on a data set and report, as demo does."""
    if dataset == "iris" and model != "mlp":
        raise click.UsageError(f"iris has 4 measurements per flower, not images; train 'mlp' "
                               f"on it, not {model!r}.")
    data = load_dataset(dataset, train_samples, test_samples)
    run(model, data, epochs, batch_size, learning_rate, output or f"out/{model}-{dataset}",
        seed, verbose)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dataset", required=True, type=click.Choice(DATASETS),
              help="The data set whose test part to evaluate on.")
@click.option("--batch-size", default=256, show_default=True, type=click.IntRange(min=1))
@click.option("--test-samples", type=click.IntRange(min=1), default=None,
              help="Evaluate on the first N test samples only.")
def evaluate(path, dataset, batch_size, test_samples):
    """Load the model saved in PATH and print its loss and accuracy on a test set."""
    from deepbricks import load_model

    try:
        model = load_model(path)
    except (OSError, ValueError, KeyError) as err:
        click.echo(f"Error: cannot load a model from {path}: {err}", err=True)
        sys.exit(1)
    data = load_dataset(dataset, None, test_samples)
    expected = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else None
    if expected is not None and expected != tuple(data.input_shape):
        raise click.UsageError(f"the model in {path} takes inputs of shape {expected}, but "
                               f"{dataset} samples have shape {tuple(data.input_shape)}; pick "
                               f"the data set it was trained on.")
    if not model.compiled:
        compile_model(model, 1e-3)
    logs = model.evaluate(data.x_test, data.y_test, batch_size=batch_size, verbose=0,
                          return_dict=True)
    results = ", ".join(f"{name} {value:.4f}" for name, value in logs.items())
    click.echo(f"{model.name} on {len(data.x_test)} {TITLES[dataset]} test samples: {results}")


def _shape(ctx, param, value):
    if value is None:
        return None
    try:
        shape = tuple(int(d) for d in value.replace("x", ",").split(",") if d.strip())
    except ValueError:
        shape = ()
    if not shape or min(shape) < 1:
        raise click.BadParameter(f"expected sizes separated by commas, e.g. 28,28,1; "
                                 f"received {value!r}")
    return shape


@main.command()
@click.argument("model", type=click.Choice(MODELS))
@click.option("--input-shape", callback=_shape, default=None,
              help="One sample's shape, e.g. 28,28,1 (the default) or 32,32,3 or 4.")
@click.option("--classes", default=10, show_default=True, type=click.IntRange(min=2))
def summary(model, input_shape, classes):
    """Print the layer table of MODEL: output shapes and weight counts."""
    build_model(model, input_shape or (28, 28, 1), classes).summary(print_fn=click.echo)


def _entries(ctx, param, value):
    from deepbricks.experiments.fashion_mnist_benchmark import ENTRY_KEYS

    if value is None:
        return None
    keys = [key.strip() for key in value.split(",") if key.strip()]
    unknown = [key for key in keys if key not in ENTRY_KEYS]
    if unknown or not keys:
        raise click.BadParameter(f"unknown entries {unknown}; choose among "
                                 f"{', '.join(ENTRY_KEYS)} (comma-separated)")
    return keys


@main.group()
def benchmark():
    """Reproduce published results with deepbricks, next to the published numbers."""


@benchmark.command("fashion-mnist")
@click.option("--output", default="out/benchmark-fashion-mnist", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the table, JSON and curves.")
@click.option("--budget-minutes", default=20.0, show_default=True,
              type=click.FloatRange(min=0, min_open=True),
              help="Training time allowed to each entry.")
@click.option("--entries", callback=_entries, default=None,
              help="Comma-separated entries (default: all): mlp, conv2_pool, conv2_small, "
                   "conv3_pool_bn, resnet18.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0))
@click.option("--verbose", default=2, show_default=True, type=click.IntRange(0, 2))
def benchmark_fashion_mnist(output, budget_minutes, entries, seed, verbose):
    """Train the networks of Fashion-MNIST's benchmark table; print published vs obtained
    test accuracy, epochs and wall time; write the table, JSON and learning curves."""
    from deepbricks.experiments import fashion_mnist_benchmark

    try:
        fashion_mnist_benchmark.run(output, budget_minutes=budget_minutes, entries=entries,
                                    seed=seed, verbose=verbose, print_fn=click.echo)
    except (FileNotFoundError, ValueError) as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)
