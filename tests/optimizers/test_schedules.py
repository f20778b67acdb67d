"""Learning-rate schedules against Keras 3 at several steps, plus configs and errors."""

import os

import numpy as np
import pytest

from deepbricks.optimizers import schedules

os.environ.setdefault("KERAS_BACKEND", "torch")

STEPS = [0, 1, 5, 9, 10, 11, 20, 37, 100, 1000]

# (class name, positional args, keyword args), the same in deepbricks and Keras.
CASES = {
    "exponential": ("ExponentialDecay", (0.1, 10, 0.5), {}),
    "exponential_staircase": ("ExponentialDecay", (0.1, 10, 0.5), {"staircase": True}),
    "piecewise": ("PiecewiseConstantDecay", ([10, 20], [1.0, 0.5, 0.1]), {}),
    "polynomial": ("PolynomialDecay", (0.1, 20), {}),
    "polynomial_power": ("PolynomialDecay", (0.1, 20), {"end_learning_rate": 0.01, "power": 2.0}),
    "polynomial_cycle": ("PolynomialDecay", (0.1, 20), {"power": 0.5, "cycle": True}),
    "inverse_time": ("InverseTimeDecay", (0.1, 10, 0.5), {}),
    "inverse_time_staircase": ("InverseTimeDecay", (0.1, 10, 0.5), {"staircase": True}),
    "cosine": ("CosineDecay", (0.1, 20), {}),
    "cosine_alpha": ("CosineDecay", (0.1, 20), {"alpha": 0.2}),
    "cosine_warmup": ("CosineDecay", (0.0, 20), {"warmup_target": 0.1, "warmup_steps": 10}),
    "cosine_warmup_from_nonzero": (
        "CosineDecay", (0.01, 20), {"warmup_target": 0.1, "warmup_steps": 5, "alpha": 0.1}
    ),
}


def build(module, key):
    name, args, kwargs = CASES[key]
    return getattr(module, name)(*args, **kwargs)


@pytest.mark.parametrize("key", CASES)
def test_matches_keras_at_several_steps(key):
    keras = pytest.importorskip("keras", reason="Keras is the optional reference")
    ours = build(schedules, key)
    theirs = build(keras.optimizers.schedules, key)
    for step in STEPS:
        want = float(theirs(step))
        got = ours(step)
        assert type(got) is float
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9, err_msg=f"{key} at {step}")


@pytest.mark.parametrize("key", CASES)
def test_arrays_of_steps_give_the_same_values_as_scalars(key):
    schedule = build(schedules, key)
    values = schedule(np.array(STEPS))
    assert values.shape == (len(STEPS),)
    np.testing.assert_allclose(values, [schedule(s) for s in STEPS], rtol=1e-15)


@pytest.mark.parametrize("key", CASES)
def test_config_round_trip(key):
    schedule = build(schedules, key)
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule)
    assert again.get_config() == schedule.get_config()
    assert [again(s) for s in STEPS] == [schedule(s) for s in STEPS]


def test_documented_values():
    assert schedules.ExponentialDecay(0.1, 10, 0.5)(20) == pytest.approx(0.025)
    assert schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)(19) == pytest.approx(0.05)
    piecewise = schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    assert [piecewise(s) for s in (0, 100, 101, 200, 201)] == [1.0, 1.0, 0.5, 0.5, 0.1]
    assert schedules.CosineDecay(1.0, 10, alpha=0.1)(10) == pytest.approx(0.1)
    assert schedules.CosineDecay(1.0, 10)(5) == pytest.approx(0.5)
    assert schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0)(15) == 0.0


@pytest.mark.parametrize("cls", ["ExponentialDecay", "InverseTimeDecay"])
def test_decay_steps_must_be_positive(cls):
    with pytest.raises(ValueError, match=rf"{cls}: `decay_steps` must be > 0.*decay_steps=0"):
        getattr(schedules, cls)(0.1, 0, 0.5)


def test_piecewise_boundaries_and_values_must_fit():
    with pytest.raises(ValueError, match="one element fewer than `values`"):
        schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5])
    with pytest.raises(ValueError, match="strictly increasing"):
        schedules.PiecewiseConstantDecay([20, 10], [1.0, 0.5, 0.1])


def test_unknown_schedule_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown learning-rate schedule 'Cyclic'.*CosineDecay"):
        schedules.deserialize({"class_name": "Cyclic", "config": {}})
