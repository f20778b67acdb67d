"""Per-sample loss functions: values against Keras 3, gradients against finite differences.

One table drives three checks per row: the per-sample losses equal Keras's, the float64
gradient with respect to y_pred matches central differences, and float32 inputs give float32
losses and gradients. Inputs are drawn away from kinks (|error| near 0 or delta, margins near
1) and clipping bounds, where a finite difference is meaningless.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import deepbricks as db
from deepbricks import losses
from deepbricks.autograd import gradcheck
from tests.losses.keras_reference import load_keras, to_numpy


@pytest.fixture(scope="module")
def keras():
    return load_keras()


@dataclass
class LossCase:
    id: str
    fn: str  # name in both deepbricks.losses and keras.losses
    data: Callable  # rng -> (y_true, y_pred) float64 arrays
    kwargs: dict = None

    def __str__(self):
        return self.id

    def __call__(self, module, y_true, y_pred):
        return getattr(module, self.fn)(y_true, y_pred, **(self.kwargs or {}))


def away_from_zero(shape, low=0.2):
    """Values with |x| in [low, low + 2], so errors never sit on the |x| kink."""
    def draw(rng):
        magnitude = rng.uniform(low, low + 2.0, shape)
        return magnitude * rng.choice([-1.0, 1.0], shape)
    return draw


def regression(rng, shape=(4, 5)):
    y_true = rng.standard_normal(shape)
    return y_true, y_true + away_from_zero(shape)(rng)


def huber_data(rng):
    # Errors in (0.2, 0.8) and (1.2, 3.0): both branches, none at |e| = delta = 1.
    y_true = rng.standard_normal((4, 5))
    magnitude = np.where(rng.random((4, 5)) < 0.5, rng.uniform(0.2, 0.8, (4, 5)),
                         rng.uniform(1.2, 3.0, (4, 5)))
    return y_true, y_true + magnitude * rng.choice([-1.0, 1.0], (4, 5))


def positive(rng, shape=(4, 5)):
    return rng.uniform(0.5, 3.0, shape), rng.uniform(0.5, 3.0, shape)


def one_hot_probabilities(rng, n=6, c=4):
    y_true = np.eye(c)[rng.integers(0, c, n)]
    return y_true, rng.dirichlet(np.ones(c), n) * rng.uniform(0.5, 2.0, (n, 1))


def one_hot_logits(rng, n=6, c=4, scale=3.0):
    return np.eye(c)[rng.integers(0, c, n)], scale * rng.standard_normal((n, c))


def soft_targets_logits(rng, n=5, c=4):
    return rng.dirichlet(np.ones(c), n), 2.0 * rng.standard_normal((n, c))


def sparse_probabilities(rng, n=6, c=4):
    return rng.integers(0, c, n), rng.dirichlet(np.ones(c), n)


def sparse_logits(rng, n=6, c=4):
    return rng.integers(0, c, (n, 1)), 3.0 * rng.standard_normal((n, c))


def sequence_logits(rng, n=3, c=4, t=5):
    return rng.integers(0, c, (n, t)), 2.0 * rng.standard_normal((n, c, t))


def binary_probabilities(rng, shape=(5, 3)):
    return rng.integers(0, 2, shape).astype(float), rng.uniform(0.05, 0.95, shape)


def binary_logits(rng, shape=(5, 3)):
    return rng.integers(0, 2, shape).astype(float), 3.0 * rng.standard_normal(shape)


def distributions(rng, n=5, c=4):
    return rng.dirichlet(np.ones(c), n), rng.dirichlet(np.ones(c), n)


def counts_and_rates(rng):
    return rng.poisson(2.0, (4, 5)).astype(float), rng.uniform(0.5, 4.0, (4, 5))


def margins(labels):
    """Hinge data whose margins 1 - y * f stay at least 0.2 away from the kink at 0."""
    def draw(rng, shape=(4, 5)):
        y = rng.choice(labels, shape).astype(float)
        signed = np.where(y == 0, -1.0, y)
        return y, signed * (1.0 + away_from_zero(shape)(rng))
    return draw


def categorical_margins(rng, n=6, c=4):
    y_true = np.eye(c)[rng.integers(0, c, n)]
    y_pred = rng.standard_normal((n, c))
    # Push the true score so that the margin max_wrong - true + 1 avoids 0 by >= 0.2.
    gap = np.max(np.where(y_true == 1, -np.inf, y_pred), axis=-1) - np.sum(y_true * y_pred, -1)
    shift = np.where(np.abs(gap + 1.0) < 0.2, 0.5, 0.0)
    return y_true, y_pred + y_true * shift[:, None]


CASES = [
    LossCase("mean_squared_error", "mean_squared_error", regression),
    LossCase("mean_squared_error_rank_aligned", "mean_squared_error",
             lambda rng: (rng.standard_normal(6), rng.standard_normal((6, 1)))),
    LossCase("mean_absolute_error", "mean_absolute_error", regression),
    LossCase("mean_absolute_percentage_error", "mean_absolute_percentage_error",
             lambda rng: (away_from_zero((4, 5), 0.5)(rng), rng.standard_normal((4, 5)) * 3)),
    LossCase("mean_squared_logarithmic_error", "mean_squared_logarithmic_error", positive),
    LossCase("huber", "huber", huber_data),
    LossCase("huber_delta", "huber", huber_data, {"delta": 0.5}),
    LossCase("log_cosh", "log_cosh", regression),
    LossCase("binary_crossentropy", "binary_crossentropy", binary_probabilities),
    LossCase("binary_crossentropy_smoothing", "binary_crossentropy", binary_probabilities,
             {"label_smoothing": 0.2}),
    LossCase("binary_crossentropy_logits", "binary_crossentropy", binary_logits,
             {"from_logits": True}),
    LossCase("binary_crossentropy_logits_smoothing", "binary_crossentropy", binary_logits,
             {"from_logits": True, "label_smoothing": 0.1}),
    LossCase("binary_crossentropy_axis0", "binary_crossentropy", binary_probabilities,
             {"axis": 0}),
    LossCase("categorical_crossentropy", "categorical_crossentropy", one_hot_probabilities),
    LossCase("categorical_crossentropy_smoothing", "categorical_crossentropy",
             one_hot_probabilities, {"label_smoothing": 0.1}),
    LossCase("categorical_crossentropy_logits", "categorical_crossentropy", one_hot_logits,
             {"from_logits": True}),
    LossCase("categorical_crossentropy_logits_smoothing", "categorical_crossentropy",
             one_hot_logits, {"from_logits": True, "label_smoothing": 0.2}),
    LossCase("categorical_crossentropy_soft_targets", "categorical_crossentropy",
             soft_targets_logits, {"from_logits": True}),
    LossCase("categorical_crossentropy_axis1", "categorical_crossentropy",
             lambda rng: (np.moveaxis(np.eye(4)[rng.integers(0, 4, (3, 5))], -1, 1),
                          rng.standard_normal((3, 4, 5))),
             {"from_logits": True, "axis": 1}),
    LossCase("sparse_categorical_crossentropy", "sparse_categorical_crossentropy",
             sparse_probabilities),
    LossCase("sparse_categorical_crossentropy_logits", "sparse_categorical_crossentropy",
             sparse_logits, {"from_logits": True}),
    LossCase("sparse_categorical_crossentropy_axis1", "sparse_categorical_crossentropy",
             sequence_logits, {"from_logits": True, "axis": 1}),
    LossCase("sparse_categorical_crossentropy_ignore_class", "sparse_categorical_crossentropy",
             sparse_logits, {"from_logits": True, "ignore_class": 1}),
    LossCase("kl_divergence", "kl_divergence", distributions),
    LossCase("poisson", "poisson", counts_and_rates),
    LossCase("hinge_01_labels", "hinge", margins([0, 1])),
    LossCase("hinge_signed_labels", "hinge", margins([-1, 1])),
    LossCase("squared_hinge", "squared_hinge", margins([0, 1])),
    LossCase("categorical_hinge", "categorical_hinge", categorical_margins),
    LossCase("cosine_similarity", "cosine_similarity",
             lambda rng: (rng.standard_normal((4, 5)), rng.standard_normal((4, 5)))),
    LossCase("cosine_similarity_axis0", "cosine_similarity",
             lambda rng: (rng.standard_normal((4, 5)), rng.standard_normal((4, 5))),
             {"axis": 0}),
]


def draw(case, seed=0):
    return case.data(np.random.default_rng(seed))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_per_sample_losses_match_keras(case, keras):
    y_true, y_pred = draw(case)
    ours = case(losses, y_true, db.Tensor(y_pred))
    theirs = to_numpy(case(keras.losses, y_true, y_pred))
    assert ours.shape == theirs.shape
    # Keras runs part of its arithmetic in float32 even on float64 input.
    np.testing.assert_allclose(ours.numpy(), theirs, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_matches_finite_differences(case):
    y_true, y_pred = draw(case)
    assert gradcheck(lambda p: case(losses, y_true, p), [y_pred])


@pytest.mark.parametrize("case", CASES, ids=str)
def test_float32_in_float32_out(case):
    y_true, y_pred = draw(case)
    y_pred = db.Tensor(y_pred.astype(np.float32), requires_grad=True)
    out = case(losses, y_true, y_pred)
    out.sum().backward()
    assert out.dtype == np.float32
    assert y_pred.grad.dtype == np.float32


@pytest.mark.parametrize("fn", ["mean_squared_error", "kl_divergence", "poisson",
                                "binary_crossentropy", "categorical_crossentropy"])
def test_y_true_tensor_requiring_grad_is_differentiated(fn):
    y_true, y_pred = positive(np.random.default_rng(3), (3, 4))
    y_true, y_pred = y_true / 4, y_pred / 4
    assert gradcheck(lambda t, p: getattr(losses, fn)(t, p), [y_true, y_pred])


def test_soft_targets_of_a_teacher_get_gradients_through_the_fused_op():
    teacher, student = soft_targets_logits(np.random.default_rng(4))
    assert gradcheck(
        lambda t, z: losses.categorical_crossentropy(t, z, from_logits=True), [teacher, student]
    )


def test_y_true_tensor_without_grad_stays_out_of_the_graph():
    y_true = db.Tensor(np.ones((2, 3)))
    y_pred = db.Tensor(np.zeros((2, 3)), requires_grad=True)
    losses.mean_squared_error(y_true, y_pred).sum().backward()
    assert y_true.grad is None
    np.testing.assert_allclose(y_pred.grad, np.full((2, 3), -2 / 3))


EXTREME_LOGITS = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0],
                           [-1000.0, -1000.0, 1000.0]])


@pytest.mark.parametrize("fn, y_true", [
    ("binary_crossentropy", np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])),
    ("categorical_crossentropy", np.eye(3)[[1, 2, 2]]),
    ("sparse_categorical_crossentropy", np.array([1, 2, 2])),
])  # fmt: skip
def test_extreme_logits_stay_finite_and_match_keras(fn, y_true, keras):
    check_values_and_gradients(keras, fn, y_true, EXTREME_LOGITS, from_logits=True)


def check_values_and_gradients(keras, fn, y_true, y_pred, **kwargs):
    """Losses and their gradients (upstream all ones) equal Keras's, autodiffed by PyTorch."""
    torch = pytest.importorskip("torch", reason="gradients of Keras's torch backend")
    ours_pred = db.Tensor(y_pred, requires_grad=True)
    ours = getattr(losses, fn)(y_true, ours_pred, **kwargs)
    ours.sum().backward()
    theirs_pred = torch.tensor(y_pred, requires_grad=True)
    theirs = getattr(keras.losses, fn)(torch.tensor(y_true), theirs_pred, **kwargs)
    theirs.sum().backward()
    assert np.all(np.isfinite(ours.numpy())) and np.all(np.isfinite(ours_pred.grad))
    np.testing.assert_allclose(ours.numpy(), to_numpy(theirs), rtol=1e-6)
    np.testing.assert_allclose(ours_pred.grad, to_numpy(theirs_pred.grad), rtol=1e-6,
                               atol=1e-12)


@pytest.mark.parametrize("fn, y_true", [
    ("binary_crossentropy", np.array([[0.0, 1.0], [0.0, 1.0]])),
    ("categorical_crossentropy", np.eye(2)[[1, 0]]),
    ("sparse_categorical_crossentropy", np.array([1, 0])),
    ("kl_divergence", np.eye(2)[[1, 0]]),
])  # fmt: skip
def test_saturated_probabilities_are_clipped_to_finite_losses(fn, y_true, keras):
    y_pred = np.array([[1.0, 0.0], [0.3, 0.7]])
    check_values_and_gradients(keras, fn, y_true, y_pred)
    ours = getattr(losses, fn)(y_true, db.Tensor(y_pred))
    assert ours.numpy().max() == pytest.approx(-np.log(losses.EPSILON), rel=1e-6)


def test_log_cosh_is_finite_for_huge_errors():
    out = losses.log_cosh(np.zeros((1, 2)), db.Tensor(np.array([[1000.0, -1000.0]])))
    np.testing.assert_allclose(out.numpy(), [1000.0 - np.log(2.0)])


def test_cosine_similarity_of_a_zero_vector_is_zero_with_finite_gradient():
    y_pred = db.Tensor(np.zeros((1, 3)), requires_grad=True)
    out = losses.cosine_similarity(np.ones((1, 3)), y_pred)
    out.sum().backward()
    assert out.numpy()[0] == 0.0
    assert np.all(np.isfinite(y_pred.grad))


def test_python_lists_and_integer_arrays_are_accepted():
    out = losses.mean_absolute_error([[1, 2]], [[2, 4]])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [1.5])


def test_categorical_crossentropy_rejects_integer_labels_and_suggests_the_fix():
    with pytest.raises(ValueError, match=r"categorical_crossentropy.*y_true.shape=\(4,\).*"
                                         r"y_pred.shape=\(4, 3\).*sparse_categorical_crossentropy"
                                         r".*to_categorical"):
        losses.categorical_crossentropy(np.array([0, 1, 2, 1]), db.Tensor(np.ones((4, 3)) / 3))


def test_binary_crossentropy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"binary_crossentropy.*\(4, 2\).*\(4, 3\)"):
        losses.binary_crossentropy(np.ones((4, 2)), db.Tensor(np.full((4, 3), 0.5)))


def test_regression_losses_reject_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"mean_squared_error.*\(4, 2\).*\(4, 3\)"):
        losses.mean_squared_error(np.ones((4, 2)), db.Tensor(np.ones((4, 3))))


@pytest.mark.parametrize("labels, message", [
    (np.array([0, 3, 1]), r"labels must lie in \[0, 3\).*from 0 to 3.*Give the model 4 outputs"),
    (np.array([0, -1, 1]), r"labels must lie in \[0, 3\).*ignore_class=-1"),
    (np.eye(3), r"integer labels of shape \(3,\).*y_true.shape=\(3, 3\).*categorical_crossentropy"),
    (np.array([0.0, 1.5, 2.0]), r"integer class labels.*non-integer"),
])  # fmt: skip
def test_sparse_categorical_crossentropy_rejects_bad_labels(labels, message):
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy.*" + message):
        losses.sparse_categorical_crossentropy(labels, db.Tensor(np.ones((3, 3)) / 3))


def test_sparse_categorical_crossentropy_ignores_the_range_of_ignored_labels():
    out = losses.sparse_categorical_crossentropy(np.array([0, -1]), np.full((2, 2), 0.5),
                                                 ignore_class=-1)
    np.testing.assert_allclose(out.numpy(), [np.log(2.0), 0.0])


@pytest.mark.parametrize("smoothing", [-0.1, 1.5])
def test_label_smoothing_outside_0_1_is_rejected(smoothing):
    with pytest.raises(ValueError, match=r"binary_crossentropy: label_smoothing must lie in"):
        losses.binary_crossentropy(np.ones((2, 1)), np.full((2, 1), 0.5),
                                   label_smoothing=smoothing)


def test_categorical_crossentropy_axis_must_be_an_int_in_range():
    with pytest.raises(ValueError, match=r"categorical_crossentropy: axis must be an int"):
        losses.categorical_crossentropy(np.eye(2), np.eye(2), axis=True)
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy: axis=2 is out of "
                                         r"range for y_pred of shape \(2, 2\)"):
        losses.sparse_categorical_crossentropy(np.zeros(2), np.eye(2), axis=2)


def test_categorical_crossentropy_over_one_class_warns_that_it_is_always_zero():
    with pytest.warns(UserWarning, match="binary_crossentropy"):
        out = losses.categorical_crossentropy(np.ones((3, 1)), np.full((3, 1), 0.3))
    np.testing.assert_allclose(out.numpy(), 0.0, atol=1e-6)
