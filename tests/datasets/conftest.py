"""Every data-set test runs offline, with an empty home directory and no system packages."""

import urllib.error

import pytest

from deepbricks.datasets import _files, cifar10, fashion_mnist, mnist

REAL_FASHION_MNIST_DIRS = fashion_mnist.SYSTEM_DIRS


def offline(url, timeout=None):
    raise urllib.error.URLError("no network in tests")


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """Points HOME at an empty directory, unsets DEEPBRICKS_DATA and cuts the network."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv(_files.DATA_ENV, raising=False)
    monkeypatch.setattr(_files, "urlopen", offline)
    for module in (mnist, fashion_mnist, cifar10):
        monkeypatch.setattr(module, "SYSTEM_DIRS", ())
    return home
