"""Batch and layer normalisation: forward vs NumPy, float64 gradients vs finite differences,
PyTorch and Keras parity, the batch statistics, dtypes and error messages."""

import os

import numpy as np
import pytest

import deepbricks as db
from deepbricks.ops import batch_norm, batch_norm_inference, layer_norm
from tests.ops.cases import Case, check_forward, check_gradient, check_torch

EPS = 1e-3


def _broadcast(p, shape, axes):
    return p.reshape([n if i in axes else 1 for i, n in enumerate(shape)])


def _affine(y, gamma, beta, axes):
    if gamma is not None:
        y = y * _broadcast(gamma, y.shape, axes)
    if beta is not None:
        y = y + _broadcast(beta, y.shape, axes)
    return y


def bn_ref(axis):
    """(x - mean) / sqrt(var + eps) * gamma + beta, biased statistics over all but ``axis``."""
    def ref(x, gamma=None, beta=None):
        channel = (axis % x.ndim,)
        axes = tuple(a for a in range(x.ndim) if a not in channel)
        y = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + EPS)
        return _affine(y, gamma, beta, channel)
    return ref


def ln_ref(axis):
    """The same with the statistics over ``axis``, gamma and beta laid along ``axis``."""
    def ref(x, gamma=None, beta=None):
        axes = tuple(a % x.ndim for a in (axis if isinstance(axis, tuple) else (axis,)))
        y = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + EPS)
        return _affine(y, gamma, beta, axes)
    return ref


def bn_inference_ref(axis):
    def ref(x, mean, var, gamma=None, beta=None):
        channel = (axis % x.ndim,)
        y = (x - _broadcast(mean, x.shape, channel)) / np.sqrt(
            _broadcast(var, x.shape, channel) + EPS)
        return _affine(y, gamma, beta, channel)
    return ref


def scale(*shape):
    """Positive draws: gamma, or a variance."""
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def offset(*shape):
    """Standard normal draws: beta, or a mean."""
    return lambda rng: rng.standard_normal(shape)


def data(x_shape, *params):
    """x ~ N(1.5, 2^2) (off-centre, so the mean matters), then one array per param draw."""
    return lambda rng: [1.5 + 2.0 * rng.standard_normal(x_shape)] + [p(rng) for p in params]


def torch_bn(channel_axis):
    """PyTorch batch_norm in training mode, its channel axis moved to 1 and back."""
    def run(t, x, gamma=None, beta=None):
        moved = x.movedim(channel_axis, 1)
        y = t.nn.functional.batch_norm(moved, None, None, gamma, beta, training=True, eps=EPS)
        return y.movedim(1, channel_axis)
    return run


def torch_bn_inference(channel_axis):
    def run(t, x, mean, var, gamma=None, beta=None):
        moved = x.movedim(channel_axis, -1)
        y = (moved - mean) / t.sqrt(var + EPS)
        if gamma is not None:
            y = y * gamma
        if beta is not None:
            y = y + beta
        return y.movedim(-1, channel_axis)
    return run


def torch_ln(axes, ndim):
    """PyTorch layer_norm normalises trailing axes: move ``axes`` to the end and back."""
    def run(t, x, gamma=None, beta=None):
        rest = [a for a in range(ndim) if a not in axes]
        order = rest + list(axes)
        moved = x.permute(order)
        shape = moved.shape[len(rest):]
        y = t.nn.functional.layer_norm(moved, shape, gamma, beta, eps=EPS)
        return y.permute(list(np.argsort(order)))
    return run


CASES = [
    Case("batch_norm_2d", lambda x, g, b: batch_norm(x, g, b)[0],
         data((8, 5), scale(5), offset(5)), bn_ref(-1), torch_bn(1)),
    Case("batch_norm_nhwc", lambda x, g, b: batch_norm(x, g, b)[0],
         data((4, 3, 3, 5), scale(5), offset(5)), bn_ref(-1), torch_bn(3)),
    Case("batch_norm_channels_first", lambda x, g, b: batch_norm(x, g, b, axis=1)[0],
         data((4, 3, 2, 2), scale(3), offset(3)), bn_ref(1), torch_bn(1)),
    Case("batch_norm_no_scale_no_center", lambda x: batch_norm(x)[0],
         data((6, 4)), bn_ref(-1), torch_bn(1)),
    Case("batch_norm_scale_only", lambda x, g: batch_norm(x, g)[0],
         data((6, 4), scale(4)), bn_ref(-1), torch_bn(1)),
    Case("batch_norm_center_only", lambda x, b: batch_norm(x, beta=b)[0],
         data((6, 4), offset(4)), lambda x, b: bn_ref(-1)(x, beta=b),
         lambda t, x, b: torch_bn(1)(t, x, beta=b)),
    Case("batch_norm_inference", batch_norm_inference,
         data((6, 4), offset(4), scale(4), scale(4), offset(4)), bn_inference_ref(-1),
         torch_bn_inference(1)),
    Case("batch_norm_inference_nhwc_no_params", batch_norm_inference,
         data((2, 3, 3, 4), offset(4), scale(4)), bn_inference_ref(-1),
         torch_bn_inference(3)),
    Case("batch_norm_inference_channels_first",
         lambda x, m, v, g, b: batch_norm_inference(x, m, v, g, b, axis=1),
         data((3, 4, 2), offset(4), scale(4), scale(4), offset(4)), bn_inference_ref(1),
         torch_bn_inference(1)),
    Case("layer_norm_last_axis", layer_norm, data((4, 6), scale(6), offset(6)), ln_ref(-1),
         torch_ln((1,), 2)),
    Case("layer_norm_two_axes", lambda x, g, b: layer_norm(x, g, b, axis=(-2, -1)),
         data((3, 4, 5), scale(4, 5), offset(4, 5)), ln_ref((-2, -1)), torch_ln((1, 2), 3)),
    Case("layer_norm_middle_axis", lambda x, g, b: layer_norm(x, g, b, axis=1),
         data((3, 4, 5), scale(4), offset(4)), ln_ref(1), torch_ln((1,), 3)),
    Case("layer_norm_outer_axes", lambda x, g, b: layer_norm(x, g, b, axis=(0, 2)),
         data((3, 4, 5), scale(3, 5), offset(3, 5)), ln_ref((0, 2)), torch_ln((0, 2), 3)),
    Case("layer_norm_no_params", layer_norm, data((5, 7)), ln_ref(-1), torch_ln((1,), 2)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_forward_matches_numpy(case):
    check_forward(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_matches_finite_differences(case):
    check_gradient(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_pytorch(case):
    check_torch(case)


def test_batch_norm_returns_the_biased_batch_statistics_as_arrays():
    x = np.random.default_rng(0).standard_normal((4, 3, 3, 5))
    _, mean, var = batch_norm(db.Tensor(x, requires_grad=True))
    assert type(mean) is np.ndarray and type(var) is np.ndarray
    np.testing.assert_allclose(mean, x.mean(axis=(0, 1, 2)), rtol=1e-12)
    np.testing.assert_allclose(var, x.var(axis=(0, 1, 2)), rtol=1e-12)


def test_batch_norm_inference_with_the_batch_statistics_equals_training_mode():
    rng = np.random.default_rng(1)
    x, gamma, beta = rng.standard_normal((6, 2, 3)), rng.uniform(1, 2, 3), rng.standard_normal(3)
    y, mean, var = batch_norm(x, gamma, beta)
    np.testing.assert_allclose(batch_norm_inference(x, mean, var, gamma, beta).numpy(),
                               y.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("op", ["batch_norm", "batch_norm_inference", "layer_norm"])
def test_float32_stays_float32_in_values_statistics_and_gradients(op):
    rng = np.random.default_rng(2)
    x = db.Tensor(rng.standard_normal((8, 3)).astype("float32"), requires_grad=True)
    gamma = db.Variable(np.ones(3, "float32"))
    beta = db.Variable(np.zeros(3, "float32"))
    if op == "batch_norm":
        y, mean, var = batch_norm(x, gamma, beta)
        assert mean.dtype == var.dtype == np.float32
    elif op == "batch_norm_inference":
        stats = (np.full(3, 0.5, "float32"), np.full(3, 2.0, "float32"))
        y = batch_norm_inference(x, *stats, gamma, beta)
    else:
        y = layer_norm(x, gamma, beta)
    y.backward(np.ones(y.shape, "float32"))
    assert y.dtype == x.grad.dtype == gamma.grad.dtype == beta.grad.dtype == np.float32


def test_a_constant_channel_normalises_to_beta_with_finite_gradients():
    x = db.Tensor(np.full((5, 2), 1000.0), requires_grad=True)
    beta = db.Tensor(np.array([0.5, -0.5]), requires_grad=True)
    y, _, var = batch_norm(x, beta=beta)
    y.backward(np.arange(10.0).reshape(5, 2))
    np.testing.assert_array_equal(var, [0.0, 0.0])
    np.testing.assert_allclose(y.numpy(), np.tile([0.5, -0.5], (5, 1)))
    assert np.isfinite(x.grad).all()
    np.testing.assert_allclose(beta.grad, [20.0, 25.0])


def keras_torch():
    """Keras on its PyTorch backend, whose tensors expose ``.detach().numpy()``."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras", reason="Keras is an optional reference")
    if keras.backend.backend() != "torch":
        pytest.skip("the Keras reference runs on the torch backend")
    return keras


def test_batch_norm_matches_keras_in_training_including_the_moving_statistics():
    keras = keras_torch()
    x = np.random.default_rng(3).normal(2.0, 3.0, (16, 4, 4, 3)).astype("float32")
    layer = keras.layers.BatchNormalization()
    want = layer(x, training=True).detach().numpy()
    y, mean, var = batch_norm(x)
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-4, atol=1e-4)
    momentum = 0.99
    moving_mean, moving_var = (w.value.detach().numpy() for w in layer.weights[2:])
    np.testing.assert_allclose(0.0 * momentum + mean * (1 - momentum), moving_mean, rtol=1e-4)
    np.testing.assert_allclose(1.0 * momentum + var * (1 - momentum), moving_var, rtol=1e-4)


def test_layer_norm_matches_keras_layer_normalization():
    keras = keras_torch()
    x = np.random.default_rng(4).normal(0.0, 0.05, (4, 5, 6)).astype("float32")
    want = keras.layers.LayerNormalization(axis=(1, 2))(x).detach().numpy()
    np.testing.assert_allclose(layer_norm(x, axis=(1, 2)).numpy(), want, rtol=1e-4, atol=1e-4)


def test_python_lists_are_accepted_as_float32_tensors():
    y, mean, _ = batch_norm([[1.0, 2.0], [3.0, 6.0]], gamma=[1.0, 1.0])
    assert y.dtype == mean.dtype == np.float32
    assert layer_norm([[1.0, 3.0]]).dtype == np.float32
    assert batch_norm_inference([[1.0]], [0.0], [1.0]).dtype == np.float32


@pytest.mark.parametrize("call, error, message", [
    (lambda: batch_norm(np.zeros((4, 3)), axis=2), ValueError,
     r"batch_norm: axis 2 is out of range for an input of shape \(4, 3\) \(rank 2\); "
     r"use an axis in \[-2, 1\]"),
    (lambda: batch_norm(np.zeros((4, 3)), axis=(0, 1)), TypeError,
     r"batch_norm: axis must be a single int, the channel axis .* Received: axis=\(0, 1\)"),
    (lambda: batch_norm(np.zeros((4, 3)), gamma=np.ones(4)), ValueError,
     r"batch_norm: gamma has shape \(4,\), expected \(3,\) \(the size of axis 1 of the input "
     r"of shape \(4, 3\)\)\. Create it with shape \(3,\)"),
    (lambda: batch_norm(np.zeros((4, 3), "int64")), TypeError,
     r"batch_norm expects a floating-point input; received dtype int64\. Cast it first"),
    (lambda: batch_norm_inference(np.zeros((4, 3)), np.zeros(3), np.ones((3, 1))), ValueError,
     r"batch_norm_inference: variance has shape \(3, 1\), expected \(3,\)"),
    (lambda: layer_norm(np.zeros((4, 3)), axis=(1, -1)), ValueError,
     r"layer_norm: axis lists the same axis twice\. Received: axis=\(1, -1\)"),
    (lambda: layer_norm(np.zeros((3, 4, 5)), beta=np.zeros(5), axis=(1, 2)), ValueError,
     r"layer_norm: beta has shape \(5,\), expected \(4, 5\) \(the size of axis \(1, 2\)"),
    (lambda: layer_norm(np.zeros((3, 4)), axis=1.0), TypeError,
     r"layer_norm: axis must be an int or a tuple of ints\. Received: axis=1\.0"),
])
def test_bad_arguments_raise_messages_naming_the_op_and_the_fix(call, error, message):
    with pytest.raises(error, match=message):
        call()
