"""Regularizers: penalty values (vs formulas and Keras), float64 gradients, get/config, errors."""

import os

import numpy as np
import pytest

from deepbricks import Tensor, regularizers
from deepbricks.autograd import gradcheck

os.environ.setdefault("KERAS_BACKEND", "torch")


def weight(shape=(4, 3), seed=0):
    # Away from 0, where |x| has its kink.
    rng = np.random.default_rng(seed)
    return rng.uniform(0.2, 1.5, shape) * rng.choice([-1.0, 1.0], shape)


def orthogonal_reference(x, factor, mode):
    u = x if mode == "rows" else x.T
    u = u / np.linalg.norm(u, axis=1, keepdims=True)
    n = u.shape[0]
    off = np.abs(u @ u.T)[~np.eye(n, dtype=bool)].sum()
    return factor * 0.5 * off / (n * (n - 1) / 2)


CASES = {
    "l1": (regularizers.L1(0.3), lambda x: 0.3 * np.abs(x).sum()),
    "l2": (regularizers.L2(0.2), lambda x: 0.2 * np.square(x).sum()),
    "l1_l2": (regularizers.L1L2(l1=0.1, l2=0.05),
              lambda x: 0.1 * np.abs(x).sum() + 0.05 * np.square(x).sum()),
    "l1_l2_only_l2": (regularizers.L1L2(l2=0.05), lambda x: 0.05 * np.square(x).sum()),
    "orthogonal_rows": (regularizers.OrthogonalRegularizer(0.5),
                        lambda x: orthogonal_reference(x, 0.5, "rows")),
    "orthogonal_columns": (regularizers.OrthogonalRegularizer(0.5, mode="columns"),
                           lambda x: orthogonal_reference(x, 0.5, "columns")),
}  # fmt: skip


@pytest.mark.parametrize("key", CASES)
def test_value_matches_the_formula(key):
    reg, reference = CASES[key]
    x = weight()
    penalty = reg(Tensor(x))
    assert penalty.shape == ()
    np.testing.assert_allclose(penalty.numpy(), reference(x), rtol=1e-12)


@pytest.mark.parametrize("key", CASES)
def test_gradient_matches_finite_differences(key):
    reg, _ = CASES[key]
    assert gradcheck(reg, [weight()])


@pytest.mark.parametrize("key", CASES)
def test_value_matches_keras(key):
    keras = pytest.importorskip("keras", reason="Keras is the optional reference")
    reg, _ = CASES[key]
    theirs = keras.regularizers.get(regularizers.serialize(reg))
    x = weight().astype("float32")
    want = float(theirs(keras.ops.convert_to_tensor(x)))
    got = reg(Tensor(x))
    assert got.dtype == np.float32
    np.testing.assert_allclose(float(got.numpy()), want, rtol=1e-5)


def test_l2_gradient_is_two_l2_x_and_flows_into_the_weight():
    w = Tensor(np.array([1.0, -2.0], "float32"), requires_grad=True)
    regularizers.L2(0.5)(w).backward()
    np.testing.assert_allclose(w.grad, [1.0, -2.0])


def test_zero_factors_give_a_zero_scalar_of_the_weight_dtype():
    penalty = regularizers.L1L2()(Tensor(np.ones(3, "float32")))
    assert penalty.shape == () and penalty.dtype == np.float32 and float(penalty.numpy()) == 0.0


def test_arrays_are_accepted():
    assert float(regularizers.L1(1.0)(np.array([1.0, -2.0])).numpy()) == 3.0


@pytest.mark.parametrize("name, cls, config", [
    ("l1", "L1", {"l1": 0.01}), ("l2", "L2", {"l2": 0.01}),
    ("l1_l2", "L1L2", {"l1": 0.0, "l2": 0.0}), ("L2", "L2", {"l2": 0.01}),
    ("orthogonal_regularizer", "OrthogonalRegularizer", {"factor": 0.01, "mode": "rows"}),
])  # fmt: skip
def test_get_by_name_gives_keras_defaults(name, cls, config):
    reg = regularizers.get(name)
    assert type(reg) is getattr(regularizers, cls) and reg.get_config() == config


def test_get_config_dicts_callables_and_none():
    reg = regularizers.get({"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}})
    assert reg.get_config() == {"l1": 0.1, "l2": 0.2}

    def custom(x):
        return x.sum()

    assert regularizers.get(custom) is custom
    assert regularizers.get(None) is None
    assert type(regularizers.get(regularizers.L2)) is regularizers.L2


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown regularizer 'l3'.*l1, l1_l2, l2"):
        regularizers.get("l3")


def test_bad_factors_and_shapes_raise_value_error():
    with pytest.raises(ValueError, match=r"L2: `l2` must be a non-negative float.*l2=-0.1"):
        regularizers.L2(-0.1)
    with pytest.raises(ValueError, match="`mode` must be 'rows' or 'columns'"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match=r"needs a 2-D weight; received shape \(2, 2, 2\)"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2)))
    with pytest.raises(TypeError, match="L1 penalizes floating-point weights.*int64"):
        regularizers.L1()(np.ones(3, dtype=np.int64))
