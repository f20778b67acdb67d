"""CourseCNN: the convolutional network of the course's Fashion-MNIST listing."""

from deepbricks.applications._checks import check_classes, check_image_shape, check_rate


def CourseCNN(input_shape=(28, 28, 1), classes=10, dropout=0.0, name="course_cnn"):
    """Two 5x5 convolution + max-pooling stages, then a 100-unit hidden layer.

    Conv2D(32, 5x5, 'same', relu) -> MaxPooling2D(2) -> Conv2D(64, 5x5, 'same', relu) ->
    MaxPooling2D(2) -> Flatten -> [Dropout] -> Dense(100, relu) -> [Dropout] ->
    Dense(classes, softmax). On 28x28x1 inputs it has 366,806 weights, most of them in the
    first dense layer (7*7*64*100 + 100).

    Args:
        input_shape: image shape (height, width, channels); height and width at least 4.
        classes: number of classes (units of the softmax output).
        dropout: rate of the Dropout layers placed before each dense layer; 0 leaves them out.
        name: model name.

    Returns:
        A ``Sequential`` model, built, ending in a softmax over ``classes``.

    Example:
        >>> model = CourseCNN(dropout=0.25)
        >>> model.compile(optimizer='adam', loss='sparse_categorical_crossentropy',
        ...               metrics=['accuracy'])
    """
    from deepbricks import Input, Sequential, layers

    input_shape = check_image_shape("CourseCNN", input_shape, minimum=4)
    classes = check_classes("CourseCNN", classes)
    dropout = check_rate("CourseCNN", dropout)
    head = [
        layers.Flatten(name="flatten"),
        *([layers.Dropout(dropout, name="dropout")] if dropout else []),
        layers.Dense(100, activation="relu", name="fc1"),
        *([layers.Dropout(dropout, name="dropout_1")] if dropout else []),
        layers.Dense(classes, activation="softmax", name="predictions"),
    ]
    return Sequential([
        Input(shape=input_shape),
        layers.Conv2D(32, 5, padding="same", activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(64, 5, padding="same", activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        *head,
    ], name=name)
