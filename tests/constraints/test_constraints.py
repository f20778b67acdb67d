"""Constraints: projections against their formulas and Keras, dtype kept, get/config, errors."""

import os

import numpy as np
import pytest

from deepbricks import Tensor, constraints

os.environ.setdefault("KERAS_BACKEND", "torch")


def weight(shape=(5, 4), seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


CASES = {
    "max_norm": constraints.MaxNorm(1.5),
    "max_norm_axis1": constraints.MaxNorm(1.0, axis=1),
    "max_norm_conv": constraints.MaxNorm(2.0, axis=[0, 1, 2]),
    "non_neg": constraints.NonNeg(),
    "unit_norm": constraints.UnitNorm(),
    "unit_norm_conv": constraints.UnitNorm(axis=[0, 1, 2]),
    "min_max_norm": constraints.MinMaxNorm(1.5, 2.0),
    "min_max_norm_rate": constraints.MinMaxNorm(1.5, 2.0, rate=0.5, axis=1),
}


def shape_for(key):
    return (3, 3, 2, 4) if key.endswith("conv") else (5, 4)


@pytest.mark.parametrize("key", CASES)
def test_matches_keras(key):
    keras = pytest.importorskip("keras", reason="Keras is the optional reference")
    ours = CASES[key]
    theirs = keras.constraints.get(constraints.serialize(ours))
    w = weight(shape_for(key))
    got = ours(w)
    want = theirs(keras.ops.convert_to_tensor(w)).detach().cpu().numpy()
    assert got.shape == w.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_max_norm_caps_norms_and_leaves_short_vectors_alone():
    w = np.array([[3.0, 0.3], [4.0, 0.4]], "float32")
    out = constraints.MaxNorm(2.0)(w)
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), [2.0, 0.5], rtol=1e-6)
    np.testing.assert_allclose(out[:, 1], w[:, 1], rtol=1e-6)


def test_unit_norm_and_min_max_norm_hit_their_targets():
    w = weight()
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm()(w), axis=0), 1.0, rtol=1e-6)
    norms = np.linalg.norm(constraints.MinMaxNorm(2.5, 3.0)(w), axis=0)
    assert np.all((norms >= 2.5 - 1e-5) & (norms <= 3.0 + 1e-5))


def test_non_neg_zeroes_negatives_and_accepts_tensors():
    out = constraints.NonNeg()(Tensor(np.array([-1.0, 2.0], "float32")))
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, [0.0, 2.0])


def test_all_zero_vectors_stay_finite():
    out = constraints.UnitNorm()(np.zeros((3, 2), "float32"))
    assert np.all(np.isfinite(out))


def test_float64_stays_float64():
    assert constraints.MaxNorm()(weight().astype("float64")).dtype == np.float64


@pytest.mark.parametrize("name, cls", [
    ("max_norm", "MaxNorm"), ("non_neg", "NonNeg"), ("unit_norm", "UnitNorm"),
    ("min_max_norm", "MinMaxNorm"), ("MaxNorm", "MaxNorm"),
])  # fmt: skip
def test_get_by_name(name, cls):
    assert type(constraints.get(name)) is getattr(constraints, cls)


@pytest.mark.parametrize("key", CASES)
def test_config_round_trip(key):
    again = constraints.get(constraints.serialize(CASES[key]))
    assert type(again) is type(CASES[key]) and again.get_config() == CASES[key].get_config()


def test_get_passes_through_none_and_callables():
    def clip(w):
        return np.clip(w, -1, 1)

    assert constraints.get(None) is None and constraints.get(clip) is clip


def test_errors_name_the_constraint():
    with pytest.raises(ValueError, match="Unknown constraint 'maxnorm'.*max_norm, min_max_norm"):
        constraints.get("maxnorm")
    with pytest.raises(ValueError, match=r"MaxNorm: axis=2 is out of range.*\(5, 4\)"):
        constraints.MaxNorm(axis=2)(weight())
    with pytest.raises(ValueError, match="min_value <= max_value"):
        constraints.MinMaxNorm(2.0, 1.0)
    with pytest.raises(TypeError, match="NonNeg constrains floating-point weights.*int64"):
        constraints.NonNeg()(np.array([1, -1]))
