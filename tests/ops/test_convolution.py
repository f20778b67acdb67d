"""Convolutions: forward vs direct loops, float64 gradients, PyTorch and Keras parity, errors.

The NumPy references below are written from the definitions (a loop over output pixels and
kernel taps, Keras's 'same' split computed here from its formula), so they share no code
with the implementation's im2col and col2im.
"""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import backend, ops
from deepbricks.ops import convolution
from tests.ops.cases import Case, check_forward, check_gradient, check_torch

# ---------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def keras_same(n, k, s=1, d=1):
    """KERAS_SEMANTICS item 1: total = max((out - 1)*s + (k - 1)*d + 1 - n, 0), odd after."""
    out = -(-n // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def pads_for(padding, spatial, ksize, strides, dilation):
    if padding == "valid":
        return [(0, 0)] * len(spatial)
    if padding == "causal":
        return [((k - 1) * d, 0) for k, d in zip(ksize, dilation, strict=True)]
    return [keras_same(*a) for a in zip(spatial, ksize, strides, dilation, strict=True)]


def ref_conv2d(x, k, b=None, strides=1, padding="valid", dilation=1):
    (sh, sw), (dh, dw) = pair(strides), pair(dilation)
    kh, kw, _, f = k.shape
    pads = pads_for(padding, x.shape[1:3], (kh, kw), (sh, sw), (dh, dw))
    xp = np.pad(x, [(0, 0), *pads, (0, 0)])
    ho = (xp.shape[1] - (kh - 1) * dh - 1) // sh + 1
    wo = (xp.shape[2] - (kw - 1) * dw - 1) // sw + 1
    y = np.zeros((x.shape[0], ho, wo, f))
    for i in range(ho):
        for j in range(wo):
            for a in range(kh):
                for c in range(kw):
                    y[:, i, j] += xp[:, i * sh + a * dh, j * sw + c * dw] @ k[a, c]
    return y if b is None else y + b


def ref_conv1d(x, k, b=None, strides=1, padding="valid", dilation=1):
    (left, right), = pads_for(padding, x.shape[1:2], k.shape[:1], (strides,), (dilation,))
    xp = np.pad(x, [(0, 0), (left, right), (0, 0)])
    y = ref_conv2d(xp[:, None], k[None], b, (1, strides), "valid", (1, dilation))
    return y[:, 0]


def transpose_geometry(n, k, s, d, padding, output_padding):
    """Keras's deconv_output_length, and where that window sits in the untrimmed output."""
    reach = (k - 1) * d + 1
    if output_padding is None:
        if padding == "valid":
            return 0, n * s + max(reach - s, 0)
        return max(reach - s, 0) // 2, n * s
    if padding == "valid":
        return 0, (n - 1) * s + reach + output_padding
    pad_len = reach + reach % 2 - 2 + output_padding
    left = min(-(-pad_len // 2), reach - 1)
    return reach - 1 - left, (n - 1) * s + reach % 2 + output_padding


def ref_conv2d_transpose(x, k, b=None, strides=1, padding="valid", output_padding=None,
                         dilation=1):
    """Every input pixel stamps its kernel-weighted copy into the output, then it is trimmed."""
    (sh, sw), (dh, dw) = pair(strides), pair(dilation)
    kh, kw, f, _ = k.shape
    n, h, w, _ = x.shape
    extra = (None, None) if output_padding is None else pair(output_padding)
    (top, height), (left, width) = (
        transpose_geometry(h, kh, sh, dh, padding, extra[0]),
        transpose_geometry(w, kw, sw, dw, padding, extra[1]),
    )
    full = np.zeros((n, top + height + (kh - 1) * dh + h * sh, left + width + (kw - 1) * dw
                     + w * sw, f))
    for i in range(h):
        for j in range(w):
            for a in range(kh):
                for c in range(kw):
                    full[:, i * sh + a * dh, j * sw + c * dw] += x[:, i, j] @ k[a, c].T
    y = full[:, top:top + height, left:left + width]
    return y if b is None else y + b


def ref_depthwise(x, k, b=None, strides=1, padding="valid", dilation=1):
    kh, kw, c, m = k.shape
    per_channel = [ref_conv2d(x[..., i:i + 1], k[:, :, i:i + 1], None, strides, padding, dilation)
                   for i in range(c)]
    y = np.concatenate(per_channel, axis=-1)  # channel-major: output channel i*m + j
    return y if b is None else y + b


# PyTorch counterparts, on NCHW tensors, with Keras's asymmetric 'same' padding applied by hand.


def nchw(t):
    return t.permute(0, 3, 1, 2)


def nhwc(t):
    return t.permute(0, 2, 3, 1)


def torch_conv2d(torch, x, k, b=None, strides=1, padding="valid", dilation=1, groups=1):
    kh, kw = k.shape[:2]
    (top, bottom), (left, right) = pads_for(padding, x.shape[1:3], (kh, kw), pair(strides),
                                            pair(dilation))
    xp = torch.nn.functional.pad(nchw(x), (left, right, top, bottom))
    weight = k.permute(3, 2, 0, 1)
    return nhwc(torch.nn.functional.conv2d(xp, weight, b, stride=pair(strides),
                                           dilation=pair(dilation), groups=groups))


def torch_conv1d(torch, x, k, b=None, strides=1, padding="valid", dilation=1):
    (left, right), = pads_for(padding, x.shape[1:2], k.shape[:1], (strides,), (dilation,))
    xp = torch.nn.functional.pad(x.permute(0, 2, 1), (left, right))
    y = torch.nn.functional.conv1d(xp, k.permute(2, 1, 0), b, stride=strides, dilation=dilation)
    return y.permute(0, 2, 1)


def torch_conv2d_transpose(torch, x, k, b=None, strides=1, padding="valid",
                           output_padding=None, dilation=1):
    (sh, sw), (dh, dw) = pair(strides), pair(dilation)
    extra = (None, None) if output_padding is None else pair(output_padding)
    full = torch.nn.functional.conv_transpose2d(nchw(x), k.permute(3, 2, 0, 1),
                                                stride=(sh, sw), dilation=(dh, dw))
    (top, height), (left, width) = (
        transpose_geometry(x.shape[1], k.shape[0], sh, dh, padding, extra[0]),
        transpose_geometry(x.shape[2], k.shape[1], sw, dw, padding, extra[1]),
    )
    grow_h = max(top + height - full.shape[2], 0)
    grow_w = max(left + width - full.shape[3], 0)
    full = torch.nn.functional.pad(full, (0, grow_w, 0, grow_h))
    y = nhwc(full[:, :, top:top + height, left:left + width])
    return y if b is None else y + b


def torch_depthwise(torch, x, k, b=None, strides=1, padding="valid", dilation=1):
    kh, kw, c, m = k.shape
    weight = k.reshape(kh, kw, 1, c * m)
    return torch_conv2d(torch, x, weight, b, strides, padding, dilation, groups=c)


# ---------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------


def normal(*shapes):
    return lambda rng: [rng.standard_normal(s) for s in shapes]


def conv2d_case(name, x, k, bias=True, **kw):
    shapes = (x, k, k[-1:]) if bias else (x, k)
    return Case(
        f"conv2d_{name}",
        lambda *a: ops.conv2d(*a, **kw),
        normal(*shapes),
        lambda *a: ref_conv2d(*a, **_ref_kw(kw)),
        lambda t, *a: torch_conv2d(t, *a, **_ref_kw(kw)),
    )


def conv1d_case(name, x, k, **kw):
    return Case(
        f"conv1d_{name}",
        lambda *a: ops.conv1d(*a, **kw),
        normal(x, k, k[-1:]),
        lambda *a: ref_conv1d(*a, **_ref_kw(kw)),
        lambda t, *a: torch_conv1d(t, *a, **_ref_kw(kw)),
    )


def transpose_case(name, x, k, bias=True, **kw):
    shapes = (x, k, k[-2:-1]) if bias else (x, k)
    return Case(
        f"conv2d_transpose_{name}",
        lambda *a: ops.conv2d_transpose(*a, **kw),
        normal(*shapes),
        lambda *a: ref_conv2d_transpose(*a, **_ref_kw(kw)),
        lambda t, *a: torch_conv2d_transpose(t, *a, **_ref_kw(kw)),
    )


def depthwise_case(name, x, k, **kw):
    return Case(
        f"depthwise_conv2d_{name}",
        lambda *a: ops.depthwise_conv2d(*a, **kw),
        normal(x, k, (k[-2] * k[-1],)),
        lambda *a: ref_depthwise(*a, **_ref_kw(kw)),
        lambda t, *a: torch_depthwise(t, *a, **_ref_kw(kw)),
    )


def _ref_kw(kw):
    return {("dilation" if k == "dilation_rate" else k): v for k, v in kw.items()}


ACTIVATIONS = {
    "relu": (lambda z: np.maximum(z, 0), lambda t, z: t.relu(z)),
    "tanh": (np.tanh, lambda t, z: t.tanh(z)),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda t, z: t.sigmoid(z)),
}


def activated_case(name, op, ref, torch_ref, activation, x, k, **kw):
    """A conv with its fused activation, against the plain conv followed by the activation."""
    act, torch_act = ACTIVATIONS[activation]
    return Case(
        f"{op.__name__}_{name}_{activation}",
        lambda *a: op(*a, activation=activation, **kw),
        normal(x, k, k[-1:]),
        lambda *a: act(ref(*a, **_ref_kw(kw))),
        lambda t, *a: torch_act(t, torch_ref(t, *a, **_ref_kw(kw))),
    )


CASES = [
    activated_case("same", ops.conv2d, ref_conv2d, torch_conv2d, "relu", (2, 5, 6, 2),
                   (3, 3, 2, 3), padding="same"),
    activated_case("stride2", ops.conv2d, ref_conv2d, torch_conv2d, "tanh", (1, 7, 7, 2),
                   (3, 3, 2, 3), strides=2),
    activated_case("valid", ops.conv2d, ref_conv2d, torch_conv2d, "sigmoid", (2, 5, 4, 2),
                   (2, 2, 2, 3)),
    activated_case("causal", ops.conv1d, ref_conv1d, torch_conv1d, "relu", (2, 7, 2),
                   (3, 2, 3), padding="causal"),
    conv2d_case("valid", (2, 6, 5, 3), (3, 3, 3, 4)),
    # From 8 input channels the kernel gradient is built tap by tap instead of from cols.
    conv2d_case("wide_input_same", (2, 5, 6, 8), (3, 3, 8, 2), padding="same"),
    conv2d_case("wide_input_stride2_dilated", (1, 9, 8, 9), (2, 3, 9, 2), strides=(1, 2)),
    conv1d_case("wide_input_causal", (2, 7, 8), (3, 8, 2), padding="causal", dilation_rate=2),
    conv2d_case("no_bias", (2, 5, 5, 2), (3, 2, 2, 3), bias=False),
    conv2d_case("stride2", (2, 7, 7, 2), (3, 3, 2, 3), strides=2),
    conv2d_case("stride_larger_than_kernel", (1, 8, 7, 2), (2, 2, 2, 3), strides=3),
    conv2d_case("rect_strides", (1, 7, 8, 2), (3, 2, 2, 2), strides=(1, 2)),
    conv2d_case("same_odd", (2, 5, 6, 2), (3, 3, 2, 3), padding="same"),
    conv2d_case("same_even_kernel", (2, 5, 6, 2), (4, 2, 2, 3), padding="same"),
    conv2d_case("same_stride2", (1, 8, 7, 2), (3, 3, 2, 3), strides=2, padding="same"),
    conv2d_case("same_even_stride2", (1, 7, 8, 2), (4, 4, 2, 2), strides=2, padding="same"),
    conv2d_case("dilated_valid", (1, 7, 6, 2), (3, 2, 2, 2), dilation_rate=(2, 3)),
    conv2d_case("dilated_same", (1, 7, 7, 2), (3, 3, 2, 2), padding="same", dilation_rate=2),
    conv2d_case("1x1", (2, 4, 3, 3), (1, 1, 3, 5)),
    conv2d_case("1x1_stride2", (2, 5, 4, 3), (1, 1, 3, 2), strides=2),
    conv1d_case("valid", (2, 7, 3), (3, 3, 4)),
    conv1d_case("same_even", (2, 7, 2), (4, 2, 3), padding="same"),
    conv1d_case("causal_dilated", (2, 8, 2), (3, 2, 3), padding="causal", dilation_rate=2),
    conv1d_case("causal_stride2", (2, 7, 2), (2, 2, 3), padding="causal", strides=2),
    transpose_case("valid", (2, 3, 4, 3), (3, 3, 2, 3)),
    transpose_case("valid_stride2", (1, 3, 3, 2), (3, 3, 2, 2), strides=2),
    transpose_case("same_stride2_odd", (1, 3, 4, 2), (3, 3, 2, 2), strides=2, padding="same"),
    transpose_case("same_stride2_even", (1, 3, 3, 2), (4, 4, 3, 2), strides=2, padding="same"),
    transpose_case("valid_stride_larger", (1, 3, 2, 2), (2, 2, 2, 2), strides=3, bias=False),
    transpose_case("same_stride_larger", (1, 3, 2, 2), (2, 2, 2, 2), strides=3,
                   padding="same"),
    transpose_case("output_padding_valid", (1, 3, 3, 2), (3, 3, 2, 2), strides=2,
                   output_padding=1),
    transpose_case("output_padding_same", (1, 3, 3, 2), (4, 3, 2, 2), strides=(2, 3),
                   padding="same", output_padding=(1, 2)),
    transpose_case("dilated", (1, 3, 3, 2), (2, 2, 2, 2), strides=2, padding="same",
                   dilation_rate=2),
    depthwise_case("same", (2, 5, 5, 3), (3, 3, 3, 1), padding="same"),
    depthwise_case("multiplier2_stride2", (1, 6, 5, 2), (3, 2, 2, 2), strides=2),
    depthwise_case("dilated_even_same", (1, 6, 6, 2), (2, 2, 2, 2), padding="same",
                   dilation_rate=2),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_forward_matches_direct_loops(case):
    check_forward(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_matches_finite_differences(case):
    check_gradient(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_pytorch(case):
    check_torch(case)


# ---------------------------------------------------------------------------------------
# Behaviour worth stating on its own
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, x, k, kw",
    [
        # Fewer than _THIN_CHANNELS inputs: the im2col matrix is kept from forward.
        ("thin", (3, 5, 5, 2), (3, 3, 2, 3), {"padding": "same"}),
        # As many filters as channels or fewer: input gradient as a full correlation.
        ("full_correlation", (3, 5, 5, 8), (3, 3, 8, 3), {"padding": "same"}),
        ("full_correlation_dilated", (3, 6, 6, 8), (3, 2, 8, 8), {"dilation_rate": 2}),
        # More filters than channels, or strides: input gradient scattered window by window.
        ("scattered", (3, 5, 5, 8), (3, 3, 8, 11), {"padding": "same"}),
        ("scattered_strided", (3, 7, 6, 8), (3, 3, 8, 4), {"strides": 2, "padding": "same"}),
    ],
)
@pytest.mark.parametrize("threads", [1, 2])
def test_gradients_taken_in_groups_of_images_match_pytorch(monkeypatch, threads, name, x, k, kw):
    # 25-42 windows per image and groups of about 50 float64 im2col rows: images 0-1, then
    # image 2 alone (or one image per group), so the group boundaries are crossed; with two
    # threads, shards of images 0 and 1-2.
    monkeypatch.setattr(convolution, "_GROUP_BYTES", 50 * 8 * (x[-1] * k[0] * k[1] + 1))
    monkeypatch.setattr(backend, "_num_threads", threads)
    monkeypatch.setattr(backend, "_shards_allowed", True)
    check_torch(conv2d_case(f"grouped_{name}", x, k, **kw))


def test_same_padding_puts_the_odd_cell_after():
    # A length-4 box filter over ones counts the real cells under each window: Keras pads
    # 1 before and 2 after, so the first window sees 3 cells and the last one 2.
    y = ops.conv1d(np.ones((1, 8, 1)), np.ones((4, 1, 1)), padding="same")
    np.testing.assert_array_equal(y.numpy()[0, :, 0], [3, 4, 4, 4, 4, 4, 3, 2])
    # k=3, s=2 on n=8: no cell before, one after.
    y = ops.conv1d(np.ones((1, 8, 1)), np.ones((3, 1, 1)), strides=2, padding="same")
    np.testing.assert_array_equal(y.numpy()[0, :, 0], [3, 3, 3, 2])


def test_causal_output_depends_only_on_the_past():
    x = np.zeros((1, 6, 1))
    x[0, 3] = 1.0
    y = ops.conv1d(x, np.ones((3, 1, 1)), padding="causal", dilation_rate=1)
    np.testing.assert_array_equal(y.numpy()[0, :, 0], [0, 0, 0, 1, 1, 1])


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("k, s", [(3, 1), (3, 2), (4, 2), (5, 2), (2, 3), (1, 2)])
def test_conv2d_transpose_is_the_adjoint_of_conv2d(k, s, padding):
    # <conv2d(z, K), y> == <z, conv2d_transpose(y, K)> with the same kernel array.
    rng = np.random.default_rng(k * 10 + s)
    y = rng.standard_normal((2, 3, 4, 5))
    kernel = rng.standard_normal((k, k + 1, 3, 5))
    back = ops.conv2d_transpose(y, kernel, strides=s, padding=padding).numpy()
    z = rng.standard_normal(back.shape)
    forward = ops.conv2d(z, kernel, strides=s, padding=padding).numpy()
    assert forward.shape == y.shape
    np.testing.assert_allclose(np.sum(forward * y), np.sum(z * back), rtol=1e-12)


def test_conv2d_transpose_output_lengths_follow_keras():
    x = np.zeros((1, 5, 5, 1))
    kernel = np.zeros((3, 4, 2, 1))
    assert ops.conv2d_transpose(x, kernel, strides=2).shape == (1, 11, 12, 2)
    assert ops.conv2d_transpose(x, kernel, strides=2, padding="same").shape == (1, 10, 10, 2)
    assert ops.conv2d_transpose(x, kernel, strides=3).shape == (1, 15, 16, 2)
    assert ops.conv2d_transpose(x, kernel, strides=2, output_padding=1).shape == (1, 12, 13, 2)


@pytest.mark.parametrize(
    "op, x, kernel, bias",
    [
        (ops.conv2d, (2, 6, 6, 3), (3, 3, 3, 4), (4,)),
        (ops.conv1d, (2, 6, 3), (3, 3, 4), (4,)),
        (ops.conv2d_transpose, (2, 3, 3, 3), (3, 3, 4, 3), (4,)),
        (ops.depthwise_conv2d, (2, 6, 6, 3), (3, 3, 3, 2), (6,)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_float32_stays_float32(op, x, kernel, bias):
    rng = np.random.default_rng(0)
    inputs = [db.Tensor(rng.standard_normal(s).astype("float32"), requires_grad=True)
              for s in (x, kernel, bias)]
    y = op(*inputs, strides=2, padding="same")
    y.backward(np.ones(y.shape, "float32"))
    assert y.dtype == np.float32
    assert [t.grad.dtype for t in inputs] == [np.float32] * 3


def test_only_requested_gradients_are_computed():
    x = db.Tensor(np.ones((1, 4, 4, 2)))
    kernel = db.Tensor(np.ones((3, 3, 2, 2)), requires_grad=True)
    ops.conv2d(x, kernel, padding="same").backward(np.ones((1, 4, 4, 2)))
    assert x.grad is None
    assert kernel.grad.shape == (3, 3, 2, 2)


def test_accepts_plain_arrays_and_lists():
    y = ops.conv2d(np.ones((1, 3, 3, 1)).tolist(), np.ones((3, 3, 1, 1)))
    assert y.numpy().item() == 9.0


# ---------------------------------------------------------------------------------------
# Keras (optional reference): the same numbers from keras.ops on its torch backend
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, ours, theirs",
    [
        ("conv_same_even", lambda x, k: ops.conv2d(x, k[:4, :4], strides=3, padding="same"),
         lambda K, x, k: K.ops.conv(x, k[:4, :4], strides=3, padding="same")),
        ("conv_transpose_same_odd",
         lambda x, k: ops.conv2d_transpose(x, k[:3, :3, :, :2], strides=2, padding="same"),
         lambda K, x, k: K.ops.conv_transpose(x, k[:3, :3, :, :2], strides=2, padding="same")),
        ("conv_transpose_output_padding",
         lambda x, k: ops.conv2d_transpose(x, k[:, :, :, :2], strides=2, padding="same",
                                           output_padding=1),
         lambda K, x, k: K.ops.conv_transpose(x, k[:, :, :, :2], strides=2, padding="same",
                                              output_padding=1)),
        ("depthwise_same", lambda x, k: ops.depthwise_conv2d(x, k[:3, :3, :2], padding="same"),
         lambda K, x, k: K.ops.depthwise_conv(x, k[:3, :3, :2], padding="same")),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_matches_keras(name, ours, theirs):
    keras = pytest.importorskip("keras", reason="Keras is an optional reference")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 7, 6, 2)).astype("float32")
    k = rng.standard_normal((4, 4, 2, 3)).astype("float32")
    want = keras.ops.convert_to_numpy(theirs(keras, x, k))
    np.testing.assert_allclose(ours(x, k).numpy(), want, rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------------------
# Errors name the op, what was expected and what was received
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ops.conv2d(np.zeros((8, 28, 28, 3)), np.zeros((5, 5, 1, 32))),
         r"conv2d: input has 3 channels but kernel expects 1 \(kernel shape \(5, 5, 1, 32\), "
         r"input shape \(8, 28, 28, 3\)\)"),
        (lambda: ops.conv2d(np.zeros((28, 28, 1)), np.zeros((5, 5, 1, 32))),
         r"conv2d: expected a 4-D input \(batch, height, width, channels\), received shape "
         r"\(28, 28, 1\)\. Add a batch axis"),
        (lambda: ops.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((5, 5, 1))),
         r"conv2d: expected a 4-D kernel \(kernel_h, kernel_w, in_channels, filters\), "
         r"received shape \(5, 5, 1\)"),
        (lambda: ops.conv1d(np.zeros((4, 10)), np.zeros((3, 1, 2))),
         r"conv1d: expected a 3-D input \(batch, length, channels\), received shape \(4, 10\)"),
        (lambda: ops.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 1, 4)), np.zeros(3)),
         r"conv2d: bias must have shape \(4,\).*received shape \(3,\)"),
        (lambda: ops.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 1, 4)), padding="full"),
         r"conv2d: padding must be 'valid' or 'same'; received padding='full'"),
        (lambda: ops.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 1, 4)), padding="causal"),
         r"conv2d: padding must be 'valid' or 'same'"),
        (lambda: ops.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 1, 4)), strides=0),
         r"conv2d: strides must be a positive int or a tuple of 2 positive ints; "
         r"received strides=0"),
        (lambda: ops.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 1, 4)), dilation_rate=(1,)),
         r"conv2d: dilation_rate must be .*received dilation_rate=\(1,\)"),
        (lambda: ops.conv2d(np.zeros((1, 4, 4, 1)), np.zeros((5, 5, 1, 4))),
         r"conv2d: the input's spatial shape \(4, 4\) is smaller than the window \(5, 5\) "
         r"with padding='valid'; use padding='same'"),
        (lambda: ops.conv1d(np.zeros((1, 5, 1)), np.zeros((3, 1, 1)), dilation_rate=3),
         r"conv1d: .*smaller than the dilated window \(7,\)"),
        (lambda: ops.conv2d_transpose(np.zeros((1, 4, 4, 3)), np.zeros((3, 3, 3, 2))),
         r"conv2d_transpose: input has 3 channels but kernel expects 2 \(kernel shape "
         r"\(3, 3, 3, 2\)"),
        (lambda: ops.conv2d_transpose(np.zeros((1, 4, 4, 2)), np.zeros((3, 3, 3, 2)),
                                      strides=2, output_padding=2),
         r"conv2d_transpose: output_padding must be smaller than strides"),
        (lambda: ops.depthwise_conv2d(np.zeros((1, 4, 4, 2)), np.zeros((3, 3, 3, 1))),
         r"depthwise_conv2d: input has 2 channels but kernel expects 3"),
        (lambda: ops.conv2d(np.zeros((1, 4, 4, 1)), np.zeros((3, 3, 1, 2)), activation="elu"),
         r"conv2d: activation must be None or one of 'linear', 'relu', 'tanh', 'sigmoid'; "
         r"received activation='elu'"),
    ],
)
def test_bad_arguments_raise_readable_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
