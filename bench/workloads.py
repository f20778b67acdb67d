"""The benchmark's workloads, described once for both frameworks.

A workload names a network, its batch size, the shape of one input sample (channels-last, as
Keras and deepbricks lay images out), the optimizer and the speed target deepbricks should
reach relative to PyTorch. The networks themselves are written twice, side by side:
``bench/deepbricks_side.py`` builds them with deepbricks bricks, ``bench/torch_side.py`` with
``torch.nn``; both must have the same number of trainable parameters.

Data is synthetic (standard-normal inputs, uniform labels) from a seeded generator, so both
frameworks see the same numbers.
"""

from dataclasses import dataclass

import numpy as np

N_BATCHES = 4  # a small pool cycled through, so a step does not always read the same memory


@dataclass(frozen=True)
class Workload:
    """One row of the benchmark table.

    Attributes:
        key: short name used on the command line (``--only W1,W3``).
        title: what the row measures, shown in the table.
        batch: samples per step.
        sample_shape: shape of one input sample, channels-last.
        optimizer: ``(name, hyperparameters)`` in Keras's names and conventions.
        train: True for a training step (forward, loss, backward, update), False for
            inference (forward only).
        target: minimum ratio deepbricks samples/s over PyTorch samples/s.
    """

    key: str
    title: str
    batch: int
    sample_shape: tuple
    optimizer: tuple
    train: bool
    target: float
    classes: int = 10


SGD_MOMENTUM = ("sgd", {"learning_rate": 0.01, "momentum": 0.9})
SGD = ("sgd", {"learning_rate": 0.01, "momentum": 0.0})
ADAM = ("adam", {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7})

WORKLOADS = {
    w.key: w
    for w in (
        Workload("W1", "MLP train 784-512-512-10", 128, (784,), SGD_MOMENTUM, True, 1.5),
        Workload("W2", "MLP inference 784-512-512-10", 1024, (784,), SGD_MOMENTUM, False, 1.0),
        Workload("W3", "CNN train (course listing)", 128, (28, 28, 1), ADAM, True, 0.75),
        Workload("W4", "LeNet-5 train", 128, (28, 28, 1), SGD, True, 0.75),
        Workload("W5", "LSTM train (len 50, 128 units)", 64, (50, 32), ADAM, True, 0.75),
        Workload("W6", "ResNet-14 train 32x32x3", 64, (32, 32, 3), SGD_MOMENTUM, True, 0.6),
    )
}

MLP_UNITS = (784, 512, 512, 10)


def mlp_macs_per_sample():
    """Multiply-accumulates of one forward pass of the W1/W2 MLP: sum of fan_in * fan_out."""
    return sum(a * b for a, b in zip(MLP_UNITS[:-1], MLP_UNITS[1:]))


def training_flops_per_sample():
    """Training FLOPs of one W1 sample: 6 * MACs.

    2 * MACs for the forward products, 2 * MACs for the weight gradients and 2 * MACs for the
    input gradients (the usual convention; the first layer's input gradient is not actually
    needed, so this slightly over-counts the work a framework must do).
    """
    return 6 * mlp_macs_per_sample()


def select(keys):
    """The workloads named in ``keys`` (a comma-separated string or None for all), in order.

    Raises:
        ValueError: a key is not a workload.
    """
    if not keys:
        return list(WORKLOADS.values())
    wanted = [k.strip().upper() for k in keys.split(",") if k.strip()]
    unknown = [k for k in wanted if k not in WORKLOADS]
    if unknown:
        raise ValueError(
            f"--only: unknown workload(s) {', '.join(unknown)}; choose from "
            f"{', '.join(WORKLOADS)} (e.g. --only W1,W3)."
        )
    return [WORKLOADS[k] for k in WORKLOADS if k in wanted]


def make_batches(workload, batch=None, seed=0):
    """A pool of synthetic ``(x, labels)`` batches, float32 channels-last and int64.

    Args:
        workload: a :class:`Workload`.
        batch: samples per batch (default: the workload's own batch size).
        seed: seed of the generator, the same for both frameworks.

    Returns:
        A list of ``N_BATCHES`` pairs ``(x, y)``: x of shape (batch, *sample_shape), y of
        shape (batch,) with values in [0, classes).
    """
    batch = batch or workload.batch
    rng = np.random.default_rng(seed)
    return [
        (
            rng.standard_normal((batch, *workload.sample_shape), dtype=np.float32),
            rng.integers(0, workload.classes, size=batch, dtype=np.int64),
        )
        for _ in range(N_BATCHES)
    ]
