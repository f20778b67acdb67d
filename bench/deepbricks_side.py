"""The workloads' networks in deepbricks, trained the way a user would train them.

Training steps go through ``model.train_on_batch`` and inference through
``model.predict_on_batch``, so the framework's own overhead (layer calls, loss wrapper,
optimizer bookkeeping) is part of every number. Each model ends in logits, trained with
``SparseCategoricalCrossentropy(from_logits=True)``, the same fused softmax cross-entropy the
PyTorch twin uses.
"""

import deepbricks as db
from deepbricks import layers


class Unavailable(Exception):
    """A workload needs a part of deepbricks that does not exist yet."""


def mlp():
    return db.Sequential([
        db.Input(shape=(784,)),
        layers.Dense(512, activation="relu"),
        layers.Dense(512, activation="relu"),
        layers.Dense(10),
    ])


def course_cnn():
    return db.Sequential([
        db.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(100, activation="relu"),
        layers.Dense(10),
    ])


def lenet5():
    return db.Sequential([
        db.Input(shape=(28, 28, 1)),
        layers.Conv2D(6, 5, padding="same", activation="tanh"),
        layers.AveragePooling2D(2),
        layers.Conv2D(16, 5, activation="tanh"),
        layers.AveragePooling2D(2),
        layers.Flatten(),
        layers.Dense(120, activation="tanh"),
        layers.Dense(84, activation="tanh"),
        layers.Dense(10),
    ])


def lstm():
    if not hasattr(layers, "LSTM"):
        raise Unavailable("LSTM not available")
    return db.Sequential([
        db.Input(shape=(50, 32)),
        layers.LSTM(128),
        layers.Dense(10),
    ])


def _conv_bn(x, filters, kernel, strides=1, relu=True):
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x) if relu else x


def _basic_block(x, filters, strides):
    shortcut = x
    if strides != 1 or x.shape[-1] != filters:
        shortcut = _conv_bn(x, filters, 1, strides, relu=False)
    y = _conv_bn(x, filters, 3, strides)
    y = _conv_bn(y, filters, 3, relu=False)
    return layers.Activation("relu")(layers.add([shortcut, y]))


def resnet():
    """Conv 16 + BN + ReLU, stages of two basic blocks (16, 32, 64 channels), GAP, Dense 10.

    The second and third stages start with stride 2 and a 1x1 convolution + BN shortcut.
    """
    inputs = db.Input(shape=(32, 32, 3))
    x = _conv_bn(inputs, 16, 3)
    for stage, filters in enumerate((16, 32, 64)):
        for block in range(2):
            x = _basic_block(x, filters, 2 if stage and not block else 1)
    x = layers.GlobalAveragePooling2D()(x)
    return db.Model(inputs, layers.Dense(10)(x))


BUILDERS = {"W1": mlp, "W2": mlp, "W3": course_cnn, "W4": lenet5, "W5": lstm, "W6": resnet}


def optimizer(spec):
    name, params = spec
    return {"sgd": db.optimizers.SGD, "adam": db.optimizers.Adam}[name](**params)


def build(workload):
    """Builds and compiles the workload's model.

    Returns:
        ``(step, n_params)``: ``step(x, y)`` runs one training step (or one inference pass)
        on a batch; ``n_params`` counts the trainable parameters.

    Raises:
        Unavailable: the workload needs a layer deepbricks does not have yet.
    """
    db.utils.set_random_seed(0)
    model = BUILDERS[workload.key]()
    model.compile(
        optimizer=optimizer(workload.optimizer),
        loss=db.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    n_params = sum(int(w.size) for w in model.trainable_weights)
    if workload.train:
        return model.train_on_batch, n_params

    def infer(x, y):
        return model.predict_on_batch(x)

    return infer, n_params


def course_cnn_for_training(learning_rate=1e-3):
    """W3's network compiled for Fashion-MNIST with Adam (used by the time-to-accuracy run).

    Args:
        learning_rate: a float or a learning-rate schedule.
    """
    db.utils.set_random_seed(0)
    model = course_cnn()
    model.compile(
        optimizer=optimizer(("adam", {"learning_rate": learning_rate, "epsilon": 1e-7})),
        loss=db.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
