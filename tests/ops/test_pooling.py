"""Pooling: forward vs direct loops, float64 gradients, PyTorch and Keras parity, ties, errors.

Gradient checks draw distinct values spaced far apart (a shuffled ramp), so no window holds a
tie that a finite difference would step across.
"""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import ops
from tests.ops.cases import Case, check_forward, check_gradient, check_torch


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def keras_same(n, p, s):
    out = -(-n // s)
    total = max((out - 1) * s + p - n, 0)
    return total // 2, total - total // 2


def ref_pool2d(x, pool, strides=None, padding="valid", mode="max"):
    """Loops over output pixels; 'same' averages divide by the window's real cells."""
    (ph, pw) = pair(pool)
    (sh, sw) = (ph, pw) if strides is None else pair(strides)
    pads = [(0, 0), (0, 0)]
    if padding == "same":
        pads = [keras_same(x.shape[1], ph, sh), keras_same(x.shape[2], pw, sw)]
    xp = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=np.nan)
    ho = (xp.shape[1] - ph) // sh + 1
    wo = (xp.shape[2] - pw) // sw + 1
    y = np.zeros((x.shape[0], ho, wo, x.shape[3]))
    for i in range(ho):
        for j in range(wo):
            window = xp[:, i * sh:i * sh + ph, j * sw:j * sw + pw]
            reduce = np.nanmax if mode == "max" else np.nanmean
            y[:, i, j] = reduce(window, axis=(1, 2))
    return y


def ref_pool1d(x, pool, strides=None, padding="valid", mode="max"):
    return ref_pool2d(x[:, None], (1, pool), (1, strides or pool), padding, mode)[:, 0]


def torch_pool2d(torch, x, pool, strides=None, padding="valid", mode="max"):
    """PyTorch pools NCHW; Keras's asymmetric 'same' is padded by hand (-inf for max) and the
    'same' average divides a window sum by a window count of real cells."""
    f = torch.nn.functional
    (ph, pw) = pair(pool)
    (sh, sw) = (ph, pw) if strides is None else pair(strides)
    x = x.permute(0, 3, 1, 2)
    (top, bottom), (left, right) = (0, 0), (0, 0)
    if padding == "same":
        (top, bottom) = keras_same(x.shape[2], ph, sh)
        (left, right) = keras_same(x.shape[3], pw, sw)
    edges = (left, right, top, bottom)
    if mode == "max":
        y = f.max_pool2d(f.pad(x, edges, value=-float("inf")), (ph, pw), (sh, sw))
    else:
        sums = f.avg_pool2d(f.pad(x, edges), (ph, pw), (sh, sw))
        counts = f.avg_pool2d(f.pad(torch.ones_like(x), edges), (ph, pw), (sh, sw))
        y = sums / counts
    return y.permute(0, 2, 3, 1)


def torch_pool1d(torch, x, pool, strides=None, padding="valid", mode="max"):
    return torch_pool2d(torch, x[:, None], (1, pool), (1, strides or pool), padding, mode)[:, 0]


def distinct(*shapes):
    """Shuffled values 0.1 apart: no ties, so max pooling is differentiable everywhere."""
    def draw(rng):
        out = []
        for shape in shapes:
            size = int(np.prod(shape))
            out.append((rng.permutation(size) * 0.1 - size * 0.05).reshape(shape))
        return out
    return draw


def pool_case(name, mode, nd, shape, pool, strides=None, padding="valid"):
    op = {("max", 2): ops.max_pool2d, ("avg", 2): ops.avg_pool2d,
          ("max", 1): ops.max_pool1d, ("avg", 1): ops.avg_pool1d}[mode, nd]
    ref = ref_pool2d if nd == 2 else ref_pool1d
    torch_ref = torch_pool2d if nd == 2 else torch_pool1d
    return Case(
        f"{op.__name__}_{name}",
        lambda x: op(x, pool, strides, padding),
        distinct(shape),
        lambda x: ref(x, pool, strides, padding, mode),
        lambda t, x: torch_ref(t, x, pool, strides, padding, mode),
    )


def global_case(op, shape, reduce, torch_reduce, keepdims=False):
    axes = tuple(range(1, len(shape) - 1))
    return Case(
        f"{op.__name__}{'_keepdims' if keepdims else ''}",
        lambda x: op(x, keepdims=keepdims),
        distinct(shape),
        lambda x: reduce(x, axis=axes, keepdims=keepdims),
        lambda t, x: torch_reduce(t, x, axes, keepdims),
    )


CASES = [
    pool_case("tiled", "max", 2, (2, 4, 6, 3), 2),
    pool_case("remainder_dropped", "max", 2, (2, 5, 5, 2), 2),
    pool_case("overlapping_3_stride_2", "max", 2, (2, 7, 7, 2), 3, 2),
    pool_case("stride_larger_than_pool", "max", 2, (1, 7, 8, 2), 2, 3),
    pool_case("rect", "max", 2, (1, 6, 6, 2), (3, 2), (1, 2)),
    pool_case("same", "max", 2, (2, 5, 5, 2), 2, padding="same"),
    pool_case("same_overlapping", "max", 2, (1, 6, 7, 2), 3, 2, "same"),
    pool_case("same_stride1_even", "max", 2, (1, 5, 4, 2), 2, 1, "same"),
    pool_case("tiled", "avg", 2, (2, 4, 6, 3), 2),
    pool_case("overlapping_3_stride_2", "avg", 2, (2, 7, 7, 2), 3, 2),
    pool_case("same", "avg", 2, (2, 5, 5, 2), 2, padding="same"),
    pool_case("same_overlapping", "avg", 2, (1, 6, 7, 2), 3, 2, "same"),
    pool_case("same_stride1", "avg", 2, (1, 5, 4, 2), (3, 2), 1, "same"),
    pool_case("tiled", "max", 1, (2, 6, 3), 3),
    pool_case("same", "max", 1, (2, 7, 3), 2, padding="same"),
    pool_case("tiled", "avg", 1, (2, 6, 3), 2),
    pool_case("same_overlapping", "avg", 1, (2, 7, 3), 3, 2, "same"),
    global_case(ops.global_avg_pool2d, (2, 3, 4, 3), np.mean,
                lambda t, x, axes, k: x.mean(axes, keepdim=k)),
    global_case(ops.global_avg_pool2d, (2, 3, 4, 3), np.mean,
                lambda t, x, axes, k: x.mean(axes, keepdim=k), keepdims=True),
    global_case(ops.global_max_pool2d, (2, 3, 4, 3), np.max,
                lambda t, x, axes, k: x.amax(axes, keepdim=k)),
    global_case(ops.global_max_pool2d, (2, 3, 4, 3), np.max,
                lambda t, x, axes, k: x.amax(axes, keepdim=k), keepdims=True),
    global_case(ops.global_avg_pool1d, (2, 5, 3), np.mean,
                lambda t, x, axes, k: x.mean(axes, keepdim=k)),
    global_case(ops.global_max_pool1d, (2, 5, 3), np.max,
                lambda t, x, axes, k: x.amax(axes, keepdim=k), keepdims=True),
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
# Ties, overlaps and divisors
# ---------------------------------------------------------------------------------------


def grad_of(op, x, *args, **kwargs):
    t = db.Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    y = op(t, *args, **kwargs)
    y.backward(np.ones(y.shape))
    return t.grad


def test_max_pool_tie_sends_the_gradient_to_the_first_maximum():
    x = np.ones((1, 2, 2, 1))
    np.testing.assert_array_equal(grad_of(ops.max_pool2d, x, 2)[0, ..., 0], [[1, 0], [0, 0]])
    x = np.array([[0, 3, 3], [3, 1, 0], [0, 0, 0]], float).reshape(1, 3, 3, 1)
    want = [[0, 1, 0], [0, 0, 0], [0, 0, 0]]
    np.testing.assert_array_equal(grad_of(ops.max_pool2d, x, 3)[0, ..., 0], want)


def test_overlapping_windows_add_where_they_pick_the_same_cell():
    # Pool 3, stride 2 on 5x5: four windows all contain the centre, which is the maximum.
    x = np.zeros((1, 5, 5, 1))
    x[0, 2, 2] = 1.0
    g = grad_of(ops.max_pool2d, x, 3, 2)[0, ..., 0]
    assert g[2, 2] == 4.0
    assert g.sum() == 4.0


@pytest.mark.parametrize("pool, strides, padding", [(2, None, "valid"), (3, None, "valid"),
                                                    (3, 2, "valid"), (2, 1, "same"),
                                                    (3, 2, "same")])
def test_max_pool_ties_match_pytorch(pool, strides, padding):
    torch = pytest.importorskip("torch", reason="PyTorch is an optional reference")
    # Small integers: most windows hold ties (as after a ReLU, where many cells are 0).
    x = np.random.default_rng(0).integers(0, 3, (2, 6, 6, 2)).astype(np.float64)
    upstream = np.random.default_rng(1).standard_normal(
        ops.max_pool2d(x, pool, strides, padding).shape)
    ours = db.Tensor(x, requires_grad=True)
    ops.max_pool2d(ours, pool, strides, padding).backward(upstream)
    theirs = torch.tensor(x, requires_grad=True)
    torch_pool2d(torch, theirs, pool, strides, padding).backward(torch.tensor(upstream))
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_global_max_pool_shares_ties_equally():
    x = np.array([[1.0, 5.0], [5.0, 2.0]]).reshape(1, 2, 2, 1)
    g = grad_of(ops.global_max_pool2d, x)[0, ..., 0]
    np.testing.assert_array_equal(g, [[0, 0.5], [0.5, 0]])


def test_same_average_divides_by_real_cells_only():
    # 3x3 ones, pool 2 'same': the bottom/right windows hang over the padding but still
    # average to exactly 1.
    y = ops.avg_pool2d(np.ones((1, 3, 3, 1)), 2, padding="same")
    np.testing.assert_array_equal(y.numpy(), np.ones((1, 2, 2, 1)))


def test_same_max_never_picks_the_padding():
    y = ops.max_pool2d(-np.ones((1, 3, 3, 1)) * 1000.0, 2, padding="same")
    np.testing.assert_array_equal(y.numpy(), -1000.0 * np.ones((1, 2, 2, 1)))


@pytest.mark.parametrize("op", [ops.max_pool2d, ops.avg_pool2d])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_float32_stays_float32(op, padding):
    x = db.Tensor(np.random.default_rng(0).standard_normal((2, 5, 5, 3)).astype("float32"),
                  requires_grad=True)
    y = op(x, 2, padding=padding)
    y.backward(np.ones(y.shape, "float32"))
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_tiled_max_pool_backward_covers_every_cell():
    # Tiled pooling writes the gradient into an uninitialised array: every cell must be set.
    x = np.random.default_rng(0).standard_normal((3, 8, 8, 4))
    g = grad_of(ops.max_pool2d, x, 2)
    assert np.isfinite(g).all()
    np.testing.assert_array_equal(g.reshape(3, 4, 2, 4, 2, 4).sum(axis=(2, 4)), 1.0)


# ---------------------------------------------------------------------------------------
# Keras (optional reference)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("pool, strides, padding", [(2, None, "valid"), (3, 2, "valid"),
                                                    (3, 1, "same"), (2, 2, "same")])
def test_matches_keras(pool, strides, padding):
    # Keras's torch backend pads asymmetric 'same' average windows by replicating edges; the
    # cases here pad symmetrically or not at all, where every Keras backend agrees.
    keras = pytest.importorskip("keras", reason="Keras is an optional reference")
    x = np.random.default_rng(0).standard_normal((2, 6, 6, 3)).astype("float32")
    for ours, theirs in [(ops.max_pool2d, keras.ops.max_pool),
                         (ops.avg_pool2d, keras.ops.average_pool)]:
        want = keras.ops.convert_to_numpy(theirs(x, pool, strides, padding))
        np.testing.assert_allclose(ours(x, pool, strides, padding).numpy(), want, rtol=1e-6,
                                   atol=1e-6)


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ops.max_pool2d(np.zeros((28, 28, 1)), 2),
         r"max_pool2d: expected a 4-D input \(batch, height, width, channels\), received "
         r"shape \(28, 28, 1\)"),
        (lambda: ops.avg_pool1d(np.zeros((4, 10)), 2),
         r"avg_pool1d: expected a 3-D input \(batch, length, channels\)"),
        (lambda: ops.max_pool2d(np.zeros((1, 4, 4, 1)), 0),
         r"max_pool2d: pool_size must be a positive int or a tuple of 2 positive ints; "
         r"received pool_size=0"),
        (lambda: ops.avg_pool2d(np.zeros((1, 4, 4, 1)), 2, strides=(1, 2, 3)),
         r"avg_pool2d: strides must be .*received strides=\(1, 2, 3\)"),
        (lambda: ops.max_pool2d(np.zeros((1, 4, 4, 1)), 2, padding="causal"),
         r"max_pool2d: padding must be 'valid' or 'same'; received padding='causal'"),
        (lambda: ops.max_pool2d(np.zeros((1, 2, 4, 1)), 3),
         r"max_pool2d: the input's spatial shape \(2, 4\) is smaller than the window \(3, 3\)"),
        (lambda: ops.global_avg_pool2d(np.zeros((4, 10, 3))),
         r"global_avg_pool2d: expected a 4-D input"),
    ],
)
def test_bad_arguments_raise_readable_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("op", [lambda x: ops.avg_pool2d(x, 2), ops.global_avg_pool2d],
                         ids=["avg_pool2d", "global_avg_pool2d"])
def test_average_of_integer_input_asks_for_a_float_cast(op):
    with pytest.raises(TypeError, match=r"expected a floating-point input, received dtype "
                                        r"uint8; convert it first, e.g. x.astype\('float32'\)"):
        op(np.zeros((1, 4, 4, 1), np.uint8))


def test_max_pool_of_integer_input_pads_with_the_dtype_minimum():
    x = np.arange(9, dtype=np.uint8).reshape(1, 3, 3, 1)
    y = ops.max_pool2d(x, 2, padding="same")
    assert y.dtype == np.uint8
    np.testing.assert_array_equal(y.numpy()[0, ..., 0], [[4, 5], [7, 8]])
