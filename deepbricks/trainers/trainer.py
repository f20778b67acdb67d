"""Trainer: compile, fit, evaluate, predict (the training half of ``Model``).

``fit`` is one readable loop: for each epoch, for each batch, ``train_step`` runs the model
with ``training=True``, adds the losses, back-propagates, lets the optimizer update the
weights, and updates the metrics; callbacks (the progress bar, History, early stopping, ...)
are told at each step.
"""

import warnings

import numpy as np

from deepbricks.autograd import Tensor, no_grad
from deepbricks.layers.symbolic import flatten
from deepbricks.trainers import data_adapter
from deepbricks.utils.data import unpack_x_y_sample_weight


class Trainer:
    """Mixin giving a Model compile/fit/evaluate/predict with Keras 3 semantics."""

    def __init__(self):
        self.optimizer = None
        self.compiled = False
        self.stop_training = False
        self.history = None

    # -- compile -----------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Configures the model for training.

        Args:
            optimizer: name ('sgd', 'adam', ...) or Optimizer instance.
            loss: name, Loss instance or callable; a list or dict (by output name) for
                several outputs.
            loss_weights: list or dict of scalars weighting each output's loss:
                total = sum_i w_i * loss_i + sum(model.losses).
            metrics: list of names or Metric instances (a list of lists or a dict for
                several outputs). 'accuracy' picks the Keras variant that fits the loss.
            weighted_metrics: metrics that also use sample_weight.
            run_eagerly, steps_per_execution, jit_compile, auto_scale_loss: accepted for
                Keras compatibility; deepbricks always runs eagerly.
        """
        from deepbricks import optimizers

        self.optimizer = optimizers.get(optimizer)
        names = self._output_names()
        self._losses_by_output = self._per_output(loss, names, "loss", _as_loss)
        if all(fn is None for fn in self._losses_by_output):
            raise ValueError("compile() needs a loss, e.g. loss='categorical_crossentropy'.")
        self._loss_weights = self._per_output(
            loss_weights if loss_weights is not None else 1.0, names, "loss_weights", float)
        self._metric_specs = self._per_output_metrics(metrics, names)
        self._weighted_metric_specs = self._per_output_metrics(weighted_metrics, names)
        self._metrics_built = False
        self.compiled = True
        self._compile_config = {
            "optimizer": optimizer if isinstance(optimizer, str) else None,
            "loss": loss if _jsonable(loss) else None,
            "loss_weights": loss_weights,
            "metrics": metrics if _jsonable(metrics) else None,
        }

    def _output_names(self):
        outputs = getattr(self, "outputs", None)
        if outputs:
            return [t.node.layer.name if t.node is not None else f"output_{i}"
                    for i, t in enumerate(outputs)]
        return ["output"]

    def _per_output(self, value, names, what, convert):
        if isinstance(value, dict):
            unknown = set(value) - set(names)
            if unknown:
                raise ValueError(f"compile(): {what} has keys {sorted(unknown)} that are not "
                                 f"output names {names}.")
            return [None if value.get(n) is None else convert(value[n]) for n in names]
        if isinstance(value, (list, tuple)):
            if len(value) != len(names):
                raise ValueError(f"compile(): {what} has {len(value)} entries but the model "
                                 f"has {len(names)} outputs {names}.")
            return [None if v is None else convert(v) for v in value]
        return [None if value is None else convert(value) for _ in names]

    def _per_output_metrics(self, metrics, names):
        if metrics is None:
            return [[] for _ in names]
        if isinstance(metrics, dict):
            return [_as_list(metrics.get(n)) for n in names]
        if len(names) > 1 and metrics and all(isinstance(m, (list, tuple)) for m in metrics):
            return [list(m) for m in metrics]
        return [list(metrics) for _ in names]

    def _build_metrics(self, y_true, y_pred):
        from deepbricks import metrics as metrics_module

        names = self._output_names()
        prefix = len(names) > 1
        self._metric_objects = []
        for i, name in enumerate(names):
            for specs, weighted in ((self._metric_specs[i], False),
                                    (self._weighted_metric_specs[i], True)):
                for spec in specs:
                    if spec in ("accuracy", "acc"):
                        metric = metrics_module.resolve_accuracy(
                            self._losses_by_output[i], np.shape(y_true[i]),
                            np.shape(y_pred[i]), name=spec)
                    else:
                        metric = metrics_module.get(spec)
                    base = f"weighted_{metric.name}" if weighted else metric.name
                    metric.name = f"{name}_{base}" if prefix else base
                    self._metric_objects.append((i, metric, weighted))
        self._metrics_built = True

    @property
    def metrics_names(self):
        names = ["loss"]
        if len(self._output_names()) > 1:
            names += [f"{n}_loss" for n in self._output_names()]
        return names + [m.name for _, m, _ in getattr(self, "_metric_objects", [])]

    # -- one step ----------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        """Total training loss: weighted per-output losses plus ``model.losses``.

        Output steps masked by the model (``Embedding(mask_zero=True)`` feeding a sequence
        output) do not count, as in Keras.

        Returns:
            (total loss Tensor, list of per-output loss values as floats).
        """
        ys, preds = _as_list(y), _as_list(y_pred)
        if len(ys) != len(preds):
            raise ValueError(f"The model has {len(preds)} outputs but y has {len(ys)} "
                             f"arrays; pass one target array per output.")
        total, per_output = None, []
        masks = getattr(self, "_output_masks", None) or [None] * len(preds)
        for fn, weight, target, pred, mask in zip(self._losses_by_output, self._loss_weights,
                                                  ys, preds, masks):
            if fn is None:
                per_output.append(0.0)
                continue
            if mask is not None:
                mask = mask.data if isinstance(mask, Tensor) else mask
                value = fn(target, pred, sample_weight=sample_weight, mask=mask)
            else:
                value = fn(target, pred, sample_weight=sample_weight)
            per_output.append(float(value.data))
            term = value * weight if weight != 1.0 else value
            total = term if total is None else total + term
        for extra in self.losses:
            total = total + extra
        return total, per_output

    def train_step(self, x, y, sample_weight=None):
        """One gradient update on a batch; returns the loss before the update."""
        variables = self.trainable_weights
        for v in variables:
            v.grad = None
        y_pred = self(x, training=True)
        loss, per_output = self.compute_loss(x, y, y_pred, sample_weight)
        loss.backward()
        self.optimizer.apply(trainable_variables=variables)
        return float(loss.data), per_output, y_pred

    def test_step(self, x, y, sample_weight=None):
        with no_grad():
            y_pred = self(x, training=False)
            loss, per_output = self.compute_loss(x, y, y_pred, sample_weight)
        return float(loss.data), per_output, y_pred

    # -- bookkeeping of epoch averages ----------------------------------------------------
    def _reset_trackers(self):
        self._loss_sum, self._loss_count = 0.0, 0.0
        self._output_loss_sums = [0.0] * len(self._output_names())
        for _, metric, _ in getattr(self, "_metric_objects", []):
            metric.reset_state()

    def _track(self, loss, per_output, y, y_pred, sample_weight, batch_size):
        ys = [np.asarray(t) for t in _as_list(y)]
        preds = [p.data for p in _as_list(y_pred)]
        if not self._metrics_built:
            self._build_metrics(ys, preds)
            for _, metric, _ in self._metric_objects:
                metric.reset_state()
        self._loss_sum += loss * batch_size
        self._loss_count += batch_size
        for i, value in enumerate(per_output):
            self._output_loss_sums[i] += value * batch_size
        masks = getattr(self, "_output_masks", None) or [None] * len(preds)
        for i, metric, weighted in self._metric_objects:
            weight = sample_weight if weighted else None
            if masks[i] is not None:
                mask = np.asarray(masks[i].data if isinstance(masks[i], Tensor) else masks[i])
                weight = mask if weight is None else mask * _expand_to(weight, mask.ndim)
            metric.update_state(ys[i], preds[i], sample_weight=weight)
        return self._logs()

    def _logs(self):
        logs = {"loss": self._loss_sum / max(self._loss_count, 1)}
        names = self._output_names()
        if len(names) > 1:
            for name, total in zip(names, self._output_loss_sums):
                logs[f"{name}_loss"] = total / max(self._loss_count, 1)
        for _, metric, _ in getattr(self, "_metric_objects", []):
            logs[metric.name] = float(metric.result())
        return logs

    def _require_compiled(self, method):
        if not self.compiled:
            raise ValueError(
                f"You must call compile() before {method}(), e.g. model.compile("
                f"optimizer='adam', loss='sparse_categorical_crossentropy')."
            )

    # -- fit / evaluate / predict --------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, nb_epoch=None):
        """Trains the model for a number of epochs.

        Args:
            x, y: arrays (lists/dicts of arrays for several inputs/outputs), or x a Sequence
                or generator yielding (x, y[, sample_weight]) batches.
            batch_size: samples per gradient update (default 32).
            epochs: number of passes over the data; ``nb_epoch`` is the Keras 1 spelling.
            verbose: 0 silent, 1 progress bar, 2 one line per epoch ('auto' = 1).
            callbacks: list of Callback objects.
            validation_split: fraction of the data (the last samples, before shuffling)
                held out for validation.
            validation_data: (x_val, y_val) or (x_val, y_val, sample_weight_val).
            shuffle: reshuffle the training data before each epoch.
            class_weight: dict {class index: weight} scaling each sample's loss.
            sample_weight: per-sample weights, shape (N,).
            initial_epoch: epoch to start from (for resuming).
            steps_per_epoch, validation_steps: batches per epoch for generators.
            validation_freq: validate every this many epochs.

        Returns:
            A History whose ``history`` dict maps 'loss', metrics and 'val_*' to per-epoch
            values.
        """
        from deepbricks import callbacks as callbacks_module

        if nb_epoch is not None:
            warnings.warn("`nb_epoch` is the Keras 1 spelling; use `epochs`.",
                          DeprecationWarning, stacklevel=2)
            epochs = nb_epoch
        self._require_compiled("fit")
        if validation_split and validation_data is None:
            if not data_adapter._is_array_like(x):
                raise ValueError("validation_split needs array inputs; pass validation_data "
                                 "for Sequences and generators.")
            (x, y, sample_weight), validation_data = data_adapter.split_validation(
                x, y, sample_weight, validation_split)
        if class_weight is not None:
            sample_weight = _class_weights_to_sample_weights(y, class_weight, sample_weight)
        train = data_adapter.make_batches(x, y, sample_weight, batch_size, shuffle,
                                          steps_per_epoch)
        val = None
        if validation_data is not None:
            vx, vy, vsw = unpack_x_y_sample_weight(validation_data)
            val = data_adapter.make_batches(vx, vy, vsw, validation_batch_size or batch_size,
                                            False, validation_steps)
        verbose = 1 if verbose == "auto" else verbose
        self.history = callbacks_module.History()
        cbs = callbacks_module.CallbackList(
            callbacks, model=self, add_history=self.history, add_progbar=verbose != 0,
            verbose=verbose, epochs=epochs, steps=len(train))
        self.stop_training = False
        cbs.on_train_begin()
        nan_reported, epoch_logs = False, {}
        for epoch in range(initial_epoch, epochs):
            self._reset_trackers()
            cbs.on_epoch_begin(epoch)
            logs = {}
            for step, (bx, by, bsw) in enumerate(train.epoch()):
                cbs.on_train_batch_begin(step)
                loss, per_output, y_pred = self.train_step(bx, by, bsw)
                logs = self._track(loss, per_output, by, y_pred, bsw, _batch_len(bx))
                if not np.isfinite(loss) and not nan_reported:
                    nan_reported = True
                    warnings.warn(f"The loss became {loss} at epoch {epoch + 1}, batch {step} "
                                  f"(0-based). Lower the learning rate, clip gradients "
                                  f"(clipnorm=1.0) or check the data for NaN values.",
                                  RuntimeWarning, stacklevel=2)
                cbs.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            epoch_logs = dict(logs)
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._run_evaluation(val)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        cbs.on_train_end(epoch_logs)
        return self.history

    def _run_evaluation(self, batches, callbacks=None):
        self._reset_trackers()
        logs = {}
        for step, (bx, by, bsw) in enumerate(batches.epoch()):
            if callbacks is not None:
                callbacks.on_test_batch_begin(step)
            loss, per_output, y_pred = self.test_step(bx, by, bsw)
            logs = self._track(loss, per_output, by, y_pred, bsw, _batch_len(bx))
            if callbacks is not None:
                callbacks.on_test_batch_end(step, logs)
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """Loss and metrics on data, in inference mode.

        Returns:
            The loss (a float) when there are no metrics, else [loss, *metrics] in
            ``metrics_names`` order; a dict with ``return_dict=True``.
        """
        from deepbricks import callbacks as callbacks_module

        self._require_compiled("evaluate")
        batches = data_adapter.make_batches(x, y, sample_weight, batch_size, False, steps)
        verbose = 1 if verbose == "auto" else verbose
        cbs = callbacks_module.CallbackList(callbacks, model=self, add_progbar=verbose != 0,
                                            verbose=verbose, epochs=1, steps=len(batches),
                                            mode="test")
        cbs.on_test_begin()
        logs = self._run_evaluation(batches, cbs)
        cbs.on_test_end(logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Model outputs for the inputs, computed in batches without recording a graph.

        Returns:
            A NumPy array (a list of arrays for several outputs).
        """
        from deepbricks import callbacks as callbacks_module

        batches = data_adapter.make_batches(x, None, None, batch_size, False, steps)
        verbose = 1 if verbose == "auto" else verbose
        cbs = callbacks_module.CallbackList(callbacks, model=self, add_progbar=verbose != 0,
                                            verbose=verbose, epochs=1, steps=len(batches),
                                            mode="predict")
        cbs.on_predict_begin()
        chunks = []
        for step, (bx, _, _) in enumerate(batches.epoch()):
            cbs.on_predict_batch_begin(step)
            chunks.append([t.data for t in _as_list(self.predict_on_batch_tensors(bx))])
            cbs.on_predict_batch_end(step, {})
        cbs.on_predict_end()
        if not chunks:
            raise ValueError("predict() received no data.")
        outputs = [np.concatenate(parts) for parts in zip(*chunks)]
        return outputs[0] if len(outputs) == 1 else outputs

    def predict_on_batch_tensors(self, x):
        with no_grad():
            return self(x, training=False)

    def predict_on_batch(self, x):
        outputs = [t.data for t in _as_list(self.predict_on_batch_tensors(x))]
        return outputs[0] if len(outputs) == 1 else outputs

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        """One update on one batch; returns the loss (and metrics) from before the update."""
        self._require_compiled("train_on_batch")
        if class_weight is not None:
            sample_weight = _class_weights_to_sample_weights(y, class_weight, sample_weight)
        data_adapter.check_lengths(x, y, sample_weight)
        self._reset_trackers()
        loss, per_output, y_pred = self.train_step(x, y, sample_weight)
        logs = self._track(loss, per_output, y, y_pred, sample_weight, _batch_len(x))
        return _logs_result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._require_compiled("test_on_batch")
        data_adapter.check_lengths(x, y, sample_weight)
        self._reset_trackers()
        loss, per_output, y_pred = self.test_step(x, y, sample_weight)
        logs = self._track(loss, per_output, y, y_pred, sample_weight, _batch_len(x))
        return _logs_result(logs, return_dict)

    def zero_grad(self):
        """Clears the ``.grad`` of every weight (for custom training loops)."""
        for v in self.weights:
            v.grad = None


def _as_loss(identifier):
    """A Loss object for what compile(loss=...) received (functions get wrapped)."""
    from deepbricks import losses

    loss = losses.get(identifier)
    if isinstance(loss, losses.Loss):
        return loss
    name = identifier if isinstance(identifier, str) else None
    return losses.LossFunctionWrapper(loss, name=name)


def _expand_to(weight, ndim):
    weight = np.asarray(weight)
    return weight.reshape(weight.shape + (1,) * (ndim - weight.ndim))


def _logs_result(logs, return_dict):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _batch_len(x):
    first = flatten(x)[0]
    return len(first)


def _as_list(x):
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, dict):
        return list(x.values())
    return [x]


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(_jsonable(v) for v in value.values())
    return False


def _class_weights_to_sample_weights(y, class_weight, sample_weight):
    y = np.asarray(y.data if isinstance(y, Tensor) else y)
    labels = y.argmax(-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    labels = labels.astype(int)
    missing = sorted(set(np.unique(labels).tolist()) - set(class_weight))
    if missing:
        raise ValueError(f"class_weight has no entry for classes {missing}; give a weight for "
                         f"every class present in y.")
    lookup = np.array([class_weight.get(c, 1.0) for c in range(labels.max() + 1)], "float32")
    weights = lookup[labels]
    return weights if sample_weight is None else weights * np.asarray(sample_weight, "float32")
