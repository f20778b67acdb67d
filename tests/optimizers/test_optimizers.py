"""Optimizers: five steps against Keras 3, state round trips, clipping, decay and errors.

Every row of CASES builds the same optimizer (class name and keyword arguments) in deepbricks
and in Keras, applies the same five gradients to the same float32 weights and compares the
weights after every step.
"""

import os
from dataclasses import dataclass, field

import numpy as np
import pytest

from deepbricks import optimizers
from deepbricks.autograd import Tensor, Variable

os.environ.setdefault("KERAS_BACKEND", "torch")

SHAPES = [(3, 4), (4,)]
STEPS = 5


@dataclass
class Case:
    id: str
    name: str  # the class name, the same in deepbricks.optimizers and keras.optimizers
    kwargs: dict = field(default_factory=dict)
    schedule: tuple | None = None  # (schedule class name, args) for learning_rate

    def build(self, module):
        kwargs = dict(self.kwargs)
        if self.schedule is not None:
            cls, args = self.schedule
            kwargs["learning_rate"] = getattr(module.schedules, cls)(*args)
        return getattr(module, self.name)(**kwargs)

    def __str__(self):
        return self.id


CASES = [
    Case("sgd", "SGD", dict(learning_rate=0.1)),
    Case("sgd_momentum", "SGD", dict(learning_rate=0.1, momentum=0.9)),
    Case("sgd_nesterov", "SGD", dict(learning_rate=0.1, momentum=0.9, nesterov=True)),
    Case("sgd_weight_decay", "SGD", dict(learning_rate=0.1, momentum=0.5, weight_decay=0.1)),
    Case("sgd_clipvalue", "SGD", dict(learning_rate=0.1, clipvalue=0.3)),
    Case("rmsprop", "RMSprop", dict(learning_rate=0.01)),
    Case("rmsprop_momentum", "RMSprop", dict(learning_rate=0.01, momentum=0.9)),
    Case("rmsprop_centered", "RMSprop", dict(learning_rate=0.01, centered=True)),
    Case("rmsprop_centered_momentum", "RMSprop",
         dict(learning_rate=0.01, centered=True, momentum=0.5, rho=0.8)),
    Case("rmsprop_global_clipnorm", "RMSprop", dict(learning_rate=0.01, global_clipnorm=1.0)),
    Case("adagrad", "Adagrad", dict(learning_rate=0.1)),
    Case("adadelta", "Adadelta", dict(learning_rate=1.0)),
    Case("adadelta_rho", "Adadelta", dict(learning_rate=1.0, rho=0.5, epsilon=1e-3)),
    Case("adam", "Adam", dict(learning_rate=0.01)),
    Case("adam_amsgrad", "Adam", dict(learning_rate=0.01, amsgrad=True)),
    Case("adam_clipnorm", "Adam", dict(learning_rate=0.01, clipnorm=0.5)),
    Case("adam_weight_decay", "Adam", dict(learning_rate=0.01, weight_decay=0.5)),
    Case("adam_schedule", "Adam", schedule=("ExponentialDecay", (0.01, 2, 0.5))),
    Case("adamw", "AdamW", dict(learning_rate=0.01)),
    Case("adamw_amsgrad", "AdamW", dict(learning_rate=0.01, weight_decay=0.1, amsgrad=True)),
    Case("nadam", "Nadam", dict(learning_rate=0.01)),
    Case("nadam_betas", "Nadam", dict(learning_rate=0.01, beta_1=0.5, beta_2=0.9)),
    Case("adamax", "Adamax", dict(learning_rate=0.01)),
    Case("sgd_cosine", "SGD", dict(momentum=0.9), ("CosineDecay", (0.1, 4, 0.1))),
    # A large epsilon makes where it enters the formula (inside or outside the square root,
    # before or after bias correction) visible at this tolerance.
    Case("rmsprop_big_epsilon", "RMSprop", dict(learning_rate=0.01, epsilon=0.5, centered=True)),
    Case("adagrad_big_epsilon", "Adagrad",
         dict(learning_rate=0.1, epsilon=0.5, initial_accumulator_value=0.0)),
    Case("adam_big_epsilon", "Adam", dict(learning_rate=0.01, epsilon=0.5)),
    Case("nadam_big_epsilon", "Nadam", dict(learning_rate=0.01, epsilon=0.5)),
    Case("adamax_big_epsilon", "Adamax", dict(learning_rate=0.01, epsilon=0.5)),
]  # fmt: skip


def initial_weights(dtype="float32"):
    rng = np.random.default_rng(0)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


def gradient_sequence(dtype="float32"):
    rng = np.random.default_rng(1)
    # Gradients of very different sizes per step exercise the adaptive denominators.
    return [[(rng.standard_normal(s) * 2.0**k).astype(dtype) for s in SHAPES]
            for k in range(-2, STEPS - 2)]


def run_deepbricks(opt, dtype="float32"):
    variables = [Variable(w, name=f"w{i}") for i, w in enumerate(initial_weights(dtype))]
    trajectory = []
    for grads in gradient_sequence(dtype):
        opt.apply(grads, variables)
        trajectory.append([v.numpy().copy() for v in variables])
    return trajectory


def keras_value(variable):
    # Read the torch tensor behind a Keras variable (np.array(variable) warns under NumPy 2).
    return variable.value.detach().cpu().numpy().copy()


def run_keras(opt):
    keras = pytest.importorskip("keras", reason="Keras is the optional reference")
    variables = [keras.Variable(w) for w in initial_weights()]
    trajectory = []
    for grads in gradient_sequence():
        opt.apply([keras.ops.convert_to_tensor(g) for g in grads], variables)
        trajectory.append([keras_value(v) for v in variables])
    return trajectory


# Keras's torch Nadam converts a tensor with np.array(copy=False), which NumPy 2 deprecates.
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
@pytest.mark.parametrize("case", CASES, ids=str)
def test_five_steps_match_keras(case):
    keras = pytest.importorskip("keras", reason="Keras is the optional reference")
    theirs = run_keras(case.build(keras.optimizers))
    ours = run_deepbricks(case.build(optimizers))
    for step, (got, want) in enumerate(zip(ours, theirs, strict=True), 1):
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{case.id}: variable {i} after step {step}")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_float32_stays_float32_and_float64_works(case):
    opt32 = case.build(optimizers)
    ours32 = run_deepbricks(opt32, "float32")
    assert all(w.dtype == np.float32 for w in ours32[-1])
    assert all(a.dtype == np.float32 for a in opt32.get_state().values() if a.ndim)
    ours64 = run_deepbricks(case.build(optimizers), "float64")
    assert all(w.dtype == np.float64 for w in ours64[-1])
    for w32, w64 in zip(ours32[-1], ours64[-1], strict=True):
        np.testing.assert_allclose(w32, w64, rtol=1e-4, atol=1e-5, err_msg=case.id)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_state_round_trip_resumes_exactly(case):
    grads = gradient_sequence()
    reference = run_deepbricks(case.build(optimizers))[-1]

    first = case.build(optimizers)
    variables = [Variable(w) for w in initial_weights()]
    for g in grads[:2]:
        first.apply(g, variables)
    state = first.get_state()

    # A fresh optimizer (and fresh weights holding the same values) continues the run.
    resumed = case.build(optimizers)
    restored = [Variable(v.numpy().copy()) for v in variables]
    resumed.set_state(state, restored)
    assert resumed.iterations == 2
    for g in grads[2:]:
        resumed.apply(g, restored)
    for got, want in zip(restored, reference, strict=True):
        np.testing.assert_array_equal(got.numpy(), want, err_msg=case.id)


def test_state_keys_are_stable_by_variable_index():
    opt = optimizers.Adam(amsgrad=True)
    variables = [Variable(w) for w in initial_weights()]
    opt.apply(gradient_sequence()[0], variables)
    assert sorted(opt.get_state()) == [
        "0/momentum", "0/velocity", "0/velocity_hat",
        "1/momentum", "1/velocity", "1/velocity_hat",
        "iterations", "learning_rate",
    ]  # fmt: skip
    assert opt.get_state()["1/velocity"].shape == (4,)


def test_state_is_a_snapshot_not_a_view():
    opt = optimizers.SGD(momentum=0.9)
    w = Variable(np.ones(3, "float32"))
    opt.apply([np.ones(3, "float32")], [w])
    state = opt.get_state()
    opt.apply([np.ones(3, "float32")], [w])
    np.testing.assert_allclose(state["0/momentum"], -0.01)


def test_set_state_restores_a_learning_rate_changed_during_training():
    opt = optimizers.SGD(learning_rate=0.1)
    w = Variable(np.ones(2, "float32"))
    opt.apply([np.ones(2, "float32")], [w])
    opt.learning_rate = 0.025  # as ReduceLROnPlateau would
    resumed = optimizers.SGD(learning_rate=0.1)
    resumed.set_state(opt.get_state(), [w])
    assert resumed.learning_rate == 0.025


def test_set_state_with_mismatched_variables_names_the_keys():
    opt = optimizers.SGD(momentum=0.9)
    variables = [Variable(w) for w in initial_weights()]
    opt.apply(gradient_sequence()[0], variables)
    with pytest.raises(ValueError, match=r"missing keys \[\].*unexpected keys \['1/momentum'\]"):
        optimizers.SGD(momentum=0.9).set_state(opt.get_state(), variables[:1])
    with pytest.raises(ValueError, match=r"slot '0/momentum' has shape \(3, 4\).*\(4,\)"):
        optimizers.SGD(momentum=0.9).set_state(opt.get_state(), variables[::-1])


def test_custom_loop_with_backward_lowers_a_quadratic():
    target = np.array([1.0, -2.0, 0.5], "float32")
    w = Tensor(np.zeros(3, "float32"), requires_grad=True)
    opt = optimizers.Adam(learning_rate=0.1)
    losses = []
    for _ in range(50):
        loss = ((w - target) * (w - target)).sum()
        loss.backward()
        opt.apply(trainable_variables=[w])
        opt.zero_grad()
        losses.append(float(loss.numpy()))
    assert w.grad is None
    assert losses[-1] < 0.05 * losses[0]
    assert opt.iterations == 50
    assert w.dtype == np.float32


def test_apply_uses_dot_grad_and_skips_variables_without_one():
    a, b = Variable(np.ones(2, "float32")), Variable(np.ones(2, "float32"))
    a.grad = np.array([1.0, 2.0], "float32")
    opt = optimizers.SGD(learning_rate=0.5, momentum=0.5)
    opt.apply(trainable_variables=[a, b])
    np.testing.assert_allclose(a.numpy(), [0.5, 0.0])
    np.testing.assert_array_equal(b.numpy(), [1.0, 1.0])
    # b got its slot on the first apply, so state keys do not depend on which grads existed.
    assert "1/momentum" in opt.get_state()


def test_skipped_variables_are_not_decayed_like_keras():
    keras = pytest.importorskip("keras", reason="Keras is the optional reference")
    weights = initial_weights()
    grads = [gradient_sequence()[0][0], None]
    ours = [Variable(w.copy()) for w in weights]
    optimizers.AdamW(learning_rate=0.1, weight_decay=0.5).apply(grads, ours)
    theirs = [keras.Variable(w) for w in weights]
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5).apply(
            [keras.ops.convert_to_tensor(grads[0]), None], theirs)
    for o, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(o.numpy(), keras_value(t), rtol=1e-5,
                                   atol=1e-6)
    np.testing.assert_array_equal(ours[1].numpy(), weights[1])


def test_apply_gradients_accepts_tensors_and_returns_iterations():
    w = Variable(np.ones(2, "float32"))
    opt = optimizers.SGD(learning_rate=1.0)
    assert opt.apply_gradients([(Tensor(np.array([0.25, 0.5], "float32")), w)]) == 1
    np.testing.assert_allclose(w.numpy(), [0.75, 0.5])


def test_apply_with_grads_only_updates_the_variables_it_was_built_on():
    w = Variable(np.ones(2, "float32"))
    opt = optimizers.SGD(learning_rate=1.0)
    opt.build([w])
    opt.apply([np.array([0.5, 0.5], "float32")])
    np.testing.assert_allclose(w.numpy(), [0.5, 0.5])


def test_gradients_in_another_dtype_are_cast_to_the_variable_dtype():
    w = Variable(np.ones(2, "float32"))
    optimizers.Adam().apply([np.array([0.5, 0.5])], [w])
    assert w.dtype == np.float32


def test_clipnorm_bounds_each_gradient_separately():
    a, b = Variable(np.zeros(2, "float32")), Variable(np.zeros(2, "float32"))
    opt = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    opt.apply([np.array([3.0, 4.0], "float32"), np.array([0.3, 0.4], "float32")], [a, b])
    np.testing.assert_allclose(a.numpy(), [-0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), [-0.3, -0.4], rtol=1e-6)


def test_global_clipnorm_scales_all_gradients_together():
    a, b = Variable(np.zeros(2, "float32")), Variable(np.zeros(2, "float32"))
    opt = optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)
    opt.apply([np.array([3.0, 0.0], "float32"), np.array([0.0, 4.0], "float32")], [a, b])
    np.testing.assert_allclose(a.numpy(), [-0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), [0.0, -0.8], rtol=1e-6)


def test_clipping_never_modifies_the_callers_gradient():
    grad = np.array([3.0, 4.0], "float32")
    optimizers.SGD(clipnorm=1.0).apply([grad], [Variable(np.zeros(2, "float32"))])
    np.testing.assert_array_equal(grad, [3.0, 4.0])


def test_exclude_from_weight_decay_by_name():
    kernel = Variable(np.ones(2, "float32"), name="kernel", path="dense/kernel")
    bias = Variable(np.ones(2, "float32"), name="bias", path="dense/bias")
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    zero = np.zeros(2, "float32")
    opt.apply([zero, zero], [kernel, bias])
    np.testing.assert_allclose(kernel.numpy(), [0.95, 0.95])
    np.testing.assert_array_equal(bias.numpy(), [1.0, 1.0])


def test_a_variable_constraint_is_applied_after_the_step():
    class ConstrainedVariable(Variable):
        __slots__ = ("constraint",)

    w = ConstrainedVariable(np.array([0.5, 0.5], "float32"))
    w.constraint = lambda array: np.maximum(array, 0.0)
    optimizers.SGD(learning_rate=1.0).apply([np.array([1.0, -1.0], "float32")], [w])
    np.testing.assert_array_equal(w.numpy(), [0.0, 1.5])


def test_learning_rate_reads_the_schedule_at_the_current_step():
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = optimizers.SGD(learning_rate=schedule)
    w = Variable(np.zeros(1, "float32"))
    assert opt.learning_rate == 0.1
    opt.apply([np.ones(1, "float32")], [w])
    assert opt.learning_rate == 0.05
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        opt.learning_rate = 0.01


def test_learning_rate_is_settable_as_a_float():
    opt = optimizers.Adam()
    opt.learning_rate = np.float64(0.5)
    assert opt.learning_rate == 0.5 and type(opt.learning_rate) is float
    with pytest.raises(ValueError, match=r"Adam: `learning_rate` .* Received: learning_rate=-1"):
        opt.learning_rate = -1


def test_lr_keyword_is_a_deprecated_alias():
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        opt = optimizers.SGD(lr=0.5)
    assert opt.learning_rate == 0.5


def test_unknown_keyword_arguments_raise_type_error_naming_them():
    with pytest.raises(TypeError, match="Adam got unexpected keyword argument.*betta_1"):
        optimizers.Adam(betta_1=0.9)


@pytest.mark.parametrize("kwargs, message", [
    (dict(clipnorm=1.0, clipvalue=1.0), "only one of `clipnorm`, `clipvalue`"),
    (dict(clipnorm=-1.0), r"`clipnorm` must be a finite number > 0.*clipnorm=-1.0"),
    (dict(momentum=1.5), r"SGD: `momentum` must be a float in \[0, 1\]"),
    (dict(learning_rate="fast"), r"`learning_rate` must be a finite number"),
    (dict(weight_decay=-0.1), r"`weight_decay` must be a finite number >= 0"),
])  # fmt: skip
def test_bad_hyperparameters_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        optimizers.SGD(**kwargs)


def test_adamw_requires_a_weight_decay():
    with pytest.raises(ValueError, match="AdamW.*weight_decay=None"):
        optimizers.AdamW(weight_decay=None)


def test_wrong_gradient_shape_names_the_variable():
    w = Variable(np.zeros((2, 3), "float32"), path="dense/kernel")
    with pytest.raises(ValueError, match=r"'dense/kernel' has shape \(3, 2\).*\(2, 3\)"):
        optimizers.SGD().apply([np.zeros((3, 2), "float32")], [w])


def test_gradient_count_must_match_variables():
    with pytest.raises(ValueError, match="received 1 gradients for 2 variables"):
        optimizers.SGD().apply([np.zeros(2)], [Variable(np.zeros(2)), Variable(np.zeros(2))])


def test_non_variables_are_rejected_with_a_hint():
    with pytest.raises(TypeError, match="item 0 of the variables is ndarray.*deepbricks.Variable"):
        optimizers.SGD().apply([np.zeros(2)], [np.zeros(2)])


def test_apply_without_variables_before_build_explains():
    with pytest.raises(ValueError, match="needs trainable_variables"):
        optimizers.SGD().apply([np.zeros(2)])


def test_defaults_follow_keras():
    assert optimizers.SGD().learning_rate == 0.01
    rms = optimizers.RMSprop()
    assert (rms.learning_rate, rms.rho, rms.epsilon) == (0.001, 0.9, 1e-7)
    assert optimizers.Adagrad().initial_accumulator_value == 0.1
    ada = optimizers.Adadelta()
    assert (ada.learning_rate, ada.rho) == (0.001, 0.95)
    adam = optimizers.Adam()
    assert (adam.beta_1, adam.beta_2, adam.epsilon) == (0.9, 0.999, 1e-7)
    assert optimizers.Nadam().epsilon == 1e-7
    assert optimizers.AdamW().weight_decay == 0.004
    assert [optimizers.get(n).name for n in ("sgd", "rmsprop", "adamw")] == [
        "sgd", "rmsprop", "adamw"]


def test_a_callable_learning_rate_is_read_each_step_but_cannot_be_serialized():
    rates = iter([0.5, 0.25])
    opt = optimizers.SGD(learning_rate=lambda: next(rates))
    w = Variable(np.zeros(1, "float32"))
    opt.apply([np.ones(1, "float32")], [w])
    opt.apply([np.ones(1, "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [-0.75])
    with pytest.raises(ValueError, match="cannot serialize a learning rate given as a plain"):
        opt.get_config()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_config_round_trip(case):
    opt = case.build(optimizers)
    again = type(opt).from_config(opt.get_config())
    assert again.get_config() == opt.get_config()
    assert optimizers.get(optimizers.serialize(opt)).get_config() == opt.get_config()


def test_get_by_name_config_instance_and_class():
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    opt = optimizers.SGD()
    assert optimizers.get(opt) is opt
    assert isinstance(optimizers.get(optimizers.Nadam), optimizers.Nadam)
    config = {"class_name": "SGD", "config": {"learning_rate": 0.3, "momentum": 0.5}}
    got = optimizers.get(config)
    assert (got.learning_rate, got.momentum) == (0.3, 0.5)


def test_get_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown optimizer 'adamm'.*adam, adamax"):
        optimizers.get("adamm")
