"""GoogLeNet, or Inception v1 (Szegedy et al., "Going Deeper with Convolutions", CVPR 2015),
with its two auxiliary classifiers."""

from deepbricks.applications._checks import check_rate
from deepbricks.applications._zoo import check_common, finish, pooled, scaled

# Table 1 of the paper: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}
# The inception blocks that feed an auxiliary classifier.
AUX_AFTER = {"4a": "aux1", "4d": "aux2"}
# The auxiliary losses count 0.3 each in the total training loss (section 5 of the paper).
GOOGLENET_LOSS_WEIGHTS = {"predictions": 1.0, "aux1_predictions": 0.3, "aux2_predictions": 0.3}
# The aux heads' 5x5/3 average pooling needs 5x5 maps after block 4a, which is 16 times
# smaller than the input (rounded up).
MIN_SIZE_WITH_AUX = 65


def inception_module(x, filters, name):
    """Four parallel branches concatenated on the channel axis: 1x1; 1x1 -> 3x3;
    1x1 -> 5x5; 3x3 max pooling (stride 1) -> 1x1. Every convolution is 'same' with ReLU.

    Args:
        x: the input maps.
        filters: (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj).
        name: prefix of the layer names, e.g. 'inception_3a'.

    Returns:
        The concatenated maps, with #1x1 + #3x3 + #5x5 + pool proj channels.
    """
    from deepbricks import layers

    def conv(count, size, suffix):
        return layers.Conv2D(count, size, padding="same", activation="relu",
                             name=f"{name}_{suffix}")

    one, reduce3, three, reduce5, five, proj = filters
    branches = [
        conv(one, 1, "1x1")(x),
        conv(three, 3, "3x3")(conv(reduce3, 1, "3x3_reduce")(x)),
        conv(five, 5, "5x5")(conv(reduce5, 1, "5x5_reduce")(x)),
        conv(proj, 1, "pool_proj")(
            layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)),
    ]
    return layers.Concatenate(name=f"{name}_output")(branches)


def auxiliary_classifier(x, classes, width, activation, name):
    """The paper's side head: 5x5/3 average pooling, a 1x1 convolution of 128 filters, a
    1024-unit dense layer, 70% dropout, then the classifier."""
    from deepbricks import layers

    x = layers.AveragePooling2D(5, strides=3, name=f"{name}_avg_pool")(x)
    x = layers.Conv2D(scaled(128, width), 1, activation="relu", name=f"{name}_conv")(x)
    x = layers.Flatten(name=f"{name}_flatten")(x)
    x = layers.Dense(scaled(1024, width), activation="relu", name=f"{name}_fc")(x)
    x = layers.Dropout(0.7, name=f"{name}_dropout")(x)
    return layers.Dense(classes, activation=activation, name=f"{name}_predictions")(x)


def GoogLeNet(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", width=1.0, aux_classifiers=True, dropout=0.4,
              name="googlenet"):
    """GoogLeNet: 22 layers with weights (counting each inception module as two), built from
    inception modules, with two auxiliary classifiers that bring gradient to the middle of
    the network during training.

    On a 224x224x3 image::

        conv1 7x7/2 (64) -> max pool 3x3/2 -> LRN          56x56x64
        conv2 1x1 (64) -> 3x3 (192) -> LRN -> max pool      28x28x192
        inception 3a, 3b -> max pool                        14x14x480
        inception 4a [-> aux1], 4b, 4c, 4d [-> aux2], 4e -> max pool    7x7x832
        inception 5a, 5b                                    7x7x1024
        global average pooling -> dropout 40% -> predictions 1000

    The module sizes are those of the paper's Table 1; poolings use 'same' padding and the
    LRN layers the Caffe model's constants (n = 5, alpha = 1e-4 / 5 on the plain sum, beta
    = 0.75). With the top for 1000 classes the main network has 6,998,552 weights, of which
    6,990,272 are kernel weights: about 6.8 M, as the sum of Table 1's "params" column (whose
    entries are rounded to thousands of 1,024 and partly inconsistent with the layer sizes
    of the same table, e.g. 2.7K for conv1's 9,408). The auxiliary classifiers add 3,188,840
    (aux1) and 3,190,888 (aux2) weights that only training uses.

    With ``include_top`` and ``aux_classifiers`` the model has three outputs,
    ``[predictions, aux1_predictions, aux2_predictions]``; train it with one target per
    output and the paper's loss weights, and predict with the first output::

        model.compile('sgd', loss='sparse_categorical_crossentropy',
                      loss_weights=GOOGLENET_LOSS_WEIGHTS)
        model.fit(x, [y, y, y])
        probabilities = model.predict(x)[0]

    Args:
        include_top: whether to end with the classifier (and the auxiliary ones); without
            it the model returns inception 5b's maps (or their global pooling).
        weights: None (random initialisation) or the path of a file written by
            ``save_weights``; no pretrained weights ship with deepbricks.
        input_shape: (height, width, channels); default (224, 224, 3). With the auxiliary
            classifiers at least 65x65, without them any size.
        pooling: with ``include_top=False``: None, 'avg' or 'max'.
        classes: number of classes of the classifiers.
        classifier_activation: activation of the predictions layers (None for logits).
        width: multiplies every filter and unit count.
        aux_classifiers: whether to add the two auxiliary classifiers (with the top only).
        dropout: rate of the dropout before the main classifier (the paper's 0.4).
        name: model name.

    Returns:
        A functional ``Model`` with one output, or three with the auxiliary classifiers.

    Example:
        >>> model = GoogLeNet(input_shape=(96, 96, 3), classes=10, width=0.125)
        >>> model.output_shape
        [(None, 10), (None, 10), (None, 10)]
    """
    from deepbricks import Input, layers

    if not isinstance(aux_classifiers, bool):
        raise ValueError(f"GoogLeNet: `aux_classifiers` must be True or False. Received: "
                         f"aux_classifiers={aux_classifiers!r}")
    shape, classes, width = check_common("GoogLeNet", input_shape, (224, 224, 3), 1,
                                         include_top, weights, pooling, classes, width)
    with_aux = include_top and aux_classifiers
    if with_aux and min(shape[:2]) < MIN_SIZE_WITH_AUX:
        raise ValueError(
            f"GoogLeNet: the auxiliary classifiers need inputs of at least "
            f"{MIN_SIZE_WITH_AUX}x{MIN_SIZE_WITH_AUX} (their 5x5 pooling reads the maps of "
            f"block 4a, 16 times smaller). Pass aux_classifiers=False for smaller images. "
            f"Received: input_shape={shape}"
        )
    dropout = check_rate("GoogLeNet", dropout)

    def conv(count, size, name, strides=1):
        return layers.Conv2D(scaled(count, width), size, strides=strides, padding="same",
                             activation="relu", name=name)

    def norm(name):
        return layers.LocalResponseNormalization(depth_radius=2, bias=1.0, alpha=1e-4 / 5,
                                                 beta=0.75, name=name)

    def pool(name):
        return layers.MaxPooling2D(3, strides=2, padding="same", name=name)

    inputs = Input(shape=shape, name="input_layer")
    x = conv(64, 7, "conv1_7x7_s2", strides=2)(inputs)
    x = norm("pool1_norm1")(pool("pool1_3x3_s2")(x))
    x = conv(192, 3, "conv2_3x3")(conv(64, 1, "conv2_3x3_reduce")(x))
    x = pool("pool2_3x3_s2")(norm("conv2_norm2")(x))
    aux_outputs = []
    for block, filters in INCEPTION.items():
        if block in ("4a", "5a"):
            x = pool(f"pool{int(block[0]) - 1}_3x3_s2")(x)
        x = inception_module(x, [scaled(f, width) for f in filters], f"inception_{block}")
        if with_aux and block in AUX_AFTER:
            aux_outputs.append(auxiliary_classifier(x, classes, width, classifier_activation,
                                                    AUX_AFTER[block]))
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout:
            x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    return finish(inputs, [x, *aux_outputs] if aux_outputs else x, weights, name)


InceptionV1 = GoogLeNet
