"""Fisher's iris flowers: 150 samples, 4 measurements in cm, 3 species.

R. A. Fisher, "The use of multiple measurements in taxonomic problems", Annals of Eugenics 7,
179-188 (1936); the measurements were taken by E. Anderson. Public domain. The table shipped
here (``data/iris.csv``) follows Fisher's paper, as R's ``iris`` does; the copy in the UCI
repository differs from it in two values.
"""

import csv

import numpy as np

from deepbricks import backend
from deepbricks.datasets._bundled import DATA_DIR, split

CLASS_NAMES = ("setosa", "versicolor", "virginica")
FEATURE_NAMES = ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")


def load_data(test_split=0.2, seed=113):
    """Loads the iris data set, shipped with deepbricks, split into training and test parts.

    Args:
        test_split: the fraction of the 150 samples held out for testing.
        seed: seeds the shuffle before the split; the same seed gives the same split.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: features of shape (N, 4) in the default
        float type (sepal length, sepal width, petal length, petal width, in cm) and uint8
        labels of shape (N,) with values 0..2, which index :data:`CLASS_NAMES`; 120 training
        and 30 test samples with the default ``test_split``.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = iris.load_data()
        >>> x_train.shape, x_test.shape
        ((120, 4), (30, 4))
    """
    with open(DATA_DIR / "iris.csv", newline="") as f:
        rows = list(csv.reader(f))[1:]
    x = np.array([row[:4] for row in rows], dtype=backend.floatx())
    y = np.array([CLASS_NAMES.index(row[4]) for row in rows], dtype=np.uint8)
    return split(x, y, test_split, seed, "iris")
