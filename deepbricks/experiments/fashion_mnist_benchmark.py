"""The Fashion-MNIST benchmark table, reproduced with deepbricks under a time budget.

The benchmark section of Fashion-MNIST's README (Xiao, Rasul and Vollgraf, 2017,
https://github.com/zalandoresearch/fashion-mnist) lists the test accuracies contributors
obtained with simple networks. Each entry here trains a network of the same family, with
hyperparameters of its own, until its time budget or its epoch limit runs out, and reports
the test accuracy it reached after its last (possibly partial) epoch next to the published
number: what was measured, never an extrapolation. The test set is also evaluated after
every epoch for the learning curves; it selects nothing (no early stopping, no choice of
the best epoch).

Example (the command line does the same: ``deepbricks benchmark fashion-mnist``):
    >>> rows = run('out/fashion_mnist', budget_minutes=4, entries=['mlp'])  # doctest: +SKIP
    >>> rows[0]['published_accuracy'], rows[0]['test_accuracy']            # doctest: +SKIP
    (0.883, 0.8947)
"""

import json
import numbers
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deepbricks.callbacks import Callback

DEFAULT_BUDGET_MINUTES = 20.0
BATCH_SIZE = 128
INPUT_SHAPE = (28, 28, 1)
CLASSES = 10


def _mlp():
    from deepbricks import applications

    return applications.MLP(INPUT_SHAPE, CLASSES, hidden=(256, 128, 100), name="mlp")


def _conv2_pool():
    from deepbricks import applications

    return applications.CourseCNN(INPUT_SHAPE, CLASSES, dropout=0.25, name="conv2_pool")


# Keras's batch-normalisation momentum of 0.99 averages the statistics over about 100 steps,
# which lag behind the weights when a budget allows about one epoch: the test accuracy then
# suffers from stale moving statistics. 0.9 follows the weights within some 10 steps.
BN_MOMENTUM = 0.9


def _conv_bn_relu(filters):
    from deepbricks import layers

    return [layers.Conv2D(filters, 3, padding="same", use_bias=False),
            layers.BatchNormalization(momentum=BN_MOMENTUM), layers.Activation("relu")]


def _conv2_small():
    from deepbricks import Input, Sequential, layers

    return Sequential([
        Input(shape=INPUT_SHAPE),
        *_conv_bn_relu(32), layers.MaxPooling2D(2),
        *_conv_bn_relu(64), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(0.3),
        layers.Dense(CLASSES, activation="softmax"),
    ], name="conv2_small")


def _conv3_pool_bn():
    from deepbricks import Input, Sequential, layers

    return Sequential([
        Input(shape=INPUT_SHAPE),
        *_conv_bn_relu(32), layers.MaxPooling2D(2),
        *_conv_bn_relu(64), layers.MaxPooling2D(2),
        *_conv_bn_relu(128), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dense(CLASSES, activation="softmax"),
    ], name="conv3_pool_bn")


def _resnet18_augmented():
    from deepbricks import Input, Model, applications, layers

    inputs = Input(shape=INPUT_SHAPE)
    x = layers.Normalization(name="normalization")(inputs)
    x = layers.RandomFlip("horizontal", name="flip")(x)
    x = layers.RandomTranslation(0.1, 0.1, fill_mode="constant", name="translation")(x)
    x = layers.RandomRotation(10 / 360, fill_mode="constant", name="rotation")(x)
    resnet = applications.ResNet18(input_shape=INPUT_SHAPE, classes=CLASSES)
    for layer in resnet.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.momentum = BN_MOMENTUM
    return Model(inputs, resnet(x), name="resnet18_augmented")


@dataclass(frozen=True)
class Entry:
    """One row of the published table and the deepbricks network that reproduces it.

    Attributes:
        key: the name used to pick entries, e.g. 'mlp'.
        published_model: the classifier as the README names it.
        published_preprocessing: the README's preprocessing column.
        published_accuracy: the README's Fashion-MNIST test accuracy.
        model: what deepbricks trains, in words.
        build: () -> an uncompiled model taking (28, 28, 1) images in [0, 1].
        max_epochs: the epoch limit (the time budget usually ends training first).
        learning_rate: Adam's learning rate.
    """

    key: str
    published_model: str
    published_preprocessing: str
    published_accuracy: float
    model: str
    build: Callable
    max_epochs: int
    learning_rate: float = 1e-3


ENTRIES = (
    Entry("mlp", "MLP 256-128-100", "None", 0.883,
          "Dense 256-128-100 ReLU, softmax", _mlp, 60),
    Entry("conv2_pool", "2 Conv+pooling", "None", 0.916,
          "Conv 5x5 32, pool, conv 5x5 64, pool, dropout 0.25, dense 100, dropout 0.25",
          _conv2_pool, 40),
    Entry("conv2_small", "2 Conv <100K parameters", "None", 0.925,
          "Conv 3x3 32 + BN, pool, conv 3x3 64 + BN, pool, dropout 0.3, dense (BN momentum "
          "0.9)",
          _conv2_small, 40),
    Entry("conv3_pool_bn", "3 Conv+pooling+BN", "None", 0.903,
          "3 x (conv 3x3 + BN + ReLU + pool) with 32, 64, 128 filters, dense (BN momentum 0.9)",
          _conv3_pool_bn, 40),
    Entry("resnet18", "ResNet18",
          "Normalization, random horizontal flip, random vertical flip, random translation, "
          "random rotation", 0.949,
          "ResNet18 (ImageNet stem, BN momentum 0.9), normalisation, horizontal flips, "
          "translations of 10%, rotations of 10 degrees", _resnet18_augmented, 40),
)
ENTRY_KEYS = tuple(entry.key for entry in ENTRIES)


class TimeBudget(Callback):
    """Stops ``fit`` after the first batch that ends once ``seconds`` have passed since
    training began (the evaluation of that epoch still runs), and counts the batches."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds
        self.batches = 0
        self.exhausted = False

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
        if time.perf_counter() - self.started >= self.seconds:
            self.exhausted = True
            self.model.stop_training = True


def _check(budget_minutes, entries, max_epochs, seed):
    if not isinstance(budget_minutes, numbers.Real) or isinstance(budget_minutes, bool) or \
            not budget_minutes > 0:
        raise ValueError(f"fashion_mnist_benchmark: `budget_minutes` must be a positive number "
                         f"(training minutes per entry). Received: "
                         f"budget_minutes={budget_minutes!r}")
    if entries is None:
        keys = list(ENTRY_KEYS)
    else:
        keys = [entries] if isinstance(entries, str) else list(entries)
        unknown = [k for k in keys if k not in ENTRY_KEYS]
        if unknown or not keys:
            raise ValueError(f"fashion_mnist_benchmark: unknown entries {unknown}; choose among "
                             f"{list(ENTRY_KEYS)} (or None for all). Received: "
                             f"entries={entries!r}")
    if max_epochs is not None and (not isinstance(max_epochs, numbers.Integral)
                                   or isinstance(max_epochs, bool) or max_epochs < 1):
        raise ValueError(f"fashion_mnist_benchmark: `max_epochs` must be None (each entry's "
                         f"own limit) or a positive integer. Received: max_epochs={max_epochs!r}")
    if not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"fashion_mnist_benchmark: `seed` must be a non-negative integer. "
                         f"Received: seed={seed!r}")
    return keys


def prepare_images(x):
    """uint8 images (N, 28, 28) as float32 (N, 28, 28, 1) in [0, 1], what the entries take."""
    return (x.astype(np.float32) * np.float32(1 / 255))[..., None]


def train_entry(entry, data, budget_seconds, max_epochs=None, seed=0, verbose=0):
    """Trains one entry from scratch and measures its test accuracy.

    Args:
        entry: an :class:`Entry`.
        data: ((x_train, y_train), (x_test, y_test)) with images (N, 28, 28, 1) in [0, 1].
        budget_seconds: training stops after the batch that ends past this time.
        max_epochs: overrides the entry's epoch limit.
        seed: seed of the weights, shuffling, dropout and augmentation.
        verbose: ``fit``'s verbosity.

    Returns:
        (row, history): the table row (a dict) and the per-epoch history dict.
    """
    from deepbricks import optimizers
    from deepbricks.utils import set_random_seed

    (x_train, y_train), (x_test, y_test) = data
    set_random_seed(seed)
    model = entry.build()
    for layer in model.layers:
        if hasattr(layer, "adapt"):
            layer.adapt(x_train)
    model.compile(optimizer=optimizers.Adam(learning_rate=entry.learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    budget = TimeBudget(budget_seconds)
    epochs = max_epochs or entry.max_epochs
    started = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=epochs,
                        validation_data=(x_test, y_test), callbacks=[budget], verbose=verbose)
    wall = time.perf_counter() - started
    logs = {key: [float(v) for v in values] for key, values in history.history.items()}
    steps = -(-len(x_train) // BATCH_SIZE)
    row = {
        "key": entry.key,
        "published_model": entry.published_model,
        "published_preprocessing": entry.published_preprocessing,
        "published_accuracy": entry.published_accuracy,
        "model": entry.model,
        "parameters": model.count_params(),
        "test_accuracy": logs["val_accuracy"][-1],
        "epochs": round(budget.batches / steps, 2),
        "wall_seconds": round(wall, 1),
        "stopped_by": "time budget" if budget.exhausted else "epoch limit",
    }
    return row, logs


def format_table(rows):
    """The rows as a Markdown table: published against obtained accuracy, epochs, time."""
    lines = [
        "| entry | published classifier | deepbricks network | weights | published | "
        "obtained | epochs | wall time | stopped by |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        minutes, seconds = divmod(round(r["wall_seconds"]), 60)
        lines.append(
            f"| {r['key']} | {r['published_model']} | {r['model']} | {r['parameters']:,} | "
            f"{r['published_accuracy']:.3f} | {r['test_accuracy']:.4f} | {r['epochs']:g} | "
            f"{minutes}m {seconds:02d}s | {r['stopped_by']} |")
    return "\n".join(lines)


def _plot(output, entry, logs):
    """Writes the entry's learning curves; returns the file name, or None without
    matplotlib (the optional ``plots`` extra)."""
    from deepbricks import viz

    try:
        path = viz.plot_history(
            logs, output / f"curves_{entry.key}.png",
            title=f"{entry.published_model} on Fashion-MNIST (validation = the test set)")
    except ImportError:
        return None
    return path.name


def _write(output, rows, histories, figures, settings):
    table = format_table(rows)
    images = "\n".join(f"![{key}]({name})" for key, name in figures.items() if name)
    missing = "" if all(figures.values()) else (
        "\nSome learning curves were not drawn: matplotlib is not installed "
        "(pip install deepbricks[plots]); the numbers are in the JSON file.\n")
    text = (
        f"# Fashion-MNIST benchmark\n\n"
        f"Published test accuracies (Fashion-MNIST README, benchmark section) against what "
        f"deepbricks reached on this machine ({settings['machine']}) with a budget of "
        f"{settings['budget_minutes']:g} training minutes per entry. The obtained accuracy is "
        f"measured on the 10,000 test images after the last (possibly partial) epoch.\n\n"
        f"{table}\n{missing}\n## Learning curves\n\n{images}\n")
    (output / "fashion_mnist_benchmark.md").write_text(text, encoding="utf-8")
    record = {"settings": settings, "rows": rows, "histories": histories}
    (output / "fashion_mnist_benchmark.json").write_text(json.dumps(record, indent=2) + "\n",
                                                          encoding="utf-8")
    return table


def run(output, budget_minutes=DEFAULT_BUDGET_MINUTES, entries=None, max_epochs=None, seed=0,
        data_path=None, verbose=0, print_fn=print):
    """Trains the benchmark entries on Fashion-MNIST and writes the table and the curves.

    Each entry trains from scratch with Adam on the 60,000 training images (batches of 128)
    until ``budget_minutes`` of wall time or its epoch limit is spent; the test accuracy
    after the last epoch is its result. The files are rewritten after every entry, so an
    interrupted run keeps the entries it finished.

    Writes into ``output``: ``fashion_mnist_benchmark.md`` (the table and the curves),
    ``fashion_mnist_benchmark.json`` (rows, per-epoch histories, settings) and
    ``curves_<entry>.png`` (loss and accuracy per epoch, with matplotlib).

    Args:
        output: the folder for the files (created if needed).
        budget_minutes: training time allowed to each entry.
        entries: keys of the entries to run (see ``ENTRY_KEYS``); None runs all.
        max_epochs: overrides every entry's epoch limit.
        seed: seed of the weights, shuffling, dropout and augmentation.
        data_path: where Fashion-MNIST is, if not where ``datasets.fashion_mnist`` looks.
        verbose: ``fit``'s verbosity (0 silent, 1 progress bar, 2 one line per epoch).
        print_fn: where progress and the final table are printed.

    Returns:
        The table rows: one dict per entry with ``key``, ``published_model``,
        ``published_accuracy``, ``model``, ``parameters``, ``test_accuracy``, ``epochs``
        (fractional when the budget stopped an epoch), ``wall_seconds`` and ``stopped_by``.

    Raises:
        ValueError: for bad arguments (the message names the argument).
        FileNotFoundError: Fashion-MNIST is nowhere to be found or downloaded.
    """
    from deepbricks.datasets import fashion_mnist

    keys = _check(budget_minutes, entries, max_epochs, seed)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data(data_path)
    data = ((prepare_images(x_train), y_train.astype(np.int64)),
            (prepare_images(x_test), y_test.astype(np.int64)))
    settings = {
        "budget_minutes": float(budget_minutes), "batch_size": BATCH_SIZE, "seed": seed,
        "optimizer": "Adam", "train_samples": len(x_train), "test_samples": len(x_test),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, "
                   f"NumPy {np.__version__}, OPENBLAS_NUM_THREADS="
                   f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}",
    }
    rows, histories, figures = [], {}, {}
    by_key = {entry.key: entry for entry in ENTRIES}
    for key in keys:
        entry = by_key[key]
        print_fn(f"{entry.key}: {entry.model} ({entry.published_model}, published "
                 f"{entry.published_accuracy:.3f}); budget {budget_minutes:g} min")
        row, logs = train_entry(entry, data, budget_minutes * 60, max_epochs, seed, verbose)
        print_fn(f"{entry.key}: test accuracy {row['test_accuracy']:.4f} after "
                 f"{row['epochs']:g} epochs in {row['wall_seconds']:.0f} s "
                 f"(stopped by the {row['stopped_by']})")
        rows.append(row)
        histories[key] = logs
        figures[key] = _plot(output, entry, logs)
        table = _write(output, rows, histories, figures, settings)
    print_fn(table)
    print_fn(f"Wrote {output / 'fashion_mnist_benchmark.md'} and the learning curves.")
    return rows
