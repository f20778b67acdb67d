"""VGG16 and VGG19 (Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale
Image Recognition", ICLR 2015): stacks of 3x3 convolutions, configurations D and E."""

from deepbricks.applications._checks import check_rate
from deepbricks.applications._zoo import check_common, finish, pooled, scaled

BLOCKS = {
    "VGG16": (2, 2, 3, 3, 3),
    "VGG19": (2, 2, 4, 4, 4),
}
FILTERS = (64, 128, 256, 512, 512)


def _vgg(builder, include_top, weights, input_shape, pooling, classes, classifier_activation,
         width, dropout, name):
    from deepbricks import Input, layers

    shape, classes, width = check_common(builder, input_shape, (224, 224, 3), 32, include_top,
                                         weights, pooling, classes, width)
    dropout = check_rate(builder, dropout)
    inputs = Input(shape=shape, name="input_layer")
    x = inputs
    for block, (convs, filters) in enumerate(zip(BLOCKS[builder], FILTERS), start=1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(scaled(filters, width), 3, padding="same", activation="relu",
                              name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D(2, strides=2, name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        for fc in ("fc1", "fc2"):
            x = layers.Dense(scaled(4096, width), activation="relu", name=fc)(x)
            if dropout:
                x = layers.Dropout(dropout, name=f"{fc}_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    return finish(inputs, x, weights, name)


def VGG16(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", width=1.0, dropout=0.5, name="vgg16"):
    """VGG16 (configuration D): 13 convolutions 3x3 'same' with ReLU in five blocks, each
    closed by 2x2 max pooling, then three fully connected layers.

    Feature maps on a 224x224x3 image::

        block1  2 x conv  64   224x224x64   pool -> 112x112x64
        block2  2 x conv 128   112x112x128  pool ->  56x56x128
        block3  3 x conv 256    56x56x256   pool ->  28x28x256
        block4  3 x conv 512    28x28x512   pool ->  14x14x512
        block5  3 x conv 512    14x14x512   pool ->   7x7x512
        flatten 25088 -> fc1 4096 -> fc2 4096 -> predictions 1000

    With the top and 1000 classes it has 138,357,544 weights, the total that
    ``keras.applications.VGG16(weights=None).summary()`` prints and the "138 M" of the
    paper's Table 2; 102,764,544 of them are fc1's. The layer names are Keras's, so weights
    move between the two by name. The paper's dropout (0.5 after fc1 and fc2) is included.

    Args:
        include_top: whether to end with the three fully connected layers; without them the
            model returns the block5 feature maps (or their global pooling, see ``pooling``).
        weights: None (random initialisation) or the path of a file written by
            ``save_weights``; no pretrained weights ship with deepbricks.
        input_shape: (height, width, channels), at least 32x32; default (224, 224, 3).
        pooling: with ``include_top=False``: None (the 4-D maps), 'avg' or 'max' (global
            pooling to one vector per image).
        classes: number of classes of the top.
        classifier_activation: activation of the predictions layer (None for logits).
        width: multiplies every filter and unit count (0.125 gives a network that trains
            on 32x32 images in seconds).
        dropout: rate of the dropout after fc1 and fc2; 0 leaves them out.
        name: model name.

    Returns:
        A functional ``Model``.

    Example:
        >>> small = VGG16(input_shape=(32, 32, 3), classes=10, width=0.125)
        >>> small.output_shape
        (None, 10)
    """
    return _vgg("VGG16", include_top, weights, input_shape, pooling, classes,
                classifier_activation, width, dropout, name)


def VGG19(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", width=1.0, dropout=0.5, name="vgg19"):
    """VGG19 (configuration E): VGG16 with a fourth convolution in blocks 3, 4 and 5.

    With the top and 1000 classes it has 143,667,240 weights, the total that
    ``keras.applications.VGG19(weights=None).summary()`` prints (the paper's Table 2 says
    144 M). Arguments as :func:`VGG16`.

    Example:
        >>> VGG19(include_top=False, input_shape=(32, 32, 3), width=0.125).output_shape
        (None, 1, 1, 64)
    """
    return _vgg("VGG19", include_top, weights, input_shape, pooling, classes,
                classifier_activation, width, dropout, name)
