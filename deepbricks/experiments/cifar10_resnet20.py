"""CIFAR ResNet-20 on CIFAR-10 with data augmentation, the recipe of He et al. (2016),
section 4.2, for a user who has the data set.

The paper's recipe: SGD with momentum 0.9, weight decay 1e-4, batches of 128, learning rate
0.1 divided by 10 at 50% and 75% of training (32k and 48k of 64k iterations, about 164
epochs of 50,000 images); random horizontal flips and translations by up to 4 pixels
(the paper pads 4 zero pixels and crops 32x32), and inputs centred on the training mean
(here also divided by the standard deviation, per channel). The paper reports 8.75% test
error for ResNet-20. On a laptop CPU an epoch takes minutes: pass fewer ``epochs`` or a
``budget_minutes`` to try it, the schedule shrinks with the epochs.

Example:
    >>> results = train('out/cifar10_resnet20', epochs=30)   # doctest: +SKIP
    >>> results['test_accuracy']                               # doctest: +SKIP
"""

import json
import numbers
import time
from pathlib import Path

import numpy as np

from deepbricks.experiments.fashion_mnist_benchmark import TimeBudget

INPUT_SHAPE = (32, 32, 3)


def build_model(depth=20, shortcut=True, width=1.0, classes=10):
    """The trained network: per-channel normalisation (adapt it to the training images),
    random flips and 4-pixel translations while training, then the CIFAR ResNet.

    Args:
        depth: 6n + 2 layers (20, 32, 56, ...).
        shortcut: False for the plain twin.
        width: multiplies the filter counts 16, 32 and 64.
        classes: number of classes.

    Returns:
        An uncompiled functional ``Model``; call ``model.get_layer('normalization').adapt(x)``
        before training.

    Example:
        >>> build_model(width=0.25).output_shape
        (None, 10)
    """
    from deepbricks import Input, Model, applications, layers

    inputs = Input(shape=INPUT_SHAPE)
    x = layers.Normalization(name="normalization")(inputs)
    x = layers.RandomFlip("horizontal", name="flip")(x)
    shift = 4 / INPUT_SHAPE[0]
    x = layers.RandomTranslation(shift, shift, fill_mode="constant", interpolation="nearest",
                                 name="translation")(x)
    outputs = applications.CifarResNet(depth, shortcut, input_shape=INPUT_SHAPE, classes=classes,
                                       width=width)(x)
    return Model(inputs, outputs, name=f"cifar10_{'resnet' if shortcut else 'plain'}{depth}")


def learning_rate_schedule(learning_rate, steps):
    """The paper's schedule over ``steps`` updates: ``learning_rate``, divided by 10 after
    half of the steps and by 100 after three quarters of them.

    Example:
        >>> schedule = learning_rate_schedule(0.1, steps=100)
        >>> [float(schedule(step)) for step in (50, 51, 75, 76)]
        [0.1, 0.01, 0.01, 0.001]
    """
    from deepbricks.optimizers.schedules import PiecewiseConstantDecay

    half = max(1, steps // 2)
    return PiecewiseConstantDecay([half, max(half + 1, 3 * steps // 4)],
                                  [learning_rate, learning_rate / 10, learning_rate / 100])


def _check_positive(name, value, kind=numbers.Real):
    if not isinstance(value, kind) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"cifar10_resnet20: `{name}` must be a positive "
                         f"{'integer' if kind is numbers.Integral else 'number'}. "
                         f"Received: {name}={value!r}")


def train(output=None, epochs=164, batch_size=128, learning_rate=0.1, momentum=0.9,
          weight_decay=1e-4, depth=20, shortcut=True, width=1.0, budget_minutes=None,
          train_samples=None, data_path=None, seed=0, verbose=1, print_fn=print):
    """Trains a CIFAR ResNet on CIFAR-10 and evaluates it on the 10,000 test images.

    Args:
        output: folder for ``model.keras``, ``history.json``, ``results.json`` and
            ``curves.png`` (the learning curves, with matplotlib); None writes nothing.
        epochs: passes over the training images (the paper's 64k iterations are ~164).
        batch_size: images per step.
        learning_rate: initial SGD rate, divided by 10 at 50% and 75% of the steps.
        momentum: SGD momentum.
        weight_decay: decoupled weight decay of every weight (w <- w - lr * wd * w).
        depth: 6n + 2 layers.
        shortcut: False trains the plain twin (the paper's comparison).
        width: multiplies the filter counts.
        budget_minutes: stops training after this much wall time, if given.
        train_samples: trains on the first N training images only (for quick trials).
        data_path: where CIFAR-10 is, if not where ``datasets.cifar10`` looks.
        seed: seed of weights, shuffling and augmentation.
        verbose: ``fit``'s verbosity.
        print_fn: where the summary lines are printed.

    Returns:
        A dict with ``test_accuracy``, ``test_loss``, ``epochs`` (completed, fractional
        when the budget stopped one), ``wall_seconds``, ``parameters`` and ``history``.

    Raises:
        FileNotFoundError: CIFAR-10 is nowhere to be found or downloaded.
        ValueError: for bad arguments.
    """
    from deepbricks import optimizers
    from deepbricks.datasets import cifar10
    from deepbricks.utils import set_random_seed

    _check_positive("epochs", epochs, numbers.Integral)
    _check_positive("batch_size", batch_size, numbers.Integral)
    _check_positive("learning_rate", learning_rate)
    if budget_minutes is not None:
        _check_positive("budget_minutes", budget_minutes)
    if train_samples is not None:
        _check_positive("train_samples", train_samples, numbers.Integral)
    (x_train, y_train), (x_test, y_test) = cifar10.load_data(data_path)
    x_train, y_train = x_train[:train_samples], y_train[:train_samples, 0].astype(np.int64)
    x_train, x_test = x_train.astype(np.float32), x_test.astype(np.float32)
    y_test = y_test[:, 0].astype(np.int64)

    set_random_seed(seed)
    model = build_model(depth, shortcut, width)
    model.get_layer("normalization").adapt(x_train)
    schedule = learning_rate_schedule(learning_rate, epochs * -(-len(x_train) // batch_size))
    model.compile(optimizer=optimizers.SGD(schedule, momentum=momentum,
                                           weight_decay=weight_decay),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    budget = TimeBudget(np.inf if budget_minutes is None else budget_minutes * 60)
    print_fn(f"Training {model.name} ({model.count_params():,} weights) on "
             f"{len(x_train):,} CIFAR-10 images for {epochs} epochs.")
    started = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                        validation_data=(x_test, y_test), callbacks=[budget], verbose=verbose)
    wall = time.perf_counter() - started
    logs = {key: [float(v) for v in values] for key, values in history.history.items()}
    # fit evaluated the test set after the last (possibly partial) epoch.
    test_accuracy, test_loss = logs["val_accuracy"][-1], logs["val_loss"][-1]
    results = {
        "test_accuracy": test_accuracy, "test_loss": test_loss,
        "epochs": round(budget.batches / -(-len(x_train) // batch_size), 2),
        "wall_seconds": round(wall, 1), "parameters": model.count_params(), "history": logs,
    }
    print_fn(f"Test accuracy {test_accuracy:.4f} (the paper: 0.9125) after "
             f"{results['epochs']:g} epochs in {wall:.0f} s.")
    if output is not None:
        _save(Path(output), model, results, print_fn)
    return results


def _save(output, model, results, print_fn):
    from deepbricks import viz

    output.mkdir(parents=True, exist_ok=True)
    model.save(output / "model.keras")
    (output / "history.json").write_text(json.dumps(results["history"], indent=2) + "\n",
                                         encoding="utf-8")
    summary = {k: v for k, v in results.items() if k != "history"}
    (output / "results.json").write_text(json.dumps(summary, indent=2) + "\n",
                                         encoding="utf-8")
    try:
        viz.plot_history(results["history"], output / "curves.png",
                         title=f"{model.name} on CIFAR-10 (validation = the test set)")
    except ImportError as err:
        print_fn(f"The learning curves were not drawn: {err}")
    print_fn(f"Wrote the model, the history and the results to {output}/.")
