"""Data sets small enough to ship inside the package, and the seeded split they share."""

from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).parent / "data"


def split(x, y, test_split, seed, name):
    """Shuffles ``(x, y)`` with a generator seeded by ``seed`` and cuts off a test part.

    The shuffle does not touch the global generator, so the split is the same in every run
    whatever else draws random numbers.
    """
    if not 0.0 <= test_split < 1.0:
        raise ValueError(
            f"{name}.load_data: test_split must lie in [0, 1), e.g. 0.2. "
            f"Received: test_split={test_split!r}"
        )
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    cut = len(x) - int(round(len(x) * test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
