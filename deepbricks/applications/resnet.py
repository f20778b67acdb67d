"""ResNet18/34/50/101/152 (He, Zhang, Ren and Sun, "Deep Residual Learning for Image
Recognition", CVPR 2016), the ImageNet networks of the paper's Table 1.

The residual unit adds its input to what two (basic) or three (bottleneck) convolutions
computed from it, y = relu(F(x) + shortcut(x)), so the gradient reaches early layers through
the additions undiminished. The layer names, the convolution biases and the batch
normalisation epsilon (1.001e-5) are those of ``keras.applications.ResNet50``.
"""

from deepbricks.applications._zoo import check_common, finish, pooled, scaled

BN_EPSILON = 1.001e-5
STAGE_FILTERS = (64, 128, 256, 512)


def basic_block(x, filters, stride, name):
    """Two 3x3 convolutions; the shortcut is the identity, or a 1x1 convolution with batch
    normalisation (the paper's option B) where the stride or the channel count changes.

    A stride-2 convolution pads one cell on each side explicitly (Keras's 'same' would pad
    only after), so it samples the same pixels as the stride-2 1x1 shortcut it is added to.
    """
    from deepbricks import layers

    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    if stride != 1:
        x = layers.ZeroPadding2D(1, name=f"{name}_1_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, padding="valid" if stride != 1 else "same",
                      name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def bottleneck_block(x, filters, stride, name):
    """1x1 (reduce to ``filters``) -> 3x3 -> 1x1 (expand to 4 * ``filters``) convolutions, as
    in Keras's ResNet50 (the stride is on the first 1x1); the shortcut is a 1x1 projection
    where the shape changes (the first block of each stage), the identity elsewhere."""
    from deepbricks import layers

    if stride != 1 or x.shape[-1] != 4 * filters:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _resnet(builder, block, stage_blocks, include_top, weights, input_shape, pooling, classes,
            classifier_activation, width, name):
    from deepbricks import Input, layers

    shape, classes, width = check_common(builder, input_shape, (224, 224, 3), 1, include_top,
                                         weights, pooling, classes, width)
    inputs = Input(shape=shape, name="input_layer")
    x = layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = layers.Conv2D(scaled(64, width), 7, strides=2, name="conv1_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, (blocks, filters) in enumerate(zip(stage_blocks, STAGE_FILTERS), start=2):
        for i in range(1, blocks + 1):
            stride = 2 if i == 1 and stage > 2 else 1
            x = block(x, scaled(filters, width), stride, f"conv{stage}_block{i}")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    return finish(inputs, x, weights, name)


def ResNet18(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", width=1.0, name="resnet18"):
    """ResNet-18: a 7x7/2 stem and max pooling, then four stages of two basic blocks with
    64, 128, 256 and 512 filters (the last three start with stride 2), global average
    pooling and the classifier: 17 convolutions and one dense layer.

    With the top and 1000 classes it has 11,703,912 weights: the 11,689,512 parameters of
    torchvision's ``resnet18`` (the published count for this architecture) plus what
    Keras-style layers hold besides: the convolution biases (4,800) and the batch
    normalisation moving means and variances (9,600).

    Args:
        include_top: whether to end with global average pooling and the predictions layer;
            without them the model returns the last stage's maps (or their global pooling,
            see ``pooling``).
        weights: None (random initialisation) or the path of a file written by
            ``save_weights``; no pretrained weights ship with deepbricks.
        input_shape: (height, width, channels); default (224, 224, 3). Any size works: the
            stem and the stages divide it by 32, rounding up (28x28 images end 1x1).
        pooling: with ``include_top=False``: None, 'avg' or 'max'.
        classes: number of classes of the top.
        classifier_activation: activation of the predictions layer (None for logits).
        width: multiplies every filter count (0.125 trains on 32x32 images in seconds).
        name: model name.

    Returns:
        A functional ``Model``.

    Example:
        >>> ResNet18(input_shape=(28, 28, 1), classes=10, width=0.25).output_shape
        (None, 10)
    """
    return _resnet("ResNet18", basic_block, (2, 2, 2, 2), include_top, weights, input_shape,
                   pooling, classes, classifier_activation, width, name)


def ResNet34(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", width=1.0, name="resnet34"):
    """ResNet-34: ResNet-18 with 3, 4, 6 and 3 basic blocks per stage.

    With the top and 1000 classes it has 21,823,208 weights: torchvision's 21,797,672 plus
    8,512 convolution biases and 17,024 moving statistics. Arguments as :func:`ResNet18`.

    Example:
        >>> ResNet34(include_top=False, pooling='avg', width=0.25).output_shape
        (None, 128)
    """
    return _resnet("ResNet34", basic_block, (3, 4, 6, 3), include_top, weights, input_shape,
                   pooling, classes, classifier_activation, width, name)


def ResNet50(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", width=1.0, name="resnet50"):
    """ResNet-50: 3, 4, 6 and 3 bottleneck blocks per stage (a block expands its filters
    fourfold, to 256, 512, 1024 and 2048 maps).

    With the top and 1000 classes it has 25,636,712 weights, the total that
    ``keras.applications.ResNet50(weights=None).summary()`` prints (torchvision, without
    convolution biases and moving statistics, counts 25,557,032). Arguments as
    :func:`ResNet18`.

    Example:
        >>> ResNet50().count_params()
        25636712
    """
    return _resnet("ResNet50", bottleneck_block, (3, 4, 6, 3), include_top, weights,
                   input_shape, pooling, classes, classifier_activation, width, name)


def ResNet101(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", width=1.0, name="resnet101"):
    """ResNet-101: 3, 4, 23 and 3 bottleneck blocks per stage.

    With the top and 1000 classes it has 44,707,176 weights, as
    ``keras.applications.ResNet101(weights=None)`` (torchvision counts 44,549,160).
    Arguments as :func:`ResNet18`.

    Example:
        >>> ResNet101(input_shape=(64, 64, 3), classes=10, width=0.125).output_shape
        (None, 10)
    """
    return _resnet("ResNet101", bottleneck_block, (3, 4, 23, 3), include_top, weights,
                   input_shape, pooling, classes, classifier_activation, width, name)


def ResNet152(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", width=1.0, name="resnet152"):
    """ResNet-152: 3, 8, 36 and 3 bottleneck blocks per stage.

    With the top and 1000 classes it has 60,419,944 weights, as
    ``keras.applications.ResNet152(weights=None)`` (torchvision counts 60,192,808).
    Arguments as :func:`ResNet18`.

    Example:
        >>> ResNet152(include_top=False, input_shape=(64, 64, 3), width=0.125).output_shape
        (None, 2, 2, 256)
    """
    return _resnet("ResNet152", bottleneck_block, (3, 8, 36, 3), include_top, weights,
                   input_shape, pooling, classes, classifier_activation, width, name)
