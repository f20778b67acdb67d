"""The model zoo: one builder per file, each returning a ready-to-compile Keras-style model.

The builders take ``input_shape`` (without the batch axis) and ``classes`` and return a
model that starts with an ``Input``, so its weights exist and ``summary()`` works at once.

Example:
    >>> from deepbricks import applications
    >>> model = applications.CourseCNN()
    >>> model.output_shape
    (None, 10)
"""

from deepbricks.applications.alexnet import AlexNet
from deepbricks.applications.course_cnn import CourseCNN
from deepbricks.applications.googlenet import GOOGLENET_LOSS_WEIGHTS, GoogLeNet, InceptionV1
from deepbricks.applications.lenet5 import LeNet5
from deepbricks.applications.mlp import MLP
from deepbricks.applications.nin import NetworkInNetwork
from deepbricks.applications.resnet import ResNet18, ResNet34, ResNet50, ResNet101, ResNet152
from deepbricks.applications.resnet_cifar import (
    CifarResNet,
    PlainNet20,
    PlainNet32,
    PlainNet56,
    ResNet20,
    ResNet32,
    ResNet56,
)
from deepbricks.applications.vgg import VGG16, VGG19

__all__ = [
    "MLP", "CourseCNN", "LeNet5",
    "GOOGLENET_LOSS_WEIGHTS", "VGG16", "VGG19", "AlexNet", "CifarResNet", "GoogLeNet",
    "InceptionV1", "NetworkInNetwork", "PlainNet20", "PlainNet32", "PlainNet56", "ResNet18",
    "ResNet20", "ResNet32", "ResNet34", "ResNet50", "ResNet56", "ResNet101", "ResNet152",
]  # fmt: skip
