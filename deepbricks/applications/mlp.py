"""MLP: a multi-layer perceptron classifier for flat or image inputs."""

from deepbricks.applications._checks import check_classes, check_rate, check_shape


def MLP(input_shape, classes, hidden=(256, 128, 100), activation="relu", dropout=0.0,
        name="mlp"):
    """Fully connected layers of ReLU units and a softmax output.

    [Flatten] -> Dense(hidden[0], relu) -> [Dropout] -> ... -> Dense(classes, softmax). The
    Flatten is there only when the input has more than one axis (images).

    Args:
        input_shape: shape of one sample without the batch axis, e.g. (4,) or (28, 28).
        classes: number of classes.
        hidden: units of each hidden layer, in order; () gives softmax regression.
        activation: activation of the hidden layers.
        dropout: rate of a Dropout after each hidden layer; 0 leaves them out.
        name: model name.

    Returns:
        A built ``Sequential`` model.

    Example:
        >>> MLP((4,), 3, hidden=(16,)).count_params()
        131
    """
    from deepbricks import Input, Sequential, layers

    input_shape = check_shape("MLP", input_shape)
    classes = check_classes("MLP", classes)
    if isinstance(hidden, int) or not all(
        isinstance(u, int) and not isinstance(u, bool) and u > 0 for u in hidden
    ):
        raise ValueError(f"MLP: `hidden` must be a sequence of positive ints (units per hidden "
                         f"layer), e.g. (256, 128). Received: hidden={hidden!r}")
    dropout = check_rate("MLP", dropout)
    stack = [Input(shape=input_shape)]
    if len(input_shape) > 1:
        stack.append(layers.Flatten(name="flatten"))
    for i, units in enumerate(hidden):
        stack.append(layers.Dense(units, activation=activation, name=f"fc{i + 1}"))
        if dropout:
            stack.append(layers.Dropout(dropout, name=f"dropout{i + 1}"))
    stack.append(layers.Dense(classes, activation="softmax", name="predictions"))
    return Sequential(stack, name=name)
