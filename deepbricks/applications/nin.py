"""Network in Network (Lin, Chen and Yan, "Network In Network", ICLR 2014)."""

from deepbricks.applications._checks import check_rate
from deepbricks.applications._zoo import check_common, finish, pooled, scaled

# Per mlpconv block: (kernel size, filters of the spatial convolution, then of each 1x1
# convolution), the CIFAR-10 network the authors released with the paper.
BLOCKS = ((5, 192, 160, 96), (5, 192, 192, 192), (3, 192, 192))


def mlpconv(x, kernel_size, filters, name):
    """An "mlpconv" layer: a convolution followed by 1x1 convolutions, i.e. a small
    multi-layer perceptron applied at every pixel, all with ReLU.

    Args:
        x: the input maps.
        kernel_size: size of the first (spatial) convolution, 'same' padded.
        filters: filters of the spatial convolution, then of each 1x1 convolution.
        name: prefix of the layer names.

    Returns:
        The maps of the last convolution.
    """
    from deepbricks import layers

    x = layers.Conv2D(filters[0], kernel_size, padding="same", activation="relu",
                      name=f"{name}_conv")(x)
    for i, count in enumerate(filters[1:], start=1):
        x = layers.Conv2D(count, 1, activation="relu", name=f"{name}_mlp{i}")(x)
    return x


def NetworkInNetwork(include_top=True, weights=None, input_shape=None, pooling=None,
                     classes=10, classifier_activation="softmax", width=1.0, dropout=0.5,
                     name="network_in_network"):
    """Network in Network for 32x32 images: three mlpconv blocks, and global average pooling
    of one map per class instead of fully connected layers.

        block1  conv 5x5 (192), 1x1 (160), 1x1 (96)  -> max pool 3x3/2 -> dropout
        block2  conv 5x5 (192), 1x1 (192), 1x1 (192) -> average pool 3x3/2 -> dropout
        block3  conv 3x3 (192), 1x1 (192)
        top     1x1 (classes) -> global average pooling -> softmax

    Each class's confidence is the average of its own feature map, so the top has no
    weights to overfit besides the last 1x1 convolution. With the top and 10 classes it
    has 966,986 weights (about 0.97 M), which follow from the layer sizes of the
    CIFAR-10 network the authors released. Poolings use 'same' padding (32 -> 16 -> 8).

    Args:
        include_top: whether to end with the class maps, their global average and the
            activation; without it the model returns block3's maps (or their pooling).
        weights: None (random initialisation) or the path of a file written by
            ``save_weights``; no pretrained weights ship with deepbricks.
        input_shape: (height, width, channels); default (32, 32, 3); any size works.
        pooling: with ``include_top=False``: None, 'avg' or 'max'.
        classes: number of classes (maps of the last 1x1 convolution).
        classifier_activation: activation applied to the averaged class maps.
        width: multiplies every filter count except the class maps.
        dropout: rate of the dropout after blocks 1 and 2 (the paper's 0.5); 0 leaves them
            out.
        name: model name.

    Returns:
        A functional ``Model``.

    Example:
        >>> NetworkInNetwork().count_params()
        966986
    """
    from deepbricks import Input, layers

    shape, classes, width = check_common("NetworkInNetwork", input_shape, (32, 32, 3), 1,
                                         include_top, weights, pooling, classes, width)
    dropout = check_rate("NetworkInNetwork", dropout)
    poolings = (layers.MaxPooling2D, layers.AveragePooling2D, None)
    inputs = Input(shape=shape, name="input_layer")
    x = inputs
    for block, ((size, *filters), pooling_layer) in enumerate(zip(BLOCKS, poolings), start=1):
        x = mlpconv(x, size, [scaled(f, width) for f in filters], f"block{block}")
        if pooling_layer is not None:
            x = pooling_layer(3, strides=2, padding="same", name=f"block{block}_pool")(x)
            if dropout:
                x = layers.Dropout(dropout, name=f"block{block}_dropout")(x)
    if include_top:
        x = layers.Conv2D(classes, 1, name="class_maps")(x)
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    return finish(inputs, x, weights, name)
