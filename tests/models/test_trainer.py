"""fit / evaluate / predict semantics (Keras 3's), and the errors users meet."""

import numpy as np
import pytest

import deepbricks as db
from deepbricks import layers
from deepbricks.callbacks import Callback
from deepbricks.utils import set_random_seed


def regression_data(n=100, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.1).astype("float32")
    return x, y


def linear_model(lr=0.1):
    set_random_seed(0)
    model = db.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=db.optimizers.SGD(lr), loss="mse")
    return model


def test_history_loss_is_the_size_weighted_mean_of_losses_before_each_update():
    x, y = regression_data(n=10)
    model = linear_model()
    twin = linear_model()
    expected_losses = [twin.train_on_batch(x[:4], y[:4]), twin.train_on_batch(x[4:8], y[4:8]),
                       twin.train_on_batch(x[8:], y[8:])]
    history = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    want = (4 * expected_losses[0] + 4 * expected_losses[1] + 2 * expected_losses[2]) / 10
    assert history.history["loss"][0] == pytest.approx(want, rel=1e-6)
    np.testing.assert_allclose(model.get_weights()[0], twin.get_weights()[0], rtol=1e-6)


def test_train_on_batch_returns_the_loss_before_the_update():
    x, y = regression_data(n=8)
    model = linear_model()
    before = model.evaluate(x, y, verbose=0)
    assert model.train_on_batch(x, y) == pytest.approx(before, rel=1e-6)
    assert model.evaluate(x, y, verbose=0) < before


def test_validation_split_holds_out_the_last_samples():
    x, y = regression_data(n=50)
    seen = []

    class Spy(Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(batch)

    model = linear_model()
    history = model.fit(x, y, batch_size=10, epochs=2, validation_split=0.2, verbose=0,
                        callbacks=[Spy()])
    assert seen == [0, 1, 2, 3] * 2
    expected_val = model.evaluate(x[40:], y[40:], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(expected_val, rel=1e-5)


def test_sample_weight_and_class_weight_scale_each_sample_loss():
    x = np.eye(4, dtype="float32")
    labels = np.array([0, 1, 0, 1])
    set_random_seed(0)
    model = db.Sequential([layers.Dense(2, input_shape=(4,), activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    # sum_over_batch_size: sum(w_i * loss_i) / N, so zero weights still count in N.
    first_half = model.evaluate(x[:2], labels[:2], verbose=0)
    weighted = model.evaluate(x, labels, sample_weight=np.array([1, 1, 0, 0]), verbose=0)
    assert weighted == pytest.approx(first_half / 2, rel=1e-5)
    class_zero = model.evaluate(x[labels == 0], labels[labels == 0], verbose=0)
    loss = model.train_on_batch(x, labels, class_weight={0: 2.0, 1: 0.0})
    assert loss == pytest.approx(class_zero, rel=1e-5)


def test_several_outputs_with_loss_weights_report_each_loss():
    set_random_seed(0)
    x, y = regression_data(n=32)
    inputs = db.Input(shape=(3,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    main = layers.Dense(1, name="main")(hidden)
    aux = layers.Dense(1, name="aux")(inputs)
    model = db.Model(inputs, [main, aux])
    model.compile(optimizer="adam", loss=["mse", "mae"], loss_weights=[1.0, 0.3])
    logs = model.evaluate(x, [y, y], verbose=0, return_dict=True)
    assert set(logs) == {"loss", "main_loss", "aux_loss"}
    assert logs["loss"] == pytest.approx(logs["main_loss"] + 0.3 * logs["aux_loss"], rel=1e-5)
    history = model.fit(x, [y, y], epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_predict_batches_and_concatenates():
    x, _ = regression_data(n=70)
    model = linear_model()
    out = model.predict(x, batch_size=32, verbose=0)
    assert out.shape == (70, 1)
    np.testing.assert_allclose(out, model(x).numpy(), rtol=1e-6)


def test_progress_bar_and_epoch_lines(capsys):
    x, y = regression_data(n=20)
    model = linear_model()
    model.fit(x, y, batch_size=10, epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "2/2" in out and "loss:" in out
    model.fit(x, y, batch_size=10, epochs=2, verbose=2)
    lines = [line for line in capsys.readouterr().out.splitlines() if "loss:" in line]
    assert len(lines) == 2


def test_fit_before_compile_is_a_clear_error():
    model = db.Sequential([layers.Dense(1, input_shape=(3,))])
    with pytest.raises(ValueError, match=r"compile\(\) before fit"):
        model.fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)


def test_x_and_y_of_different_lengths_name_both():
    model = linear_model()
    with pytest.raises(ValueError, match="x has 10, y has 9"):
        model.fit(np.zeros((10, 3)), np.zeros((9, 1)), verbose=0)


def test_wrong_input_shape_names_the_layer_and_the_shapes():
    model = db.Sequential([layers.Dense(10, input_shape=(784,), name="fc1")])
    with pytest.raises(ValueError, match=r"fc1.*784.*\(32, 28, 28\)"):
        model.predict(np.zeros((32, 28, 28)), verbose=0)


def test_unknown_aliases_are_clear_errors():
    model = db.Sequential([layers.Dense(1, input_shape=(3,))])
    with pytest.raises(ValueError, match="adamm"):
        model.compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match="msee"):
        model.compile(optimizer="adam", loss="msee")


def test_nan_loss_is_reported_with_epoch_and_batch():
    x, y = regression_data(n=8)
    x[5] = np.nan
    model = linear_model()
    with pytest.warns(RuntimeWarning, match=r"epoch 1, batch 1"):
        model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)


def test_set_random_seed_makes_runs_identical():
    x, y = regression_data(n=64)

    def run():
        set_random_seed(42)
        model = db.Sequential([layers.Dense(8, activation="relu", input_shape=(3,)),
                               layers.Dropout(0.3), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, batch_size=16, epochs=2, verbose=0)
        return model.get_weights()

    for a, b in zip(run(), run()):
        np.testing.assert_array_equal(a, b)


def test_custom_training_loop_with_backward_and_optimizer_apply():
    x, y = regression_data(n=64)
    set_random_seed(0)
    model = db.Sequential([layers.Dense(1, input_shape=(3,))])
    optimizer = db.optimizers.SGD(0.1)
    loss_fn = db.losses.MeanSquaredError()
    first = None
    for _ in range(20):
        model.zero_grad()
        loss = loss_fn(y, model(x, training=True))
        loss.backward()
        optimizer.apply(trainable_variables=model.trainable_weights)
        first = first if first is not None else float(loss.data)
    assert float(loss.data) < first / 10
