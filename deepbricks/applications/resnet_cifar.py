"""The CIFAR-10 ResNets of He et al. (2016), section 4.2, and their plain twins.

The paper's experiment: stacks of 3x3 convolutions with 6n + 2 layers, trained with and
without shortcuts. Without them (plain nets) the deeper network trains to a *higher*
training error (the degradation problem); with them depth helps. The shortcuts are the
paper's option A, parameter-free (identity, subsampled and zero-padded where the shape
changes), so a ResNet and its plain twin have exactly the same weights.
"""

import numbers

from deepbricks import ops
from deepbricks.applications._zoo import check_common, finish, pooled, scaled

BN_EPSILON = 1e-3
STAGE_FILTERS = (16, 32, 64)


def shortcut_a(x, channels):
    """The option-A shortcut where a stage halves the maps and doubles the channels:
    y = x[:, ::2, ::2, :] with zero channels added equally on both sides up to ``channels``.

    Args:
        x: images (N, H, W, C) with C <= ``channels``.
        channels: the channel count of the residual branch the result is added to.

    Returns:
        A Tensor (N, ceil(H/2), ceil(W/2), channels).

    Example:
        >>> import numpy as np
        >>> shortcut_a(np.ones((1, 4, 4, 2), 'float32'), 4).shape
        (1, 2, 2, 4)
    """
    x = ops.getitem(x, (slice(None), slice(None, None, 2), slice(None, None, 2)))
    extra = channels - x.shape[-1]
    return ops.pad(x, ((0, 0), (0, 0), (0, 0), (extra // 2, extra - extra // 2)))


def residual_unit(x, filters, stride, shortcut, name):
    """Two 3x3 convolutions with batch normalisation, then y = relu(F(x) + x):

        F(x) = BN(conv(relu(BN(conv(x)))))

    With ``shortcut=False`` the addition is left out, y = relu(F(x)): the plain twin.
    A stride-2 unit pads one cell on each side before its first convolution, so the
    convolution is centred on the same pixels the shortcut keeps.
    """
    from deepbricks import layers

    if stride != 1:
        residual = layers.ZeroPadding2D(1, name=f"{name}_1_pad")(x)
        residual = layers.Conv2D(filters, 3, strides=stride, use_bias=False,
                                 name=f"{name}_1_conv")(residual)
    else:
        residual = layers.Conv2D(filters, 3, padding="same", use_bias=False,
                                 name=f"{name}_1_conv")(x)
    residual = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_1_bn")(residual)
    residual = layers.Activation("relu", name=f"{name}_1_relu")(residual)
    residual = layers.Conv2D(filters, 3, padding="same", use_bias=False,
                             name=f"{name}_2_conv")(residual)
    residual = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_2_bn")(residual)
    if shortcut:
        if stride != 1 or x.shape[-1] != filters:
            height, width = (None if n is None else (n + 1) // 2 for n in x.shape[1:3])
            x = layers.Lambda(shortcut_a, output_shape=(height, width, filters),
                              arguments={"channels": filters}, name=f"{name}_0_shortcut")(x)
        residual = layers.Add(name=f"{name}_add")([x, residual])
    return layers.Activation("relu", name=f"{name}_out")(residual)


def CifarResNet(depth=20, shortcut=True, include_top=True, weights=None, input_shape=None,
                pooling=None, classes=10, classifier_activation="softmax", width=1.0,
                name=None):
    """A CIFAR ResNet of ``depth`` = 6n + 2 layers (He et al., 2016, section 4.2).

    conv 3x3 (16) -> n residual units of 16 filters on 32x32 maps -> n units of 32 on
    16x16 -> n units of 64 on 8x8 (each unit two 3x3 convolutions; the first unit of the
    last two stages has stride 2) -> global average pooling -> dense ``classes``. That is
    6n + 1 convolutions and one dense layer. The convolutions have no bias (batch
    normalisation follows each one).

    Trainable weights for 10 classes (the paper's Table 6 rounds them to 0.27 M, 0.46 M,
    0.85 M and 1.7 M): ResNet-20 269,722; ResNet-32 464,154; ResNet-56 853,018;
    ResNet-110 1,727,962. The batch-normalisation moving statistics add two numbers per
    channel that ``count_params`` includes (1,376 for ResNet-20).

    Args:
        depth: 6n + 2 for a positive n: 20, 32, 44, 56, 110, ... (the depth multiplier).
        shortcut: True for the ResNet, False for its plain twin (same weights, no additions).
        include_top: whether to end with global average pooling and the predictions layer.
        weights: None (random initialisation) or the path of a file written by
            ``save_weights``.
        input_shape: (height, width, channels); default (32, 32, 3).
        pooling: with ``include_top=False``: None, 'avg' or 'max'.
        classes: number of classes of the top.
        classifier_activation: activation of the predictions layer (None for logits).
        width: multiplies the filter counts 16, 32 and 64.
        name: model name; default 'resnet{depth}' or 'plain{depth}'.

    Returns:
        A functional ``Model``.

    Example:
        >>> CifarResNet(depth=20).count_params() - 1376   # without the moving statistics
        269722
    """
    from deepbricks import Input, layers

    builder = "CifarResNet"
    if not isinstance(depth, numbers.Integral) or isinstance(depth, bool) or depth < 8 or (
            depth - 2) % 6:
        raise ValueError(f"{builder}: `depth` must be 6n + 2 for a positive integer n (20, 32, "
                         f"44, 56, 110, ...). Received: depth={depth!r}")
    if not isinstance(shortcut, bool):
        raise ValueError(f"{builder}: `shortcut` must be True (ResNet) or False (plain net). "
                         f"Received: shortcut={shortcut!r}")
    shape, classes, width = check_common(builder, input_shape, (32, 32, 3), 1, include_top,
                                         weights, pooling, classes, width)
    units = (depth - 2) // 6
    inputs = Input(shape=shape, name="input_layer")
    x = layers.Conv2D(scaled(16, width), 3, padding="same", use_bias=False,
                      name="conv1_conv")(inputs)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    for stage, filters in enumerate(STAGE_FILTERS, start=2):
        for i in range(1, units + 1):
            stride = 2 if i == 1 and stage > 2 else 1
            x = residual_unit(x, scaled(filters, width), stride, shortcut,
                              f"conv{stage}_block{i}")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    default = f"{'resnet' if shortcut else 'plain'}{depth}"
    return finish(inputs, x, weights, name or default)


def _twin(depth, shortcut):
    kind = "ResNet" if shortcut else "PlainNet"
    twin = "PlainNet" if shortcut else "ResNet"

    def builder(include_top=True, weights=None, input_shape=None, pooling=None, classes=10,
                classifier_activation="softmax", width=1.0, name=None):
        return CifarResNet(depth, shortcut, include_top, weights, input_shape, pooling,
                           classes, classifier_activation, width, name)

    builder.__name__ = builder.__qualname__ = f"{kind}{depth}"
    builder.__doc__ = f"""The CIFAR {'ResNet' if shortcut else 'plain net'} of {depth} layers:
    ``CifarResNet(depth={depth}, shortcut={shortcut})``; {twin}{depth} is its twin
    {'without' if shortcut else 'with'} shortcuts. Arguments as :func:`CifarResNet`.

    Example:
        >>> {kind}{depth}(input_shape=(16, 16, 3), width=0.25).output_shape
        (None, 10)
    """
    return builder


ResNet20, ResNet32, ResNet56 = (_twin(depth, True) for depth in (20, 32, 56))
PlainNet20, PlainNet32, PlainNet56 = (_twin(depth, False) for depth in (20, 32, 56))
