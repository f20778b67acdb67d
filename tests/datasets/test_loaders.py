"""What each load_data returns: Keras's shapes and dtypes, read from every accepted layout."""

import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from deepbricks.datasets import _files, cifar10, digits, fashion_mnist, iris, mnist
from tests.datasets.conftest import REAL_FASHION_MNIST_DIRS
from tests.datasets.helpers import (
    cifar_batch_bytes,
    cifar_files,
    cifar_tarball,
    mnist_like,
    remotes_serving,
    write,
    write_mnist,
)


@pytest.mark.parametrize("module", [mnist, fashion_mnist], ids=["mnist", "fashion_mnist"])
@pytest.mark.parametrize("gz", [True, False], ids=["gzipped", "raw"])
def test_mnist_style_loaders_return_keras_shapes_and_dtypes(tmp_path, module, gz):
    arrays = write_mnist(tmp_path, mnist_like(n_train=3, n_test=2, label=4), gz=gz)
    (x_train, y_train), (x_test, y_test) = module.load_data(path=tmp_path)
    assert x_train.shape == (3, 28, 28) and x_test.shape == (2, 28, 28)
    assert y_train.shape == (3,) and y_test.shape == (2,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(x_test, arrays["t10k-images-idx3-ubyte"])


def test_images_and_labels_of_different_lengths_are_refused(tmp_path):
    arrays = mnist_like(n_train=3)
    arrays["train-labels-idx1-ubyte"] = np.zeros(4, np.uint8)
    write_mnist(tmp_path, arrays)
    with pytest.raises(ValueError, match=r"MNIST: .*train-images-idx3-ubyte\.gz holds 3 images but "
                                         r".*train-labels-idx1-ubyte\.gz holds 4 labels"):
        mnist.load_data(path=tmp_path)


def test_swapped_image_and_label_files_are_caught_by_the_magic_number(tmp_path):
    arrays = mnist_like()
    write_mnist(tmp_path, arrays)
    images = tmp_path / "train-images-idx3-ubyte.gz"
    labels = tmp_path / "train-labels-idx1-ubyte.gz"
    images.rename(tmp_path / "swap")
    labels.rename(images)
    (tmp_path / "swap").rename(labels)
    with pytest.raises(ValueError, match="bad magic number 0x00000801 \\(expected 0x00000803\\)"):
        mnist.load_data(path=tmp_path)


def write_cifar_dir(directory, files):
    for name, payload in files.items():
        write(directory / name, payload, gz=False)


@pytest.mark.parametrize("layout", ["batches", "batch_dir", "tarball_in_dir", "tarball"])
def test_cifar10_reads_every_published_layout_channels_last(tmp_path, layout):
    files, (x_train, y_train), (x_test, y_test) = cifar_files(per_batch=2, n_test=3)
    if layout == "batches":
        write_cifar_dir(tmp_path, files)
        path = tmp_path
    elif layout == "batch_dir":
        write_cifar_dir(tmp_path / "cifar-10-batches-py", files)
        path = tmp_path
    else:
        tarball = write(tmp_path / "cifar-10-python.tar.gz", cifar_tarball(files), gz=False)
        path = tmp_path if layout == "tarball_in_dir" else tarball
    (xa, ya), (xb, yb) = cifar10.load_data(path=path)
    assert xa.shape == (10, 32, 32, 3) and xb.shape == (3, 32, 32, 3)
    assert ya.shape == (10, 1) and yb.shape == (3, 1)
    assert {a.dtype for a in (xa, ya, xb, yb)} == {np.dtype(np.uint8)}
    assert xa.flags.c_contiguous
    np.testing.assert_array_equal(xa, x_train)
    np.testing.assert_array_equal(ya, y_train)
    np.testing.assert_array_equal(xb, x_test)
    np.testing.assert_array_equal(yb, y_test)


def test_cifar10_pixel_layout_is_red_plane_then_green_then_blue():
    image = np.zeros((1, 32, 32, 3), np.uint8)
    image[0, 0, 1] = (10, 20, 30)
    row = pickle.loads(cifar_batch_bytes(image, [0]), encoding="bytes")[b"data"][0]
    assert (row[1], row[1024 + 1], row[2048 + 1]) == (10, 20, 30)


def test_cifar10_downloads_the_tarball_into_the_cache(monkeypatch, isolated):
    files, (x_train, _), _ = cifar_files()
    remotes, urlopen = remotes_serving({"cifar-10-python.tar.gz": cifar_tarball(files)})
    monkeypatch.setattr(cifar10, "REMOTES", remotes)
    monkeypatch.setattr(_files, "urlopen", urlopen)
    (xa, _), _ = cifar10.load_data()
    np.testing.assert_array_equal(xa, x_train)
    assert (isolated / ".deepbricks" / "datasets" / "cifar10" / "cifar-10-python.tar.gz").is_file()


def test_cifar10_refuses_pickles_that_would_run_code(tmp_path):
    class Exploit:
        def __reduce__(self):
            return os.system, ("echo pwned",)

    files, _, _ = cifar_files()
    files["data_batch_3"] = pickle.dumps(Exploit(), protocol=2)
    write_cifar_dir(tmp_path, files)
    with pytest.raises(ValueError, match=r"data_batch_3: not a CIFAR-10 batch .*refusing to load "
                                         r"(posix|nt)\.system"):
        cifar10.load_data(path=tmp_path)


def test_cifar10_reports_a_batch_of_the_wrong_shape(tmp_path):
    files, _, _ = cifar_files()
    files["test_batch"] = pickle.dumps({b"data": np.zeros((2, 100), np.uint8),
                                        b"labels": [0, 1]}, protocol=2)
    write_cifar_dir(tmp_path, files)
    with pytest.raises(ValueError, match=r"test_batch: not a CIFAR-10 batch: expected a dict "
                                         r"with 'data' \(N, 3072\) uint8"):
        cifar10.load_data(path=tmp_path)


def test_cifar10_reports_a_truncated_tarball(tmp_path):
    files, _, _ = cifar_files()
    whole = cifar_tarball(files)
    tarball = write(tmp_path / "cifar-10-python.tar.gz", whole[: len(whole) // 2], gz=False)
    with pytest.raises(ValueError, match=r"cifar-10-python\.tar\.gz: corrupt archive"):
        cifar10.load_data(path=tarball)


def test_cifar10_reports_a_tarball_without_the_test_batch(tmp_path):
    files, _, _ = cifar_files()
    del files["test_batch"]
    tarball = write(tmp_path / "c.tar.gz", cifar_tarball(files), gz=False)
    with pytest.raises(ValueError, match=r"c\.tar\.gz: the archive lacks test_batch"):
        cifar10.load_data(path=tarball)


def test_cifar10_nothing_found_names_the_tarball_to_fetch(isolated):
    with pytest.raises(FileNotFoundError, match=r"CIFAR-10 data set not found(.|\n)*"
                                                r"cifar-10-python\.tar\.gz"):
        cifar10.load_data()


def test_iris_is_150_flowers_with_4_features_and_3_balanced_classes():
    (x_train, y_train), (x_test, y_test) = iris.load_data()
    assert x_train.shape == (120, 4) and x_test.shape == (30, 4)
    assert x_train.dtype == np.float32 and y_train.dtype == np.uint8
    labels = np.concatenate([y_train, y_test])
    np.testing.assert_array_equal(np.bincount(labels), [50, 50, 50])
    features = np.concatenate([x_train, x_test])
    np.testing.assert_allclose(features.mean(axis=0), [5.8433, 3.0573, 3.758, 1.1993], atol=1e-3)
    assert iris.CLASS_NAMES[2] == "virginica" and len(iris.FEATURE_NAMES) == 4


def test_iris_split_is_fixed_by_the_seed_and_its_size_by_test_split():
    first, again = iris.load_data(), iris.load_data()
    np.testing.assert_array_equal(first[1][0], again[1][0])
    other = iris.load_data(seed=1)
    assert not np.array_equal(first[1][0], other[1][0])
    (x_train, _), (x_test, _) = iris.load_data(test_split=0.5)
    assert len(x_train) == len(x_test) == 75
    (x_train, _), (x_test, _) = iris.load_data(test_split=0.0)
    assert len(x_train) == 150 and len(x_test) == 0


@pytest.mark.parametrize("bad", [1.0, -0.1])
def test_bundled_loaders_reject_a_test_split_outside_0_1(bad):
    with pytest.raises(ValueError, match=rf"digits\.load_data: test_split must lie in \[0, 1\).*"
                                         rf"Received: test_split={bad}"):
        digits.load_data(test_split=bad)


def test_digits_are_1797_8x8_images_with_values_0_to_16():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1438, 8, 8) and x_test.shape == (359, 8, 8)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    images, labels = np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])
    assert images.min() == 0 and images.max() == 16
    np.testing.assert_array_equal(np.unique(labels), np.arange(10))
    assert np.bincount(labels).min() >= 170


def test_the_package_ships_its_data_files_and_their_sources():
    package = Path(digits.__file__).parent
    readme = (package / "README.md").read_text()
    for needed in ["Fisher", "CC BY 4.0", "Alpaydin", "Zalando", "Krizhevsky", "LeCun"]:
        assert needed in readme


@pytest.mark.skipif(not all(os.path.isdir(d) for d in REAL_FASHION_MNIST_DIRS),
                    reason="the Debian package dataset-fashion-mnist is not installed")
def test_real_fashion_mnist_from_the_debian_package(monkeypatch):
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", REAL_FASHION_MNIST_DIRS)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    np.testing.assert_array_equal(np.bincount(y_train), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(y_test), [1000] * 10)
    assert fashion_mnist.CLASS_NAMES[y_train[0]] == "Ankle boot"
    assert x_train.dtype == np.uint8 and x_train.max() == 255
