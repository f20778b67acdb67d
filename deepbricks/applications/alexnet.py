"""AlexNet (Krizhevsky, Sutskever and Hinton, "ImageNet Classification with Deep
Convolutional Neural Networks", NIPS 2012)."""

from deepbricks.applications._checks import check_rate
from deepbricks.applications._zoo import check_common, finish, pooled, scaled

# The smallest input on which the three 'valid' 3x3/2 poolings still leave one cell.
MIN_SIZE = 67


def AlexNet(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
            classifier_activation="softmax", width=1.0, dropout=0.5, grouped=False,
            name="alexnet"):
    """AlexNet: five convolutions, local response normalisation, overlapping max pooling,
    and three fully connected layers with dropout.

    On a 227x227x3 image::

        conv1  96 11x11 stride 4, ReLU       55x55x96   (34,944 weights)
        norm1  LRN (k=2, n=5, alpha=1e-4, beta=0.75), pool1 3x3 stride 2 -> 27x27x96
        conv2  256 5x5 'same', ReLU          27x27x256
        norm2  LRN, pool2 3x3 stride 2  ->   13x13x256
        conv3  384 3x3 'same', ReLU; conv4 384 3x3; conv5 256 3x3     13x13x256
        pool5  3x3 stride 2             ->    6x6x256
        flatten 9216 -> fc6 4096 -> dropout -> fc7 4096 -> dropout -> predictions 1000

    The poolings are "overlapping" (3x3 windows moved by 2). The LRN is
    :class:`~deepbricks.layers.LocalResponseNormalization` with the paper's constants
    (depth_radius 2, bias 2, alpha 1e-4 on the plain sum of squares, beta 0.75).

    With the top and 1000 classes it has 62,378,344 weights: the paper's layer sizes on one
    device. ``grouped=True`` splits conv2, conv4 and conv5 into two groups, as the paper's
    two GPUs did (each half sees only its own half of the previous layer's maps); that gives
    60,965,224 weights, the "60 million parameters" of the paper's abstract and the total of
    Caffe's ``bvlc_alexnet``.

    Args:
        include_top: whether to end with fc6, fc7 and the predictions; without them the
            model returns pool5's maps (or their global pooling, see ``pooling``).
        weights: None (random initialisation) or the path of a file written by
            ``save_weights``; no pretrained weights ship with deepbricks.
        input_shape: (height, width, channels), at least 67x67; default (227, 227, 3).
        pooling: with ``include_top=False``: None, 'avg' or 'max'.
        classes: number of classes of the top.
        classifier_activation: activation of the predictions layer (None for logits).
        width: multiplies every filter and unit count (with ``grouped``, filter counts are
            rounded to even numbers).
        dropout: rate of the dropout after fc6 and fc7 (the paper's 0.5); 0 leaves them out.
        grouped: split conv2, conv4 and conv5 into two groups as on the paper's two GPUs.
        name: model name.

    Returns:
        A functional ``Model``.

    Example:
        >>> AlexNet(include_top=False).get_layer('conv1').count_params()
        34944
    """
    from deepbricks import Input, layers

    shape, classes, width = check_common("AlexNet", input_shape, (227, 227, 3), MIN_SIZE,
                                         include_top, weights, pooling, classes, width)
    dropout = check_rate("AlexNet", dropout)
    if not isinstance(grouped, bool):
        raise ValueError(f"AlexNet: `grouped` must be True or False. Received: "
                         f"grouped={grouped!r}")
    split = 2 if grouped else 1

    def conv(filters, size, name, strides=1, padding="same", groups=1):
        # Every map count must split evenly between the two groups when they are used.
        count = split * scaled(filters / split, width)
        return layers.Conv2D(count, size, strides=strides, padding=padding, activation="relu",
                             groups=groups, name=name)

    def norm(name):
        return layers.LocalResponseNormalization(depth_radius=2, bias=2.0, alpha=1e-4,
                                                 beta=0.75, name=name)

    def pool(name):
        return layers.MaxPooling2D(3, strides=2, name=name)

    inputs = Input(shape=shape, name="input_layer")
    x = conv(96, 11, "conv1", strides=4, padding="valid")(inputs)
    x = pool("pool1")(norm("norm1")(x))
    x = conv(256, 5, "conv2", groups=split)(x)
    x = pool("pool2")(norm("norm2")(x))
    x = conv(384, 3, "conv3")(x)
    x = conv(384, 3, "conv4", groups=split)(x)
    x = conv(256, 3, "conv5", groups=split)(x)
    x = pool("pool5")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        for fc in ("fc6", "fc7"):
            x = layers.Dense(scaled(4096, width), activation="relu", name=fc)(x)
            if dropout:
                x = layers.Dropout(dropout, name=f"{fc}_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    return finish(inputs, x, weights, name)
