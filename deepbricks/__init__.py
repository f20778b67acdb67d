"""deepbricks: a readable deep-learning framework over NumPy with a Keras-3-compatible API.

Example:
    >>> import numpy as np
    >>> import deepbricks as db
    >>> model = db.Sequential([db.layers.Dense(10, input_shape=(4,)),
    ...                        db.layers.Activation('softmax')])
    >>> model.compile(optimizer='sgd', loss='categorical_crossentropy')
"""

from deepbricks import backend, ops
from deepbricks.autograd import Tensor, Variable, enable_grad, no_grad

functional = ops

from deepbricks import (  # noqa: E402  (the brick layer stands on the engine above)
    activations,
    applications,
    callbacks,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
    utils,
    viz,
)
from deepbricks.layers import Input  # noqa: E402
from deepbricks.models import Model, Sequential, load_model  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "Input", "Model", "Sequential", "Tensor", "Variable", "activations", "applications",
    "backend", "callbacks", "constraints", "datasets", "enable_grad", "functional",
    "initializers", "layers", "load_model", "losses", "metrics", "models", "no_grad", "ops",
    "optimizers", "regularizers", "utils", "viz",
]  # fmt: skip
