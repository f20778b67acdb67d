"""Initializers: statistics of large draws, Keras fans, seeding, orthogonality, get/serialize."""

import math
import os

import numpy as np
import pytest

from deepbricks import backend, initializers

os.environ.setdefault("KERAS_BACKEND", "torch")

DENSE = (400, 300)
CONV = (3, 3, 64, 32)  # fan_in = 576, fan_out = 288


# (initializer, shape, expected mean, expected std, bound on |w - mean| or None)
def uniform_case(init, shape, limit):
    return init, shape, 0.0, limit / math.sqrt(3.0), limit


def truncated_case(init, shape, variance):
    # VarianceScaling rescales the truncated normal so that its variance is exactly this.
    sigma = math.sqrt(variance) / 0.87962566103423978
    return init, shape, 0.0, math.sqrt(variance), 2.0 * sigma


STATISTICS = {
    "random_normal": (initializers.RandomNormal(1.0, 0.5, seed=1), DENSE, 1.0, 0.5, None),
    "random_uniform": (initializers.RandomUniform(-0.3, 0.5, seed=1), DENSE, 0.1,
                       0.8 / math.sqrt(12.0), 0.4),
    "truncated_normal": (initializers.TruncatedNormal(0.0, 1.0, seed=1), DENSE, 0.0,
                         0.87962566103423978, 2.0),
    "glorot_uniform_dense": uniform_case(initializers.GlorotUniform(1), DENSE,
                                         math.sqrt(6.0 / 700)),
    "glorot_uniform_conv": uniform_case(initializers.GlorotUniform(1), CONV,
                                        math.sqrt(6.0 / (576 + 288))),
    "glorot_normal_conv": truncated_case(initializers.GlorotNormal(1), CONV, 2.0 / (576 + 288)),
    "he_normal_conv": truncated_case(initializers.HeNormal(1), CONV, 2.0 / 576),
    "he_uniform_conv": uniform_case(initializers.HeUniform(1), CONV, math.sqrt(6.0 / 576)),
    "lecun_normal_dense": truncated_case(initializers.LecunNormal(1), DENSE, 1.0 / 400),
    "lecun_uniform_conv": uniform_case(initializers.LecunUniform(1), CONV, math.sqrt(3.0 / 576)),
    "variance_scaling_fan_out": truncated_case(
        initializers.VarianceScaling(3.0, "fan_out", seed=1), CONV, 3.0 / 288),
    "variance_scaling_untruncated": (
        initializers.VarianceScaling(2.0, "fan_avg", "untruncated_normal", seed=1), DENSE, 0.0,
        math.sqrt(2.0 / 350), None),
}  # fmt: skip


@pytest.mark.parametrize("key", STATISTICS)
def test_large_draws_have_the_documented_statistics(key):
    init, shape, mean, std, bound = STATISTICS[key]
    w = init(shape)
    assert w.shape == shape and w.dtype == np.float32
    assert abs(w.mean() - mean) < 0.03 * std
    assert abs(w.std() - std) < 0.02 * std
    if bound is not None:
        assert np.abs(w - mean).max() <= bound * (1 + 1e-6)
        assert np.abs(w - mean).max() > 0.95 * bound  # the whole range is used


KERAS_NAMED = ["GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal",
               "LecunUniform", "Orthogonal"]


@pytest.mark.parametrize("name", KERAS_NAMED)
@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
def test_spread_matches_keras(name, shape):
    keras = pytest.importorskip("keras", reason="Keras is the optional reference")
    ours = getattr(initializers, name)(seed=3)(shape)
    theirs = getattr(keras.initializers, name)(seed=3)(shape).detach().cpu().numpy()
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    assert abs(ours.std() - theirs.std()) < 0.03 * theirs.std()
    assert abs(np.abs(ours).max() - np.abs(theirs).max()) < 0.1 * np.abs(theirs).max()


def test_fans_count_the_receptive_field():
    assert initializers.compute_fans((3, 3, 16, 32)) == (144, 288)
    assert initializers.compute_fans((5, 8, 4)) == (40, 20)  # Conv1D (k, in, out)
    assert initializers.compute_fans((784, 10)) == (784, 10)
    assert initializers.compute_fans((7,)) == (7, 7)
    assert initializers.compute_fans(()) == (1, 1)


def test_int_seed_repeats_and_different_seeds_differ():
    a = initializers.HeNormal(seed=5)
    np.testing.assert_array_equal(a((20, 30)), a((20, 30)))
    assert not np.array_equal(a((20, 30)), initializers.HeNormal(seed=6)((20, 30)))


def test_no_seed_draws_fresh_values_from_the_shared_generator():
    init = initializers.RandomNormal()
    backend.seed_generator(11)
    first = init((5, 5)), init((5, 5))
    backend.seed_generator(11)
    second = init((5, 5)), init((5, 5))
    assert not np.array_equal(first[0], first[1])
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


@pytest.mark.parametrize("shape", [(64, 32), (32, 64), (3, 3, 4, 8), (16, 16)])
def test_orthogonal_gives_orthonormal_columns_or_rows(shape):
    w = initializers.Orthogonal(gain=2.0, seed=0)(shape)
    assert w.shape == shape and w.dtype == np.float32
    flat = w.reshape(-1, shape[-1]).astype(np.float64) / 2.0
    small = min(flat.shape)
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-5)


def test_identity_and_constants():
    np.testing.assert_array_equal(initializers.Identity(3.0)((2, 3)),
                                  [[3, 0, 0], [0, 3, 0]])
    np.testing.assert_array_equal(initializers.Constant(0.5)((2,)), [0.5, 0.5])
    assert initializers.Zeros()((2, 2)).sum() == 0 and initializers.Ones()((3,)).sum() == 3
    assert initializers.Zeros()((2,), dtype="int32").dtype == np.int32


@pytest.mark.parametrize("name", ["glorot_uniform", "he_normal", "orthogonal", "random_uniform",
                                  "truncated_normal", "identity", "zeros"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_dtype_is_honoured(name, dtype):
    assert initializers.get(name)((4, 4), dtype=dtype).dtype == np.dtype(dtype)


def test_default_dtype_follows_floatx():
    backend.set_floatx("float64")
    try:
        assert initializers.GlorotUniform()((2, 2)).dtype == np.float64
    finally:
        backend.set_floatx("float32")


@pytest.mark.parametrize("name, cls", [
    ("zeros", "Zeros"), ("zero", "Zeros"), ("ones", "Ones"), ("one", "Ones"),
    ("constant", "Constant"), ("random_normal", "RandomNormal"), ("normal", "RandomNormal"),
    ("random_uniform", "RandomUniform"), ("uniform", "RandomUniform"),
    ("truncated_normal", "TruncatedNormal"), ("variance_scaling", "VarianceScaling"),
    ("glorot_uniform", "GlorotUniform"), ("glorot_normal", "GlorotNormal"),
    ("xavier_uniform", "GlorotUniform"), ("xavier_normal", "GlorotNormal"),
    ("he_normal", "HeNormal"), ("he_uniform", "HeUniform"), ("lecun_normal", "LecunNormal"),
    ("lecun_uniform", "LecunUniform"), ("orthogonal", "Orthogonal"), ("identity", "Identity"),
    ("GlorotUniform", "GlorotUniform"),
])  # fmt: skip
def test_get_by_name(name, cls):
    assert type(initializers.get(name)) is getattr(initializers, cls)


def test_get_passes_through_none_callables_and_instantiates_classes():
    def fn(shape, dtype=None):
        return np.zeros(shape, dtype)

    assert initializers.get(None) is None
    assert initializers.get(fn) is fn
    init = initializers.HeNormal()
    assert initializers.get(init) is init
    assert type(initializers.get(initializers.Ones)) is initializers.Ones


@pytest.mark.parametrize("init", [
    initializers.RandomNormal(0.5, 2.0, seed=1), initializers.VarianceScaling(2.0, "fan_avg",
    "uniform", seed=4), initializers.HeUniform(seed=9), initializers.Constant(3.0),
    initializers.Orthogonal(0.5), initializers.Identity(2.0), initializers.Zeros(),
])  # fmt: skip
def test_serialize_round_trip(init):
    config = initializers.serialize(init)
    again = initializers.get(config)
    assert type(again) is type(init) and again.get_config() == init.get_config()
    if init.get_config().get("seed") is not None:
        np.testing.assert_array_equal(again((6, 4)), init((6, 4)))


def test_named_variance_scaling_configs_hold_only_the_seed():
    assert initializers.GlorotUniform(seed=2).get_config() == {"seed": 2}
    assert initializers.serialize(initializers.HeNormal()) == {
        "class_name": "HeNormal", "config": {"seed": None}}


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown initializer 'glorot'.*glorot_normal"):
        initializers.get("glorot")


@pytest.mark.parametrize("make, message", [
    (lambda: initializers.VarianceScaling(mode="fan"), "`mode` must be one of fan_in"),
    (lambda: initializers.VarianceScaling(distribution="cauchy"), "`distribution` must be"),
    (lambda: initializers.VarianceScaling(scale=0.0), "`scale` must be a positive"),
    (lambda: initializers.RandomUniform(1.0, -1.0), "minval < maxval"),
    (lambda: initializers.Orthogonal()((5,)), r"rank >= 2; received shape=\(5,\)"),
    (lambda: initializers.Identity()((2, 2, 2)), "2-D matrices only"),
    (lambda: initializers.GlorotUniform()((2, -1)), "must be >= 0"),
])  # fmt: skip
def test_bad_arguments_raise_value_error_naming_the_initializer(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_type_errors_for_integer_dtypes_bad_seeds_and_bad_shapes():
    with pytest.raises(TypeError, match=r"GlorotUniform expects a shape tuple of ints.*'a'"):
        initializers.GlorotUniform()(("a", 2))
    with pytest.raises(TypeError, match="HeNormal makes floating-point weights.*int32"):
        initializers.HeNormal()((2, 2), dtype="int32")
    with pytest.raises(TypeError, match="`seed` must be an int or None"):
        initializers.RandomNormal(seed=1.5)
