"""Fashion-MNIST: 70,000 grey-scale 28x28 images of clothes in 10 classes.

H. Xiao, K. Rasul and R. Vollgraf, "Fashion-MNIST: a novel image dataset for benchmarking
machine learning algorithms", Zalando Research, 2017 (licence: MIT). Debian and Ubuntu package
it as ``dataset-fashion-mnist``, which installs the gzipped IDX files in
``/usr/share/datasets/fashion-mnist``; otherwise they are downloaded from the addresses the
project's README gives and checked against their published SHA-256 digests.
"""

from deepbricks.datasets import _idx
from deepbricks.datasets._files import Remote

CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
_MIRRORS = (
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
)
_SHA256 = {
    "train-images-idx3-ubyte.gz":
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz":
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz":
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz":
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
REMOTES = tuple(
    Remote(name, digest, tuple(mirror + name for mirror in _MIRRORS))
    for name, digest in _SHA256.items()
)
SYSTEM_DIRS = ("/usr/share/datasets/fashion-mnist",)
_HINT = ", install the Debian/Ubuntu package (sudo apt-get install dataset-fashion-mnist)"


def load_data(path=None):
    """Loads the Fashion-MNIST data set of clothing images.

    The data is looked for in ``path``, then in ``$DEEPBRICKS_DATA/fashion_mnist/``, then in
    the cache ``~/.deepbricks/datasets/fashion_mnist/``, then where the Debian package
    ``dataset-fashion-mnist`` puts it, and downloaded into the cache when it is nowhere.

    Args:
        path: a directory holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each gzipped (``.gz``)
            or not.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images of shape (60000, 28, 28) and
        (10000, 28, 28) with values 0..255, and uint8 labels of shape (60000,) and (10000,)
        with values 0..9, which index :data:`CLASS_NAMES`.

    Raises:
        FileNotFoundError: the data is nowhere and could not be downloaded.
        ValueError: a file is corrupt or truncated.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
        >>> CLASS_NAMES[y_train[0]]
        'Ankle boot'
    """
    return _idx.load("fashion_mnist", "Fashion-MNIST", REMOTES, path, SYSTEM_DIRS, _HINT)
