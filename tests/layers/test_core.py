"""Core layers: Lambda and Identity (Dense and Input are tested with the Layer base)."""

import numpy as np
import pytest

from deepbricks import layers as L
from deepbricks import ops
from tests.layers.reference import (
    Row,
    row_tests,
)


def double_plus_one(x):
    return x * 2.0 + 1.0


def scale(x, factor):
    return x * factor


def add_noise_when_training(x, training=None):
    return x + 1.0 if training else x


def pair_sum(inputs):
    return inputs[0] + inputs[1]


ROWS = [
    Row("lambda", lambda: L.Lambda(double_plus_one), lambda k: k.layers.Lambda(double_plus_one),
        (3, 4)),
    Row("lambda_with_arguments", lambda: L.Lambda(scale, arguments={"factor": 3.0}),
        lambda k: k.layers.Lambda(scale, arguments={"factor": 3.0}), (3, 4)),
    Row("lambda_on_a_list", lambda: L.Lambda(pair_sum), lambda k: k.layers.Lambda(pair_sum),
        [(3, 4), (3, 4)]),
    Row("identity", lambda: L.Identity(), lambda k: k.layers.Identity(), (3, 2, 5)),
]


(test_matches_keras, test_config_round_trip, test_symbolic_output_shape,
 test_float64_is_kept) = row_tests(ROWS)


def test_lambda_config_names_its_function_and_rebuilds_the_same_function():
    config = L.Lambda(scale, arguments={"factor": 2.0}).get_config()
    assert config["function"] == {"module": __name__, "name": "scale"}
    assert L.Lambda.from_config(config).function is scale


def test_lambda_with_a_lambda_runs_but_cannot_be_saved():
    layer = L.Lambda(lambda x: x * 2, name="twice")
    np.testing.assert_allclose(layer(np.ones((1, 2), "float32")).numpy(), [[2.0, 2.0]])
    with pytest.raises(ValueError, match=r"Lambda 'twice': cannot save its function .* is a "
                                         r"lambda or a nested function.*Define it with `def`"):
        layer.get_config()


def test_lambda_receives_the_training_flag_when_it_asks_for_it():
    layer = L.Lambda(add_noise_when_training)
    x = np.zeros((1, 2), "float32")
    np.testing.assert_allclose(layer(x, training=True).numpy(), [[1.0, 1.0]])
    np.testing.assert_allclose(layer(x, training=False).numpy(), [[0.0, 0.0]])


def test_lambda_output_shape_gives_the_symbolic_shape():
    fixed = L.Lambda(lambda x: ops.reshape(x, (-1, 2, 3)), output_shape=(2, 3))
    computed = L.Lambda(lambda x: x, output_shape=lambda s: (s[0], 7))
    assert fixed(L.Input(shape=(6,))).shape == (None, 2, 3)
    assert computed(L.Input(shape=(6,))).shape == (None, 7)
    assert L.Lambda(double_plus_one, output_shape=(6,)).get_config()["output_shape"] == [6]


def test_lambda_rejects_what_is_not_a_function():
    with pytest.raises(TypeError, match=r"Lambda needs a callable `function`\. Received: "
                                        r"function=3"):
        L.Lambda(3)
    with pytest.raises(TypeError, match=r"Lambda: `arguments` must be a dict"):
        L.Lambda(scale, arguments=[2.0])


def test_identity_returns_its_input_and_passes_masks():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    layer = L.Identity()
    np.testing.assert_array_equal(layer(x).numpy(), x)
    assert layer.supports_masking
