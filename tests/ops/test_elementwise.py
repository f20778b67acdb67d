"""Elementwise ops: forward vs NumPy, float64 gradients vs finite differences, and PyTorch."""

import numpy as np
import pytest

from deepbricks import ops
from tests.ops.cases import Case, check_forward, check_gradient, check_torch


def normal(*shapes):
    return lambda rng: [rng.standard_normal(s) for s in shapes]


def positive(*shapes):
    return lambda rng: [rng.uniform(0.5, 2.0, s) for s in shapes]


CASES = [
    Case("add", ops.add, normal((3, 4), (3, 4)), np.add, lambda t, a, b: a + b),
    Case("add_broadcast", ops.add, normal((2, 3, 4), (4,)), np.add, lambda t, a, b: a + b),
    Case("add_stretched", ops.add, normal((3, 1), (1, 4)), np.add, lambda t, a, b: a + b),
    Case("subtract", ops.subtract, normal((3, 4), (3, 1)), np.subtract, lambda t, a, b: a - b),
    Case("multiply", ops.multiply, normal((2, 3), (2, 3)), np.multiply, lambda t, a, b: a * b),
    Case("multiply_broadcast", ops.multiply, normal((4, 1, 3), (2, 1)), np.multiply,
         lambda t, a, b: a * b),
    Case("divide", ops.divide, positive((3, 4), (4,)), np.divide, lambda t, a, b: a / b),
    Case("negative", ops.negative, normal((5,)), np.negative, lambda t, a: -a),
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


def test_incompatible_shapes_name_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(3, 4\) and \(5,\)"):
        ops.add(np.zeros((3, 4)), np.zeros(5))
