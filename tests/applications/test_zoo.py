"""The model zoo: published parameter counts of the full-size networks, the structure the
papers describe, Keras parity, and, on reduced versions, shapes, one training step that
lowers the loss, and the save/load round trip of every builder."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import applications as A
from deepbricks import backend
from deepbricks import layers as L
from deepbricks.applications.resnet_cifar import shortcut_a
from deepbricks.autograd import Variable
from tests.layers.reference import keras_torch, keras_weights


@pytest.fixture
def shapes_only(monkeypatch):
    """Builds models without allocating or initialising their weights: each weight is a
    read-only zero view of its shape. A parameter count depends only on the shapes, and a
    full-size VGG16 would otherwise spend seconds filling 138 M random numbers."""

    class ShapeOnlyVariable(Variable):
        def __init__(self, value, **kwargs):
            super().__init__(np.zeros((), value.dtype), **kwargs)
            self.data = value

    def zeros_view(identifier):
        return lambda shape, dtype=None: np.broadcast_to(np.zeros((), dtype or "float32"), shape)

    monkeypatch.setattr("deepbricks.layers.layer.Variable", ShapeOnlyVariable)
    monkeypatch.setattr("deepbricks.initializers.get", zeros_view)


def count(model, kind, attribute):
    """Total size of ``attribute`` over the model's layers of class ``kind``."""
    return sum(getattr(la, attribute).size for la in model.layers if isinstance(la, kind))


def extras(model):
    """What Keras-style layers hold besides PyTorch's parameters: convolution biases and
    batch-normalisation moving statistics."""
    biases = sum(la.bias.size for la in model.layers
                 if isinstance(la, L.Conv2D) and la.bias is not None)
    return biases + 2 * count(model, L.BatchNormalization, "moving_mean")


# -- full-size parameter counts -----------------------------------------------------------

# (builder, total with the top for 1000 classes, where the number is published)
PUBLISHED = [
    (A.VGG16, 138_357_544, "keras.applications.VGG16(weights=None).summary()"),
    (A.VGG19, 143_667_240, "keras.applications.VGG19(weights=None).summary()"),
    (A.ResNet50, 25_636_712, "keras.applications.ResNet50(weights=None).summary()"),
    (A.ResNet101, 44_707_176, "keras.applications.ResNet101(weights=None).summary()"),
    (A.ResNet152, 60_419_944, "keras.applications.ResNet152(weights=None).summary()"),
    (A.AlexNet, 62_378_344, "Krizhevsky et al. (2012), the layer sizes on one device"),
]


@pytest.mark.parametrize("builder, total, reference", PUBLISHED,
                         ids=[b.__name__ for b, _, _ in PUBLISHED])
def test_full_size_totals_are_the_published_ones(shapes_only, builder, total, reference):
    assert builder().count_params() == total, reference


# torchvision's parameter counts (no convolution biases, moving statistics as buffers).
TORCHVISION = [(A.ResNet18, 11_689_512), (A.ResNet34, 21_797_672), (A.ResNet50, 25_557_032),
               (A.ResNet101, 44_549_160), (A.ResNet152, 60_192_808)]


@pytest.mark.parametrize("builder, parameters", TORCHVISION,
                         ids=[b.__name__ for b, _ in TORCHVISION])
def test_resnets_hold_torchvisions_parameters_plus_biases_and_moving_statistics(
        shapes_only, builder, parameters):
    model = builder()
    assert model.count_params() - extras(model) == parameters


def test_alexnet_conv1_has_34944_weights_and_grouping_gives_the_papers_60_million(
        shapes_only):
    model = A.AlexNet()
    assert model.get_layer("conv1").count_params() == 96 * 11 * 11 * 3 + 96 == 34_944
    assert model.get_layer("conv1").output_shape == (None, 55, 55, 96)
    assert model.get_layer("pool5").output_shape == (None, 6, 6, 256)
    assert A.AlexNet(grouped=True).count_params() == 60_965_224


def test_alexnet_normalises_then_pools_with_overlapping_windows(shapes_only):
    model = A.AlexNet()
    kinds = [type(la).__name__ for la in model.layers[1:7]]
    assert kinds == ["Conv2D", "LocalResponseNormalization", "MaxPooling2D", "Conv2D",
                     "LocalResponseNormalization", "MaxPooling2D"]
    norm = model.get_layer("norm1")
    assert (norm.depth_radius, norm.bias, norm.alpha, norm.beta) == (2, 2.0, 1e-4, 0.75)
    pools = [la for la in model.layers if isinstance(la, L.MaxPooling2D)]
    assert {(la.pool_size, la.strides) for la in pools} == {((3, 3), (2, 2))}
    assert [la.rate for la in model.layers if isinstance(la, L.Dropout)] == [0.5, 0.5]


def test_vgg16_feature_maps_follow_the_course_table(shapes_only):
    model = A.VGG16()
    maps = {f"block{b}_conv1": shape for b, shape in enumerate(
        [(224, 224, 64), (112, 112, 128), (56, 56, 256), (28, 28, 512), (14, 14, 512)], 1)}
    for name, shape in maps.items():
        assert model.get_layer(name).output_shape == (None, *shape)
    assert model.get_layer("block5_pool").output_shape == (None, 7, 7, 512)
    assert [model.get_layer(n).output_shape[-1] for n in ("flatten", "fc1", "fc2",
                                                          "predictions")] == [25088, 4096,
                                                                              4096, 1000]
    assert model.get_layer("fc1").count_params() == 25088 * 4096 + 4096
    assert count(model, L.Conv2D, "kernel") // 9 * 9 == count(model, L.Conv2D, "kernel")


# Table 1 of Szegedy et al.: output size, then #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5,
# pool proj.
TABLE_1 = {
    "3a": ((28, 28, 256), (64, 96, 128, 16, 32, 32)),
    "3b": ((28, 28, 480), (128, 128, 192, 32, 96, 64)),
    "4a": ((14, 14, 512), (192, 96, 208, 16, 48, 64)),
    "4b": ((14, 14, 512), (160, 112, 224, 24, 64, 64)),
    "4c": ((14, 14, 512), (128, 128, 256, 24, 64, 64)),
    "4d": ((14, 14, 528), (112, 144, 288, 32, 64, 64)),
    "4e": ((14, 14, 832), (256, 160, 320, 32, 128, 128)),
    "5a": ((7, 7, 832), (256, 160, 320, 32, 128, 128)),
    "5b": ((7, 7, 1024), (384, 192, 384, 48, 128, 128)),
}


def test_googlenet_modules_follow_table_1(shapes_only):
    model = A.GoogLeNet(aux_classifiers=False)
    channels = 192
    for block, (output, (n1, r3, n3, r5, n5, proj)) in TABLE_1.items():
        layers = [la for la in model.layers if la.name.startswith(f"inception_{block}_")]
        kernels = sum(la.kernel.size for la in layers if isinstance(la, L.Conv2D))
        assert kernels == channels * (n1 + r3 + r5 + proj) + 9 * r3 * n3 + 25 * r5 * n5
        assert model.get_layer(f"inception_{block}_output").output_shape == (None, *output)
        channels = output[-1]
    assert model.count_params() == 6_998_552
    # Table 1's "params" column sums to 6,797.7 K (K = 1,024, rounded entries).
    assert count(model, L.Conv2D, "kernel") + count(model, L.Dense, "kernel") == pytest.approx(
        6_797.7 * 1024, rel=0.005)


def test_googlenet_has_22_layers_with_weights_on_its_longest_path(shapes_only):
    model = A.GoogLeNet(aux_classifiers=False)
    stem = [la for la in model.layers if isinstance(la, L.Conv2D)
            and not la.name.startswith("inception")]
    assert len(stem) + 2 * len(TABLE_1) + 1 == 22


def test_googlenet_auxiliary_heads_sit_on_4a_and_4d_with_their_loss_weights(shapes_only):
    model = A.GoogLeNet()
    assert model.output_shape == [(None, 1000)] * 3
    assert model._output_names() == list(A.GOOGLENET_LOSS_WEIGHTS)
    assert A.GOOGLENET_LOSS_WEIGHTS == {"predictions": 1.0, "aux1_predictions": 0.3,
                                        "aux2_predictions": 0.3}
    assert model.get_layer("aux1_avg_pool").input.node.layer.name == "inception_4a_output"
    assert model.get_layer("aux2_avg_pool").input.node.layer.name == "inception_4d_output"
    assert model.get_layer("aux1_avg_pool").output_shape == (None, 4, 4, 512)
    assert model.get_layer("aux1_dropout").rate == 0.7
    heads = [sum(la.count_params() for la in model.layers if la.name.startswith(aux))
             for aux in ("aux1", "aux2")]
    assert heads == [3_188_840, 3_190_888]
    assert model.count_params() == 6_998_552 + sum(heads)


def test_network_in_network_has_0_97_million_weights_and_no_dense_layer(shapes_only):
    model = A.NetworkInNetwork()
    assert model.count_params() == 966_986
    assert not any(isinstance(la, L.Dense) for la in model.layers)
    assert model.get_layer("class_maps").output_shape == (None, 8, 8, 10)


# Trainable weights of the CIFAR networks; He et al. (2016), Table 6 rounds them to 0.27 M,
# 0.46 M and 0.85 M.
CIFAR = [(A.ResNet20, A.PlainNet20, 269_722), (A.ResNet32, A.PlainNet32, 464_154),
         (A.ResNet56, A.PlainNet56, 853_018)]


@pytest.mark.parametrize("resnet, plain, trainable", CIFAR,
                         ids=[r.__name__ for r, _, _ in CIFAR])
def test_cifar_resnets_and_their_plain_twins_have_the_papers_weights(resnet, plain, trainable):
    residual, twin = resnet(), plain()
    for model in (residual, twin):
        assert sum(w.size for w in model.trainable_weights) == trainable
    assert [w.shape for w in residual.weights] == [w.shape for w in twin.weights]
    assert not any(isinstance(la, L.Add) for la in twin.layers)
    depth = int(resnet.__name__[len("ResNet"):])
    assert len([la for la in residual.layers if isinstance(la, L.Add)]) == (depth - 2) // 2
    assert count(residual, L.Conv2D, "kernel") > 0 and all(
        la.bias is None for la in residual.layers if isinstance(la, L.Conv2D))
    assert residual.get_layer("conv4_block1_1_conv").output_shape == (None, 8, 8, 64)


def test_shape_only_builds_count_what_real_builds_count(shapes_only, monkeypatch):
    fake = A.ResNet18(input_shape=(32, 32, 3), width=0.25)
    monkeypatch.undo()
    real = A.ResNet18(input_shape=(32, 32, 3), width=0.25)
    assert fake.count_params() == real.count_params()
    assert [w.shape for w in fake.weights] == [w.shape for w in real.weights]


# -- Keras parity ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["VGG16", "ResNet50"])
def test_same_function_as_keras_with_keras_weights(name):
    keras = keras_torch()
    theirs = getattr(keras.applications, name)(weights=None, include_top=False,
                                               input_shape=(32, 32, 3))
    ours = getattr(A, name)(include_top=False, input_shape=(32, 32, 3))
    rng = np.random.default_rng(0)
    for layer in theirs.layers:
        if layer.weights:
            values = keras_weights(layer)
            if isinstance(layer, keras.layers.BatchNormalization):
                # Moving statistics away from their initial 0 and 1, so that they matter.
                values[2:] = [rng.normal(0, 0.1, v.shape).astype(np.float32)
                              for v in values[2:]]
                values[3] = 1.0 + np.abs(values[3])
                layer.set_weights(values)
            ours.get_layer(layer.name).set_weights(values)
    assert ours.count_params() == theirs.count_params()
    x = rng.uniform(0, 1, (2, 32, 32, 3)).astype(np.float32)
    want = theirs(x, training=False).detach().numpy()
    got = ours.predict(x, verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


# -- reduced versions: shapes, one training step, save/load -----------------------------------

REDUCED = {
    "AlexNet": (lambda **kw: A.AlexNet(width=1 / 16, **kw), (67, 67, 3)),
    "VGG16": (lambda **kw: A.VGG16(width=1 / 16, **kw), (32, 32, 3)),
    "VGG19": (lambda **kw: A.VGG19(width=1 / 16, **kw), (32, 32, 3)),
    "GoogLeNet": (lambda **kw: A.GoogLeNet(width=1 / 16, **kw), (65, 65, 3)),
    "ResNet18": (lambda **kw: A.ResNet18(width=1 / 16, **kw), (32, 32, 3)),
    "ResNet34": (lambda **kw: A.ResNet34(width=1 / 16, **kw), (32, 32, 3)),
    "ResNet50": (lambda **kw: A.ResNet50(width=1 / 16, **kw), (32, 32, 3)),
    "ResNet101": (lambda **kw: A.ResNet101(width=1 / 16, **kw), (32, 32, 3)),
    "ResNet152": (lambda **kw: A.ResNet152(width=1 / 16, **kw), (32, 32, 3)),
    "ResNet20": (lambda **kw: A.ResNet20(width=0.25, **kw), (16, 16, 3)),
    "ResNet32": (lambda **kw: A.ResNet32(width=0.25, **kw), (16, 16, 3)),
    "ResNet56": (lambda **kw: A.ResNet56(width=0.25, **kw), (16, 16, 3)),
    "PlainNet20": (lambda **kw: A.PlainNet20(width=0.25, **kw), (16, 16, 3)),
    "PlainNet32": (lambda **kw: A.PlainNet32(width=0.25, **kw), (16, 16, 3)),
    "PlainNet56": (lambda **kw: A.PlainNet56(width=0.25, **kw), (16, 16, 3)),
    "NetworkInNetwork": (lambda **kw: A.NetworkInNetwork(width=1 / 16, **kw), (16, 16, 3)),
}
CLASSES = 3


def reduced(name, **kwargs):
    build, shape = REDUCED[name]
    return build(input_shape=shape, classes=CLASSES, **kwargs), shape


def batch(shape, n=4):
    x = np.random.default_rng(0).uniform(0, 1, (n, *shape)).astype(np.float32)
    return x, np.arange(n) % CLASSES


def targets(model, y):
    return [y] * len(model.outputs) if len(model.outputs) > 1 else y


def total(loss):
    return loss[0] if isinstance(loss, list) else loss


@pytest.mark.parametrize("name", REDUCED)
def test_reduced_model_shapes_with_and_without_top(name):
    model, shape = reduced(name)
    outputs = model.predict(batch(shape)[0], verbose=0)
    for out in outputs if isinstance(outputs, list) else [outputs]:
        assert out.shape == (4, CLASSES) and out.dtype == np.float32
        np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
    features = reduced(name, include_top=False)[0]
    assert len(features.output_shape) == 4 and features.output_shape[0] is None
    for pooling in ("avg", "max"):
        pooled = reduced(name, include_top=False, pooling=pooling)[0]
        assert pooled.output_shape == (None, features.output_shape[-1])


@pytest.mark.parametrize("name", REDUCED)
def test_one_training_step_lowers_the_loss_on_a_small_batch(name):
    # At initialisation the deep batch-normalised nets are chaotic on a tiny batch (Keras's
    # ResNet50 shows the same gradient norms of 1e5), so a step of any fixed learning rate
    # may overshoot. The step is therefore short, its length clipped to 1e-6, and taken in
    # float64, where the first-order decrease it must bring is resolved.
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        model, shape = reduced(name)
    finally:
        backend.set_floatx(previous)
    assert {w.dtype for w in model.weights} == {np.dtype("float64")}
    x, y = batch(shape)
    model.compile(optimizer=db.optimizers.SGD(learning_rate=1.0, global_clipnorm=1e-6),
                  loss="sparse_categorical_crossentropy")
    # The same seed gives the same dropout masks, so both losses are of one objective:
    # the second call reports the loss after the first call's update.
    db.utils.set_random_seed(1)
    before = total(model.train_on_batch(x, targets(model, y)))
    db.utils.set_random_seed(1)
    after = total(model.train_on_batch(x, targets(model, y)))
    assert np.isfinite(before) and after < before


@pytest.mark.parametrize("name", REDUCED)
def test_save_and_load_round_trip(name, tmp_path):
    model, shape = reduced(name)
    x, y = batch(shape)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.train_on_batch(x, targets(model, y))
    model.save(tmp_path / "model.keras")
    loaded = db.load_model(tmp_path / "model.keras")
    assert loaded.get_config() == model.get_config()
    for mine, theirs in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    # Training mode normalises with batch statistics, which keeps the untrained deep nets
    # finite; the same seed draws the same dropout masks.
    outputs = []
    for m in (model, loaded):
        db.utils.set_random_seed(2)
        outputs.append([t.numpy() for t in db.layers.symbolic.flatten(m(x, training=True))])
    for mine, theirs in zip(*outputs, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert total(loaded.train_on_batch(x, targets(loaded, y))) > 0


def test_weights_argument_loads_a_saved_weights_file(tmp_path):
    model, shape = reduced("ResNet20")
    model.save_weights(tmp_path / "resnet20.weights")
    again, _ = reduced("ResNet20", weights=str(tmp_path / "resnet20.weights"))
    for mine, theirs in zip(model.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_residual_and_plain_twins_share_weights():
    resnet, shape = reduced("ResNet20")
    plain, _ = reduced("PlainNet20")
    plain.set_weights(resnet.get_weights())
    x, _ = batch(shape)
    assert not np.allclose(resnet.predict(x, verbose=0), plain.predict(x, verbose=0))


def test_option_a_shortcut_subsamples_and_zero_pads_channels():
    x = db.Tensor(np.arange(2 * 4 * 4 * 2, dtype=np.float32).reshape(2, 4, 4, 2),
                  requires_grad=True)
    y = shortcut_a(x, 6)
    assert y.shape == (2, 2, 2, 6)
    np.testing.assert_array_equal(y.numpy()[..., 2:4], x.numpy()[:, ::2, ::2, :])
    np.testing.assert_array_equal(y.numpy()[..., [0, 1, 4, 5]], 0.0)
    y.sum().backward()
    expected = np.zeros((2, 4, 4, 2), np.float32)
    expected[:, ::2, ::2, :] = 1.0
    np.testing.assert_array_equal(x.grad, expected)


@pytest.mark.parametrize("name, unit, shortcut", [
    ("ResNet20", "conv3_block1", "conv3_block1_0_shortcut"),
    ("ResNet18", "conv3_block1", "conv3_block1_0_conv"),
])
def test_downsampling_convolution_is_centred_on_the_pixels_the_shortcut_keeps(
        name, unit, shortcut):
    model, _ = reduced(name, include_top=False)
    pad, conv = model.get_layer(f"{unit}_1_pad"), model.get_layer(f"{unit}_1_conv")
    channels = conv.kernel.shape[2]
    centre = np.zeros(conv.kernel.shape, np.float32)
    centre[1, 1, np.arange(channels), np.arange(channels)] = 1.0
    conv.kernel.assign(centre)
    if conv.bias is not None:
        conv.bias.assign(np.zeros_like(conv.bias.numpy()))
    x = np.random.default_rng(3).standard_normal((1, 8, 8, channels)).astype(np.float32)
    kept = conv(pad(x)).numpy()[..., :channels]
    np.testing.assert_array_equal(kept, x[:, ::2, ::2, :])
    assert model.get_layer(shortcut).output_shape == conv.output_shape


# -- errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: A.VGG16(weights="imagenet"),
     r"VGG16: deepbricks ships no pretrained weights.*weights=None"),
    (lambda: A.ResNet50(weights="missing.weights.h5"),
     r"ResNet50: `weights` must be None or the path of an existing weights file"),
    (lambda: A.AlexNet(pooling="sum"), r"AlexNet: `pooling` must be None, 'avg' or 'max'"),
    (lambda: A.ResNet18(width=0), r"ResNet18: `width` must be a positive number.*width=0"),
    (lambda: A.VGG19(include_top="yes"), r"VGG19: `include_top` must be True or False"),
    (lambda: A.VGG16(input_shape=(16, 16, 3)),
     r"VGG16: `input_shape` must be \(height, width, channels\) with height and width >= 32"),
    (lambda: A.AlexNet(input_shape=(64, 64, 3)), r"height and width >= 67"),
    (lambda: A.GoogLeNet(input_shape=(32, 32, 3)),
     r"GoogLeNet: the auxiliary classifiers need inputs of at least 65x65 .* Pass "
     r"aux_classifiers=False for smaller images"),
    (lambda: A.CifarResNet(depth=21), r"CifarResNet: `depth` must be 6n \+ 2.*depth=21"),
    (lambda: A.NetworkInNetwork(classes=1), r"NetworkInNetwork: `classes` must be an int >= 2"),
    (lambda: A.ResNet20(input_shape=(32, 32)),
     r"CifarResNet: `input_shape` must be \(height, width, channels\)"),
])
def test_bad_arguments_raise_a_message_naming_the_builder(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_googlenet_without_aux_heads_takes_small_images():
    model = A.GoogLeNet(input_shape=(32, 32, 3), classes=10, width=1 / 16,
                        aux_classifiers=False)
    assert model.output_shape == (None, 10)
    assert A.InceptionV1 is A.GoogLeNet


@pytest.mark.parametrize("module", ["alexnet", "vgg", "googlenet", "resnet", "resnet_cifar",
                                    "nin"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    found = doctest.testmod(importlib.import_module(f"deepbricks.applications.{module}"),
                            raise_on_error=True)
    assert found.attempted > 0
