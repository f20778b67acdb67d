"""Layers with Keras 3 names, arguments, defaults and weight layouts."""

from deepbricks.layers.activations import *  # noqa: F403
from deepbricks.layers.convolutional import *  # noqa: F403
from deepbricks.layers.core import *  # noqa: F403
from deepbricks.layers.layer import InputSpec, Layer  # noqa: F401
from deepbricks.layers.merging import *  # noqa: F403
from deepbricks.layers.normalization import *  # noqa: F403
from deepbricks.layers.pooling import *  # noqa: F403
from deepbricks.layers.preprocessing import *  # noqa: F403
from deepbricks.layers.regularization import *  # noqa: F403
from deepbricks.layers.reshaping import *  # noqa: F403
from deepbricks.layers.rnn import *  # noqa: F403
