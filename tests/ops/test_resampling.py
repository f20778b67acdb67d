"""Upsampling, zero padding and cropping: forward vs NumPy, float64 gradients, PyTorch, Keras."""

import math

import numpy as np
import pytest

import deepbricks as db
from deepbricks import ops
from tests.ops.cases import Case, check_forward, check_gradient, check_torch


def normal(shape):
    return lambda rng: [rng.standard_normal(shape)]


def ref_bilinear(x, sh, sw):
    """Per output pixel: sample at ((i + 0.5) / s - 0.5) clamped to the image, mix 4 cells."""
    n, h, w, c = x.shape
    y = np.zeros((n, h * sh, w * sw, c))
    for i in range(h * sh):
        u = min(max((i + 0.5) / sh - 0.5, 0.0), h - 1.0)
        i0, fu = int(math.floor(u)), u - math.floor(u)
        i1 = min(i0 + 1, h - 1)
        for j in range(w * sw):
            v = min(max((j + 0.5) / sw - 0.5, 0.0), w - 1.0)
            j0, fv = int(math.floor(v)), v - math.floor(v)
            j1 = min(j0 + 1, w - 1)
            y[:, i, j] = ((1 - fu) * (1 - fv) * x[:, i0, j0] + (1 - fu) * fv * x[:, i0, j1]
                          + fu * (1 - fv) * x[:, i1, j0] + fu * fv * x[:, i1, j1])
    return y


def nchw(f):
    """Runs a PyTorch NCHW function on NHWC tensors."""
    return lambda t, x: f(t, x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


CASES = [
    Case("upsampling2d_nearest", lambda x: ops.upsampling2d(x, (2, 3)), normal((2, 3, 2, 2)),
         lambda x: x.repeat(2, axis=1).repeat(3, axis=2),
         nchw(lambda t, x: t.nn.functional.interpolate(x, scale_factor=(2, 3),
                                                       mode="nearest"))),
    Case("upsampling2d_nearest_int_size", lambda x: ops.upsampling2d(x, 2), normal((1, 2, 3, 2)),
         lambda x: x.repeat(2, axis=1).repeat(2, axis=2),
         nchw(lambda t, x: t.nn.functional.interpolate(x, scale_factor=2, mode="nearest"))),
    Case("upsampling2d_bilinear", lambda x: ops.upsampling2d(x, (2, 3), "bilinear"),
         normal((2, 3, 4, 2)), lambda x: ref_bilinear(x, 2, 3),
         nchw(lambda t, x: t.nn.functional.interpolate(x, scale_factor=(2, 3), mode="bilinear",
                                                       align_corners=False))),
    Case("upsampling2d_bilinear_single_row", lambda x: ops.upsampling2d(x, 4, "bilinear"),
         normal((1, 1, 3, 2)), lambda x: ref_bilinear(x, 4, 4),
         nchw(lambda t, x: t.nn.functional.interpolate(x, scale_factor=4, mode="bilinear",
                                                       align_corners=False))),
    Case("upsampling1d", lambda x: ops.upsampling1d(x, 3), normal((2, 4, 2)),
         lambda x: x.repeat(3, axis=1),
         lambda t, x: x.repeat_interleave(3, dim=1)),
    Case("zero_padding2d_int", lambda x: ops.zero_padding2d(x, 1), normal((2, 3, 2, 2)),
         lambda x: np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))),
         lambda t, x: t.nn.functional.pad(x, (0, 0, 1, 1, 1, 1))),
    Case("zero_padding2d_pair", lambda x: ops.zero_padding2d(x, (2, 0)), normal((1, 3, 2, 2)),
         lambda x: np.pad(x, ((0, 0), (2, 2), (0, 0), (0, 0))),
         lambda t, x: t.nn.functional.pad(x, (0, 0, 0, 0, 2, 2))),
    Case("zero_padding2d_pairs", lambda x: ops.zero_padding2d(x, ((0, 2), (3, 1))),
         normal((2, 2, 3, 2)), lambda x: np.pad(x, ((0, 0), (0, 2), (3, 1), (0, 0))),
         lambda t, x: t.nn.functional.pad(x, (0, 0, 3, 1, 0, 2))),
    Case("zero_padding1d", lambda x: ops.zero_padding1d(x, (2, 1)), normal((2, 3, 2)),
         lambda x: np.pad(x, ((0, 0), (2, 1), (0, 0))),
         lambda t, x: t.nn.functional.pad(x, (0, 0, 2, 1))),
    Case("cropping2d_pairs", lambda x: ops.cropping2d(x, ((1, 0), (2, 1))), normal((2, 4, 5, 2)),
         lambda x: x[:, 1:, 2:-1], lambda t, x: x[:, 1:, 2:-1]),
    Case("cropping2d_int", lambda x: ops.cropping2d(x, 1), normal((1, 4, 4, 2)),
         lambda x: x[:, 1:-1, 1:-1], lambda t, x: x[:, 1:-1, 1:-1]),
    Case("cropping1d_default", ops.cropping1d, normal((2, 5, 2)), lambda x: x[:, 1:-1],
         lambda t, x: x[:, 1:-1]),
    Case("cropping1d_int", lambda x: ops.cropping1d(x, 2), normal((2, 5, 2)),
         lambda x: x[:, 2:-2], lambda t, x: x[:, 2:-2]),
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


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_upsampling2d_matches_keras(interpolation):
    keras = pytest.importorskip("keras", reason="Keras is an optional reference")
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 2)).astype("float32")
    layer = keras.layers.UpSampling2D((3, 2), interpolation=interpolation)
    want = keras.ops.convert_to_numpy(layer(x))
    got = ops.upsampling2d(x, (3, 2), interpolation).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "op",
    [lambda x: ops.upsampling2d(x, 2), lambda x: ops.upsampling2d(x, 2, "bilinear"),
     lambda x: ops.zero_padding2d(x, 1), lambda x: ops.cropping2d(x, 1)],
    ids=["nearest", "bilinear", "zero_padding", "cropping"],
)
def test_float32_stays_float32(op):
    x = db.Tensor(np.ones((2, 4, 4, 3), "float32"), requires_grad=True)
    y = op(x)
    y.backward(np.ones(y.shape, "float32"))
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_nearest_upsampling_gradient_sums_each_block():
    x = db.Tensor(np.zeros((1, 2, 2, 1)), requires_grad=True)
    upstream = np.arange(16.0).reshape(1, 4, 4, 1)
    ops.upsampling2d(x, 2).backward(upstream)
    np.testing.assert_array_equal(x.grad[0, ..., 0], [[0 + 1 + 4 + 5, 2 + 3 + 6 + 7],
                                                       [8 + 9 + 12 + 13, 10 + 11 + 14 + 15]])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ops.upsampling2d(np.zeros((1, 2, 2, 1)), 2, "bicubic"),
         r"upsampling2d: interpolation must be 'nearest' or 'bilinear'; received "
         r"interpolation='bicubic'"),
        (lambda: ops.upsampling2d(np.zeros((2, 2, 1)), 2),
         r"upsampling2d: expected a 4-D input \(batch, height, width, channels\), received "
         r"shape \(2, 2, 1\)"),
        (lambda: ops.upsampling1d(np.zeros((1, 2, 1)), 0),
         r"upsampling1d: size must be a positive int; received size=0"),
        (lambda: ops.zero_padding2d(np.zeros((1, 2, 2, 1)), -1),
         r"zero_padding2d: padding must be an int, a pair \(rows, cols\) or a pair of pairs "
         r".* non-negative ints; received padding=-1"),
        (lambda: ops.zero_padding1d(np.zeros((1, 2, 1)), (1, 2, 3)),
         r"zero_padding1d: padding must be an int or a pair \(before, after\)"),
        (lambda: ops.cropping2d(np.zeros((1, 4, 4, 1)), ((2, 2), (0, 0))),
         r"cropping2d: cropping \(\(2, 2\), \(0, 0\)\) removes every cell of an input with "
         r"spatial shape \(4, 4\)"),
        (lambda: ops.cropping1d(np.zeros((1, 4)), 1),
         r"cropping1d: expected a 3-D input \(batch, length, channels\)"),
    ],
)
def test_bad_arguments_raise_readable_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bilinear_upsampling_of_integer_input_asks_for_a_float_cast():
    with pytest.raises(TypeError, match=r"upsampling2d: expected a floating-point input"):
        ops.upsampling2d(np.zeros((1, 2, 2, 1), np.uint8), 2, "bilinear")
