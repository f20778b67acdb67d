"""Small handwritten digits: 1,797 images of 8x8 pixels with values 0..16, digits 0 to 9.

E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine Learning
Repository, 1998, https://doi.org/10.24432/C50P49 (licence: CC BY 4.0). This is the test part
of that data set: 32x32 bitmaps from 13 writers, each 4x4 block reduced to its count of ink
pixels. Shipped as ``data/digits.npz``, converted from the copy (``digits.csv.gz``) that
scikit-learn distributes.
"""

import numpy as np

from deepbricks.datasets._bundled import DATA_DIR, split


def load_data(test_split=0.2, seed=113):
    """Loads the 8x8 digits data set, shipped with deepbricks, split into training and test parts.

    Small enough to train a classifier in seconds, so it suits first experiments and tests.

    Args:
        test_split: the fraction of the 1,797 images held out for testing.
        seed: seeds the shuffle before the split; the same seed gives the same split.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images of shape (N, 8, 8) with values
        0..16 and uint8 labels of shape (N,) with values 0..9; 1,438 training and 359 test
        images with the default ``test_split``.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = digits.load_data()
        >>> x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    """
    with np.load(DATA_DIR / "digits.npz", allow_pickle=False) as data:
        images, labels = data["images"], data["labels"]
    return split(images, labels, test_split, seed, "digits")
