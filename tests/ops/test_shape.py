"""Shape ops: forward vs NumPy, float64 gradients vs finite differences, and PyTorch.

Indexing rows cover basic slices, negative steps, None/Ellipsis, boolean masks and integer
arrays whose repeated indices must accumulate their gradients.
"""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import ops
from tests.ops.cases import Case, check_forward, check_gradient, check_torch, draw


def normal(*shapes):
    return lambda rng: [rng.standard_normal(s) for s in shapes]


MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])
ROWS = np.array([0, 2, 0, 0, -1])


CASES = [
    Case("reshape", lambda x: ops.reshape(x, (4, -1)), normal((2, 3, 4)),
         lambda x: x.reshape(4, -1), lambda t, x: x.reshape(4, -1)),
    Case("reshape_of_transposed", lambda x: ops.reshape(ops.transpose(x), (-1,)),
         normal((3, 4)), lambda x: x.T.reshape(-1), lambda t, x: x.T.reshape(-1)),
    Case("transpose_reverses", ops.transpose, normal((2, 3, 4)), np.transpose,
         lambda t, x: x.permute(2, 1, 0)),
    Case("transpose_axes", lambda x: ops.transpose(x, (1, -1, 0)), normal((2, 3, 4)),
         lambda x: x.transpose(1, 2, 0), lambda t, x: x.permute(1, 2, 0)),
    Case("expand_dims", lambda x: ops.expand_dims(x, 1), normal((2, 3)),
         lambda x: np.expand_dims(x, 1), lambda t, x: x.unsqueeze(1)),
    Case("expand_dims_two_axes", lambda x: ops.expand_dims(x, (0, -1)), normal((2, 3)),
         lambda x: np.expand_dims(x, (0, -1)), lambda t, x: x[None, ..., None]),
    Case("squeeze_all", ops.squeeze, normal((1, 3, 1, 2)), np.squeeze,
         lambda t, x: x.squeeze()),
    Case("squeeze_axis", lambda x: ops.squeeze(x, -2), normal((1, 3, 1, 2)),
         lambda x: np.squeeze(x, -2), lambda t, x: x.squeeze(-2)),
    Case("flatten", ops.flatten, normal((2, 3, 2)), np.ravel, lambda t, x: x.flatten()),
    Case("broadcast_to", lambda x: ops.broadcast_to(x, (2, 3, 4)), normal((3, 1)),
         lambda x: np.broadcast_to(x, (2, 3, 4)), lambda t, x: x.broadcast_to(2, 3, 4)),
    Case("concatenate", lambda a, b, c: ops.concatenate([a, b, c], axis=1),
         normal((2, 1, 3), (2, 4, 3), (2, 2, 3)),
         lambda a, b, c: np.concatenate([a, b, c], 1), lambda t, a, b, c: t.cat([a, b, c], 1)),
    Case("concatenate_negative_axis", lambda a, b: ops.concatenate((a, b), axis=-1),
         normal((3, 2), (3, 3)), lambda a, b: np.concatenate([a, b], -1),
         lambda t, a, b: t.cat([a, b], -1)),
    Case("stack", lambda a, b, c: ops.stack([a, b, c], axis=1), normal((2, 3), (2, 3), (2, 3)),
         lambda a, b, c: np.stack([a, b, c], 1), lambda t, a, b, c: t.stack([a, b, c], 1)),
    Case("stack_last", lambda a, b: ops.stack([a, b], axis=-1), normal((4,), (4,)),
         lambda a, b: np.stack([a, b], -1), lambda t, a, b: t.stack([a, b], -1)),
    Case("split_sections", lambda x: ops.split(x, 3, axis=1), normal((2, 6)),
         lambda x: np.split(x, 3, axis=1), lambda t, x: t.split(x, 2, 1)),
    Case("split_indices", lambda x: ops.split(x, [1, 4]), normal((5, 2)),
         lambda x: np.split(x, [1, 4]), lambda t, x: t.split(x, [1, 3, 1], 0)),
    Case("split_only_some_outputs_used", lambda x: ops.split(x, [1, -1], axis=-1)[1],
         normal((2, 5)), lambda x: np.split(x, [1, -1], axis=-1)[1],
         lambda t, x: t.split(x, [1, 3, 1], -1)[1]),
    Case("pad_constant", lambda x: ops.pad(x, ((1, 2), (0, 1)), constant_values=0.5),
         normal((2, 3)), lambda x: np.pad(x, ((1, 2), (0, 1)), constant_values=0.5),
         lambda t, x: t.nn.functional.pad(x, (0, 1, 1, 2), value=0.5)),
    Case("pad_int_width", lambda x: ops.pad(x, 1), normal((2, 3)), lambda x: np.pad(x, 1),
         lambda t, x: t.nn.functional.pad(x, (1, 1, 1, 1))),
    Case("pad_keras_none_fill_is_zero", lambda x: ops.pad(x, (0, 2), constant_values=None),
         normal((3,)), lambda x: np.pad(x, (0, 2)), lambda t, x: t.nn.functional.pad(x, (0, 2))),
    Case("pad_reflect", lambda x: ops.pad(x, ((0, 0), (2, 3)), mode="reflect"), normal((2, 5)),
         lambda x: np.pad(x, ((0, 0), (2, 3)), mode="reflect"),
         lambda t, x: t.nn.functional.pad(x, (2, 3), mode="reflect")),
    Case("pad_reflect_2d", lambda x: ops.pad(x, ((0, 0), (1, 2), (2, 1)), mode="reflect"),
         normal((1, 4, 3)), lambda x: np.pad(x, ((0, 0), (1, 2), (2, 1)), mode="reflect"),
         lambda t, x: t.nn.functional.pad(x, (2, 1, 1, 2), mode="reflect")),
    Case("pad_symmetric", lambda x: ops.pad(x, ((2, 1), (3, 0)), mode="symmetric"),
         normal((3, 4)), lambda x: np.pad(x, ((2, 1), (3, 0)), mode="symmetric")),
    Case("getitem_int", lambda x: ops.getitem(x, 1), normal((3, 4)), lambda x: x[1],
         lambda t, x: x[1]),
    Case("getitem_slices", lambda x: x[1:, ::2], normal((3, 5)), lambda x: x[1:, ::2],
         lambda t, x: x[1:, ::2]),
    Case("getitem_negative_steps", lambda x: x[::-1, 3:0:-2], normal((3, 5)),
         lambda x: x[::-1, 3:0:-2], lambda t, x: x.flip(0)[:, [3, 1]]),
    Case("getitem_none_and_ellipsis", lambda x: x[None, ..., 1], normal((2, 3, 4)),
         lambda x: x[None, ..., 1], lambda t, x: x[None, ..., 1]),
    Case("getitem_boolean_mask", lambda x: x[MASK], normal((3, 4)), lambda x: x[MASK],
         lambda t, x: x[t.from_numpy(MASK)]),
    Case("getitem_mask_tensor_on_rows", lambda x: x[db.Tensor(MASK[:, 0])], normal((3, 4)),
         lambda x: x[MASK[:, 0]], lambda t, x: x[t.from_numpy(MASK[:, 0])]),
    Case("getitem_repeated_rows", lambda x: x[ROWS], normal((3, 4)), lambda x: x[ROWS],
         lambda t, x: x[t.from_numpy(ROWS)]),
    Case("getitem_repeated_elements_1d", lambda x: x[[1, 1, 3, 1]], normal((4,)),
         lambda x: x[[1, 1, 3, 1]], lambda t, x: x[[1, 1, 3, 1]]),
    Case("getitem_index_matrix", lambda x: x[np.array([[0, 1], [1, 1]])], normal((2, 3)),
         lambda x: x[np.array([[0, 1], [1, 1]])], lambda t, x: x[t.tensor([[0, 1], [1, 1]])]),
    Case("getitem_repeated_pairs", lambda x: x[[0, 2, 0], [1, 3, 1]], normal((3, 4)),
         lambda x: x[[0, 2, 0], [1, 3, 1]], lambda t, x: x[[0, 2, 0], [1, 3, 1]]),
    Case("getitem_fancy_inner_axis", lambda x: x[:, [2, 0, 2]], normal((2, 3, 2)),
         lambda x: x[:, [2, 0, 2]], lambda t, x: x[:, [2, 0, 2]]),
    Case("take_flat", lambda x: ops.take(x, [5, 0, 5, -1]), normal((2, 3)),
         lambda x: np.take(x, [5, 0, 5, -1]), lambda t, x: t.take(x, t.tensor([5, 0, 5, 5]))),
    Case("take_axis", lambda x: ops.take(x, [[2, 0], [2, 2]], axis=1), normal((2, 3, 2)),
         lambda x: np.take(x, [[2, 0], [2, 2]], axis=1),
         lambda t, x: x[:, t.tensor([[2, 0], [2, 2]])]),
    Case("take_last_axis_1d", lambda x: ops.take(x, [-1, 1, 1], axis=-1), normal((4,)),
         lambda x: np.take(x, [-1, 1, 1], axis=-1), lambda t, x: x[t.tensor([3, 1, 1])]),
    Case("repeat", lambda x: ops.repeat(x, 3, axis=1), normal((2, 3)),
         lambda x: np.repeat(x, 3, axis=1), lambda t, x: x.repeat_interleave(3, dim=1)),
    Case("repeat_per_element", lambda x: ops.repeat(x, [2, 0, 1], axis=0), normal((3, 2)),
         lambda x: np.repeat(x, [2, 0, 1], axis=0),
         lambda t, x: x.repeat_interleave(t.tensor([2, 0, 1]), dim=0)),
    Case("repeat_flattened", lambda x: ops.repeat(x, 2), normal((2, 2)),
         lambda x: np.repeat(x, 2), lambda t, x: x.repeat_interleave(2)),
    Case("tile", lambda x: ops.tile(x, (2, 1, 3)), normal((2, 3)),
         lambda x: np.tile(x, (2, 1, 3)), lambda t, x: x.tile(2, 1, 3)),
    Case("tile_short_reps", lambda x: ops.tile(x, 2), normal((2, 3)), lambda x: np.tile(x, 2),
         lambda t, x: x.tile(2)),
    Case("flip_all", ops.flip, normal((2, 3)), np.flip, lambda t, x: x.flip(0, 1)),
    Case("flip_axes", lambda x: ops.flip(x, (0, -1)), normal((2, 3, 4)),
         lambda x: np.flip(x, (0, -1)), lambda t, x: x.flip(0, -1)),
    Case("swapaxes", lambda x: ops.swapaxes(x, 0, -1), normal((2, 3, 4)),
         lambda x: np.swapaxes(x, 0, -1), lambda t, x: x.swapaxes(0, -1)),
    Case("moveaxis", lambda x: ops.moveaxis(x, (0, 1), (-1, 0)), normal((2, 3, 4)),
         lambda x: np.moveaxis(x, (0, 1), (-1, 0)), lambda t, x: x.movedim((0, 1), (-1, 0))),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=str)
def test_forward_matches_numpy(case):
    check_forward(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_matches_finite_differences(case):
    check_gradient(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_pytorch(case):
    check_torch(case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_float32_stays_float32(case):
    xs = [db.Tensor(a.astype(np.float32), requires_grad=True) for a in draw(case)]
    outs = case.op(*xs)
    for out in outs if isinstance(outs, tuple) else (outs,):
        assert out.dtype == np.float32
        out.backward(np.ones(out.shape, np.float32), retain_graph=True)
    assert [x.grad.dtype for x in xs] == [np.float32] * len(xs)


def test_repeated_integer_indices_add_their_gradients():
    x = db.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    ops.getitem(x, [0, 0, 2]).backward(np.array([1.0, 10.0, 100.0], np.float32))
    np.testing.assert_array_equal(x.grad, [11.0, 0.0, 100.0])


@pytest.mark.parametrize("gather", [
    lambda x, i: x[i],
    lambda x, i: ops.take(x, i, axis=0),
], ids=["getitem", "take"])  # fmt: skip
def test_embedding_sized_row_gather_scatters_like_np_add_at(gather):
    rng = np.random.default_rng(0)
    table = db.Tensor(rng.standard_normal((500, 16)).astype(np.float32), requires_grad=True)
    index = rng.integers(-500, 500, size=(40, 50))
    upstream = rng.standard_normal((40, 50, 16)).astype(np.float32)
    gather(table, index).backward(upstream)
    want = np.zeros((500, 16))
    np.add.at(want, index, upstream)
    assert table.grad.dtype == np.float32
    np.testing.assert_allclose(table.grad, want, rtol=1e-5, atol=1e-5)


def test_split_outputs_that_the_loss_ignores_pass_back_zeros():
    x = db.Tensor(np.ones((2, 6)), requires_grad=True)
    first, middle, last = ops.split(x, 3, axis=1)
    middle.backward(np.full((2, 2), 5.0))
    np.testing.assert_array_equal(x.grad, [[0, 0, 5, 5, 0, 0]] * 2)


@pytest.mark.parametrize("view", [
    lambda x: ops.reshape(x, (4, 3)),
    lambda x: ops.transpose(x),
    lambda x: ops.expand_dims(x, 0),
    lambda x: ops.squeeze(ops.expand_dims(x, 1)),
    lambda x: ops.broadcast_to(x, (2, 3, 4)),
    lambda x: x[1:, ::-2],
    lambda x: ops.flip(x, 1),
    lambda x: ops.swapaxes(x, 0, 1),
    lambda x: ops.moveaxis(x, 0, -1),
], ids=["reshape", "transpose", "expand_dims", "squeeze", "broadcast_to", "slice", "flip",
        "swapaxes", "moveaxis"])  # fmt: skip
def test_ops_that_only_move_elements_return_views_without_copying(view):
    x = db.Tensor(np.arange(12.0).reshape(3, 4))
    assert np.shares_memory(view(x).data, x.data)


def test_tensor_methods_route_to_the_shape_ops():
    x = db.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.reshape(3, 2).shape == x.reshape((3, 2)).shape == (3, 2)
    assert x.T.shape == x.transpose().shape == (3, 2)
    assert x.transpose(1, 0).shape == (3, 2)
    assert x.flatten().shape == (6,)
    assert x.expand_dims(0).squeeze().shape == (2, 3)
    x[1, ::-1].backward(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.grad, [[0, 0, 0], [3, 2, 1]])


def test_array_and_list_inputs_are_accepted_and_lists_default_to_float32():
    assert ops.reshape([1.0, 2.0], (2, 1)).dtype == np.float32
    assert ops.concatenate([np.zeros(2), [1.0]]).shape == (3,)


ERRORS = [
    (lambda: ops.reshape(np.zeros((2, 3)), (4, 2)), ValueError,
     r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into shape \(4, 2\)"),
    (lambda: ops.reshape(np.zeros((2, 3)), (-1, -1)), ValueError,
     r"reshape: .* at most one dimension may be -1"),
    (lambda: ops.reshape(np.zeros(4), (2.0, 2)), TypeError, r"reshape: newshape must be"),
    (lambda: ops.transpose(np.zeros((2, 3)), (0,)), ValueError,
     r"transpose: axes \(0,\) are not a permutation of the 2 axes .* \(2, 3\)"),
    (lambda: ops.transpose(np.zeros((2, 3)), (0, 0)), ValueError, r"transpose: repeated axis"),
    (lambda: ops.transpose(np.zeros((2, 3)), (0, 2)), ValueError,
     r"transpose: axis 2 is out of range for a tensor of shape \(2, 3\) \(valid axes: -2 to 1\)"),
    (lambda: ops.expand_dims(np.zeros((2, 3)), 3), ValueError,
     r"expand_dims: axis 3 is out of range .* \(2, 3\) plus 1 new axis \(valid axes: -3 to 2\)"),
    (lambda: ops.squeeze(np.zeros((2, 3)), 0), ValueError,
     r"squeeze: cannot remove axis 0 of a tensor of shape \(2, 3\): its length is 2"),
    (lambda: ops.broadcast_to(np.zeros(3), (4, 2)), ValueError,
     r"broadcast_to: cannot broadcast a tensor of shape \(3,\) to shape \(4, 2\)"),
    (lambda: ops.concatenate([np.zeros((2, 3)), np.zeros((4, 4))]), ValueError,
     r"concatenate: along axis 0, .* received shapes \(2, 3\), \(4, 4\)"),
    (lambda: ops.concatenate([np.zeros((2, 3)), np.zeros(3)], axis=1), ValueError,
     r"concatenate: along axis 1, .* received shapes \(2, 3\), \(3,\)"),
    (lambda: ops.concatenate(np.zeros((2, 3))), TypeError,
     r"concatenate: expects a non-empty list or tuple of tensors; received ndarray"),
    (lambda: ops.concatenate([np.float32(1.0)]), ValueError, r"concatenate: 0-d tensors"),
    (lambda: ops.stack([np.zeros(2), np.zeros(3)]), ValueError,
     r"stack: all inputs must have the same shape; received shapes \(2,\), \(3,\)"),
    (lambda: ops.stack([np.zeros(2)], axis=2), ValueError, r"stack: axis 2 is out of range"),
    (lambda: ops.split(np.zeros(7), 3), ValueError,
     r"split: cannot split axis 0 of length 7 \(shape \(7,\)\) into 3 equal sections"),
    (lambda: ops.split(np.zeros(7), [3, 1]), ValueError,
     r"split: indices \[3, 1\] along axis 0 of length 7 must be increasing"),
    (lambda: ops.pad(np.zeros(3), 1, mode="wrap"), ValueError,
     r"pad: mode must be one of \('constant', 'reflect', 'symmetric'\); received 'wrap'"),
    (lambda: ops.pad(np.zeros((2, 3)), (1, -1)), ValueError,
     r"pad: pad_width must be .* tensor of shape \(2, 3\); received \(1, -1\)"),
    (lambda: ops.pad(np.zeros((2, 3)), ((1, 1), (1, 1), (1, 1))), ValueError,
     r"pad: pad_width must be"),
    (lambda: ops.pad(np.zeros(3), 3, mode="reflect"), ValueError,
     r"pad: mode='reflect' can add at most 2 cells on each side of axis 0 \(length 3\)"),
    (lambda: ops.getitem(np.zeros(3), 5), IndexError,
     r"getitem: index 5 is out of bounds .* \(tensor of shape \(3,\)\)"),
    (lambda: ops.getitem(np.zeros(3), np.array([True, False])), IndexError,
     r"getitem: .*\(tensor of shape \(3,\)\)"),
    (lambda: ops.take(np.zeros((2, 3)), [0, 3], axis=1), IndexError,
     r"take: index 3 is out of range for axis 1 of shape \(2, 3\) of length 3"),
    (lambda: ops.take(np.zeros(3), [-4]), IndexError,
     r"take: index -4 is out of range for the flattened tensor of length 3"),
    (lambda: ops.take(np.zeros(3), [0.0]), TypeError, r"take: indices must be integers"),
    (lambda: ops.repeat(np.zeros(3), -1), ValueError,
     r"repeat: repeats must be a non-negative int .* received -1"),
    (lambda: ops.repeat(np.zeros(3), [1, 2]), ValueError,
     r"repeat: .* one non-negative int per element along axis 0 \(length 3"),
    (lambda: ops.tile(np.zeros(3), (2, -1)), ValueError, r"tile: reps must be non-negative"),
    (lambda: ops.flip(np.zeros((2, 3)), 2), ValueError,
     r"flip: axis 2 is out of range for a tensor of shape \(2, 3\)"),
    (lambda: ops.flip(np.zeros((2, 3)), 0.5), TypeError, r"flip: axis must be an int"),
    (lambda: ops.swapaxes(np.zeros((2, 3)), 0, -3), ValueError,
     r"swapaxes: axis -3 is out of range"),
    (lambda: ops.moveaxis(np.zeros((2, 3)), (0, 1), 0), ValueError,
     r"moveaxis: source \(0, 1\) and destination 0 must name the same number of axes"),
]  # fmt: skip


@pytest.mark.parametrize(
    "call, error, message", ERRORS, ids=[m.split(":")[0] for _, _, m in ERRORS]
)
def test_bad_arguments_raise_errors_naming_the_op_and_the_shapes(call, error, message):
    with pytest.raises(error, match=message):
        call()
