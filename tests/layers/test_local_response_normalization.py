"""LocalResponseNormalization: TensorFlow's formula checked against a direct NumPy loop over
the depth window, float64 gradients against finite differences, PyTorch's
local_response_norm (whose alpha is divided by the window size), stability and errors."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import backend
from deepbricks import layers as L
from deepbricks.autograd.gradcheck import gradcheck
from tests.layers.reference import Row, check_config, check_float64, check_symbolic

ALEXNET = dict(depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75)

ROWS = [
    Row("defaults", lambda: L.LocalResponseNormalization(), None, (2, 3, 3, 12)),
    Row("alexnet_constants", lambda: L.LocalResponseNormalization(**ALEXNET), None,
        (2, 4, 4, 8), inputs=lambda rng: [rng.normal(0.0, 30.0, (2, 4, 4, 8))]),
    Row("radius_0_is_pointwise", lambda: L.LocalResponseNormalization(0, 1.0, 0.5, 1.0),
        None, (3, 5)),
    Row("window_wider_than_channels", lambda: L.LocalResponseNormalization(4, 0.5, 2.0, 0.3),
        None, (2, 2, 3)),
]


def reference(x, depth_radius, bias, alpha, beta):
    """y[..., c] = x[..., c] / (bias + alpha * sum of x**2 over channels c-r..c+r)**beta."""
    channels = x.shape[-1]
    out = np.empty_like(x)
    for c in range(channels):
        window = x[..., max(0, c - depth_radius):min(channels, c + depth_radius + 1)]
        out[..., c] = x[..., c] / (bias + alpha * (window**2).sum(-1)) ** beta
    return out


def settings(layer):
    return layer.depth_radius, layer.bias, layer.alpha, layer.beta


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_matches_the_depth_window_loop(row):
    layer = row.ours()
    x = row.inputs(np.random.default_rng(0))[0] if row.inputs else (
        np.random.default_rng(0).standard_normal(row.shapes))
    got = layer(x.astype(np.float32))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), reference(x, *settings(layer)), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_float64_gradient_matches_finite_differences(row):
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        layer = row.ours()
    finally:
        backend.set_floatx(previous)
    x = np.random.default_rng(1).standard_normal(row.shapes)
    assert gradcheck(layer, [x])


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_config_round_trip(row):
    check_config(row)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_symbolic_output_shape(row):
    check_symbolic(row)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_float64_is_kept(row):
    check_float64(row)


def test_matches_pytorch_with_alpha_times_the_window_size():
    torch = pytest.importorskip("torch", reason="PyTorch is an optional reference")
    x = np.random.default_rng(2).normal(0.0, 10.0, (2, 5, 5, 16)).astype(np.float32)
    x_ours = db.Tensor(x, requires_grad=True)
    y = L.LocalResponseNormalization(**ALEXNET)(x_ours)
    x_torch = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    # PyTorch (like Caffe) divides alpha by the window size n = 2r + 1.
    y_torch = torch.nn.functional.local_response_norm(x_torch, size=5, alpha=5e-4, beta=0.75,
                                                      k=2.0)
    np.testing.assert_allclose(y.numpy(), y_torch.detach().numpy().transpose(0, 2, 3, 1),
                               rtol=1e-5, atol=1e-6)
    upstream = np.random.default_rng(3).standard_normal(x.shape).astype(np.float32)
    y.backward(upstream)
    y_torch.backward(torch.tensor(upstream.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(x_ours.grad, x_torch.grad.numpy().transpose(0, 2, 3, 1),
                               rtol=1e-4, atol=1e-6)


def test_stays_finite_at_extreme_inputs():
    x = np.array([[1000.0, -1000.0, 0.0, 1e-30]], np.float32)
    x_t = db.Tensor(x, requires_grad=True)
    y = L.LocalResponseNormalization(1, bias=1.0, alpha=1.0, beta=0.75)(x_t)
    y.sum().backward()
    assert np.isfinite(y.numpy()).all() and np.isfinite(x_t.grad).all()
    # The large entries suppress each other: |y| = 1000 / (1 + 2e6) ** 0.75.
    np.testing.assert_allclose(abs(y.numpy()[0, 0]), 1000.0 / (1 + 2e6) ** 0.75, rtol=1e-5)


def test_has_no_weights():
    layer = L.LocalResponseNormalization()
    layer(np.ones((1, 2, 2, 4), np.float32))
    assert layer.weights == []


def test_rejects_a_different_channel_count_after_building():
    layer = L.LocalResponseNormalization()
    layer(np.ones((1, 2, 2, 4), np.float32))
    with pytest.raises(ValueError, match=r"LocalResponseNormalization .* expected last axis 4"):
        layer(np.ones((1, 2, 2, 3), np.float32))


@pytest.mark.parametrize("kwargs, match", [
    (dict(depth_radius=-1), r"depth_radius=-1"),
    (dict(depth_radius=2.5), r"non-negative integer.*depth_radius=2.5"),
    (dict(bias=0.0), r"`bias` must be a positive number.*bias=0.0"),
    (dict(alpha=-1.0), r"`alpha` must be a non-negative number.*alpha=-1.0"),
    (dict(beta="0.75"), r"`beta` must be a non-negative number"),
])
def test_bad_arguments_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        L.LocalResponseNormalization(**kwargs)


def test_docstring_example_runs():
    import doctest

    from deepbricks.layers.normalization import local_response_normalization

    assert doctest.testmod(local_response_normalization, raise_on_error=True).attempted > 0
