"""set_random_seed: one call makes a whole run repeatable."""

import random

import numpy as np

from deepbricks import backend


def set_random_seed(seed):
    """Seeds every source of randomness deepbricks uses (and Python's and NumPy's globals).

    Weight initialisation, dropout masks, shuffling and augmentation all draw from
    ``deepbricks.backend.rng()``, so the same seed gives the same run.

    Args:
        seed: a non-negative integer.

    Example:
        >>> from deepbricks.utils import set_random_seed
        >>> set_random_seed(0)
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"set_random_seed needs a non-negative integer. Received: seed={seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    backend.seed_generator(int(seed))
