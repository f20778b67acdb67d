"""Data sets of the course, each with a Keras-compatible ``load_data()``.

``mnist``, ``fashion_mnist`` and ``cifar10`` read the files as published, from a directory
given as ``path=``, ``$DEEPBRICKS_DATA/<name>/``, the cache ``~/.deepbricks/datasets/<name>/``
or a system package, and download them (checked by SHA-256) when they are nowhere. ``iris``
and ``digits`` are small and ship inside the package, as does ``text`` (Shakespeare's Hamlet,
for character-level language models). Sources and licences: README.md here.
"""

from deepbricks.datasets import cifar10, digits, fashion_mnist, iris, mnist, text

__all__ = ["cifar10", "digits", "fashion_mnist", "iris", "mnist", "text"]
