"""MNIST: 70,000 grey-scale 28x28 images of handwritten digits, 0 to 9.

Y. LeCun, C. Cortes and C. J. C. Burges, "The MNIST database of handwritten digits",
derived from NIST Special Databases 1 and 3 (licence: CC BY-SA 3.0, as Keras states it).
The four gzipped IDX files are downloaded from the mirrors torchvision and TensorFlow use, and
checked against their published SHA-256 digests.
"""

from deepbricks.datasets import _idx
from deepbricks.datasets._files import Remote

_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
_SHA256 = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
REMOTES = tuple(
    Remote(name, digest, tuple(mirror + name for mirror in _MIRRORS))
    for name, digest in _SHA256.items()
)
SYSTEM_DIRS = ()


def load_data(path=None):
    """Loads the MNIST data set of handwritten digits.

    The data is looked for in ``path``, then in ``$DEEPBRICKS_DATA/mnist/``, then in the cache
    ``~/.deepbricks/datasets/mnist/``, and downloaded into the cache when it is nowhere.

    Args:
        path: a directory holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each gzipped (``.gz``)
            or not.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images of shape (60000, 28, 28) and
        (10000, 28, 28) with values 0..255, and uint8 labels of shape (60000,) and (10000,)
        with values 0..9.

    Raises:
        FileNotFoundError: the data is nowhere and could not be downloaded.
        ValueError: a file is corrupt or truncated.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()
        >>> x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    """
    return _idx.load("mnist", "MNIST", REMOTES, path, SYSTEM_DIRS)
