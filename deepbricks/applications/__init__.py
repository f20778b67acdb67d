"""The model zoo: one builder per file, each returning a ready-to-compile Keras-style model.

The builders take ``input_shape`` (without the batch axis) and ``classes`` and return a
model that starts with an ``Input``, so its weights exist and ``summary()`` works at once.

Example:
    >>> from deepbricks import applications
    >>> model = applications.CourseCNN()
    >>> model.output_shape
    (None, 10)
"""

from deepbricks.applications.course_cnn import CourseCNN
from deepbricks.applications.lenet5 import LeNet5
from deepbricks.applications.mlp import MLP

__all__ = ["MLP", "CourseCNN", "LeNet5"]
