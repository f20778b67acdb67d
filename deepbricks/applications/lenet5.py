"""LeNet-5 (LeCun et al., 1998), with the tanh units and average pooling of the original."""

from deepbricks.applications._checks import check_classes, check_image_shape


def LeNet5(input_shape=(28, 28, 1), classes=10, name="lenet5"):
    """LeNet-5 for 28x28 digits: 'same' padding on the first convolution stands in for the
    paper's 32x32 inputs.

    Conv2D(6, 5x5, 'same', tanh) -> AveragePooling2D(2) -> Conv2D(16, 5x5, 'valid', tanh) ->
    AveragePooling2D(2) -> Flatten -> Dense(120, tanh) -> Dense(84, tanh) ->
    Dense(classes, softmax). On 28x28x1 inputs it has 61,706 weights.

    Args:
        input_shape: image shape (height, width, channels); height and width at least 12.
        classes: number of classes.
        name: model name.

    Returns:
        A built ``Sequential`` model.

    Example:
        >>> LeNet5().count_params()
        61706
    """
    from deepbricks import Input, Sequential, layers

    input_shape = check_image_shape("LeNet5", input_shape, minimum=12)
    classes = check_classes("LeNet5", classes)
    return Sequential([
        Input(shape=input_shape),
        layers.Conv2D(6, 5, padding="same", activation="tanh", name="conv1"),
        layers.AveragePooling2D(2, name="pool1"),
        layers.Conv2D(16, 5, padding="valid", activation="tanh", name="conv2"),
        layers.AveragePooling2D(2, name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dense(120, activation="tanh", name="fc1"),
        layers.Dense(84, activation="tanh", name="fc2"),
        layers.Dense(classes, activation="softmax", name="predictions"),
    ], name=name)
