"""Differentiable ops on Tensors, by kind, in one flat namespace with keras.ops names.

``deepbricks.ops`` is also available as ``deepbricks.functional``.
"""

from deepbricks.ops import methods as _methods
from deepbricks.ops.activation import *  # noqa: F403
from deepbricks.ops.convolution import *  # noqa: F403
from deepbricks.ops.elementwise import *  # noqa: F403
from deepbricks.ops.embedding import *  # noqa: F403
from deepbricks.ops.linalg import *  # noqa: F403
from deepbricks.ops.loss import *  # noqa: F403
from deepbricks.ops.normalization import *  # noqa: F403
from deepbricks.ops.pooling import *  # noqa: F403
from deepbricks.ops.reduction import *  # noqa: F403
from deepbricks.ops.regularization import *  # noqa: F403
from deepbricks.ops.resampling import *  # noqa: F403
from deepbricks.ops.rnn import *  # noqa: F403
from deepbricks.ops.shape import *  # noqa: F403

_methods.attach()
