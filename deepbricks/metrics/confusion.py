"""Confusion-matrix metrics: TP/FP/TN/FN counts per threshold, precision, recall and AUC.

A prediction p counts as positive at threshold t when p > t, and a label as positive when it
is non-zero. Counting is one pass: each prediction gets the number of (sorted) thresholds it
exceeds, a weighted histogram of those numbers is taken for positive and for negative labels,
and a reverse cumulative sum turns the histograms into counts at every threshold, so that
AUC's 200 thresholds cost no more than one. Evenly spaced thresholds (AUC's default) find
the number directly as ceil(p * (T - 1)), as Keras does.
"""

import numpy as np
from scipy.special import expit

from deepbricks.losses.loss import squeeze_or_expand_to_same_rank
from deepbricks.metrics.metric import Metric, as_array, divide_no_nan, to_python

__all__ = [
    "TruePositives",
    "FalsePositives",
    "TrueNegatives",
    "FalseNegatives",
    "Precision",
    "Recall",
    "AUC",
]

EPSILON = 1e-7
NEG_INF = -1e10  # Keras's default threshold with top_k: every kept prediction exceeds it


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def parse_thresholds(owner, thresholds, default):
    """A list of thresholds in [0, 1] (a single default when None)."""
    if thresholds is None:
        return [default]
    values = [thresholds] if np.ndim(thresholds) == 0 else list(np.ravel(thresholds))
    bad = [t for t in values if t is None or not 0 <= t <= 1]
    if bad or not values:
        raise ValueError(
            f"{owner}: thresholds must be numbers in [0, 1]; received thresholds={thresholds!r}."
        )
    return [float(t) for t in values]


def evenly_spaced(thresholds):
    """Whether the thresholds are i / (T - 1) for i = 0..T-1 (to within Keras's epsilon)."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=EPSILON))


def _exceeded(y_pred, thresholds, even, dtype):
    """For each prediction, how many of the sorted thresholds it exceeds (0..T)."""
    count = len(thresholds)
    if even:
        clipped = np.clip(y_pred, 0.0, 1.0).astype(dtype, copy=False)
        exceeded = np.ceil(clipped * np.asarray(count - 1, dtype))
        if thresholds[0] < 0:
            # AUC's first threshold is -epsilon: every prediction, even 0, exceeds it.
            exceeded = np.maximum(exceeded, 1)
    else:
        exceeded = np.searchsorted(np.sort(np.asarray(thresholds, dtype)), y_pred, side="left")
    # NaN predictions exceed nothing (p > t is false for NaN).
    return np.where(np.isnan(y_pred), 0, exceeded).astype(np.int64)


def confusion_counts(y_true, y_pred, thresholds, even=False, sample_weight=None, top_k=None,
                     class_id=None, multi_label=False, label_weights=None, dtype="float32",
                     owner="metric"):
    """Weighted TP, FP, TN, FN at each threshold.

    Args:
        y_true: labels, non-zero meaning positive, shaped like y_pred (a trailing size-1 axis
            may differ).
        y_pred: scores, usually probabilities, shape (N,) or (N, L).
        thresholds: list of T thresholds, in any order (counts follow that order).
        even: whether ``thresholds`` are evenly spaced over [0, 1] (possibly with AUC's
            -epsilon / 1 + epsilon ends), for Keras's bucketing of predictions.
        sample_weight: None or weights broadcastable to y_pred (one per sample or per entry).
        top_k: keep only the k highest scores of each row as candidates for positive.
        class_id: look only at this column of (N, C) predictions.
        multi_label: count each of the L columns separately (counts of shape (T, L)) instead
            of pooling all entries.
        label_weights: per-column weights (L,), pooled mode only.
        dtype: float type the scores are compared in.
        owner: metric name for error messages.

    Returns:
        Dict with 'tp', 'fp', 'tn', 'fn': float64 arrays (T,) or (T, L).
    """
    y_pred = as_array(y_pred, dtype)
    y_true = as_array(y_true)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{owner} expects y_true and y_pred of the same shape; received "
            f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}."
        )
    weights = np.ones((), dtype)
    if sample_weight is not None:
        weights = as_array(sample_weight, dtype)
        if 0 < weights.ndim < y_pred.ndim:
            weights = weights.reshape(weights.shape + (1,) * (y_pred.ndim - weights.ndim))
    try:
        weights = np.broadcast_to(weights, y_pred.shape)
    except ValueError:
        raise ValueError(
            f"{owner}: sample_weight of shape {weights.shape} does not fit predictions of "
            f"shape {y_pred.shape}; pass one weight per sample (shape {y_pred.shape[:1]})."
        ) from None
    if top_k is not None:
        if top_k > y_pred.shape[-1]:
            raise ValueError(
                f"{owner}: top_k={top_k} exceeds the {y_pred.shape[-1]} scores per row of "
                f"y_pred (shape {y_pred.shape})."
            )
        kept = np.argpartition(-y_pred, top_k - 1, axis=-1)[..., :top_k]
        filtered = np.full_like(y_pred, NEG_INF)
        np.put_along_axis(filtered, kept, np.take_along_axis(y_pred, kept, axis=-1), axis=-1)
        y_pred = filtered
    if class_id is not None:
        if y_pred.ndim < 2:
            raise ValueError(
                f"{owner}: class_id needs predictions of shape (N, num_classes); received "
                f"y_pred.shape={y_pred.shape}."
            )
        y_true, y_pred, weights = (a[..., class_id] for a in (y_true, y_pred, weights))
    if label_weights is not None and not multi_label:
        weights = weights * np.asarray(label_weights, dtype)
    if multi_label:
        columns = y_pred.shape[-1]
        y_true, y_pred, weights = (a.reshape(-1, columns).T for a in (y_true, y_pred, weights))
    else:
        y_true, y_pred, weights = (a.reshape(1, -1) for a in (y_true, y_pred, weights))

    count = len(thresholds)
    exceeded = _exceeded(y_pred, thresholds, even, dtype)
    # One histogram row of T + 1 bins per column: bin i holds the weight of predictions
    # exceeding exactly i thresholds.
    bins = exceeded + (count + 1) * np.arange(y_pred.shape[0])[:, None]
    positive = y_true != 0
    size = (count + 1) * y_pred.shape[0]

    def histogram(select):
        flat = np.bincount(bins[select], weights=weights[select].astype(np.float64),
                           minlength=size)
        return flat.reshape(y_pred.shape[0], count + 1)

    pos_hist, neg_hist = histogram(positive), histogram(~positive)
    # At sorted threshold j the positives are the predictions exceeding more than j.
    tp = np.cumsum(pos_hist[:, ::-1], axis=1)[:, ::-1][:, 1:]
    fp = np.cumsum(neg_hist[:, ::-1], axis=1)[:, ::-1][:, 1:]
    fn = pos_hist.sum(axis=1, keepdims=True) - tp
    tn = neg_hist.sum(axis=1, keepdims=True) - fp
    order = np.argsort(np.asarray(thresholds, dtype), kind="stable")
    counts = {}
    for key, sorted_counts in (("tp", tp), ("fp", fp), ("tn", tn), ("fn", fn)):
        unsorted = np.empty_like(sorted_counts)
        unsorted[:, order] = sorted_counts
        counts[key] = unsorted.T if multi_label else unsorted[0]
    return counts


class _ThresholdMetric(Metric):
    """Accumulates confusion counts at fixed thresholds."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if top_k is not None and (not _is_int(top_k) or top_k < 1):
            raise ValueError(f"{self.name}: top_k must be a positive integer; received {top_k!r}.")
        self.init_thresholds = thresholds
        self.top_k, self.class_id = top_k, class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_thresholds(self.name, thresholds, default)
        self._even = evenly_spaced(self.thresholds)
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(
            y_true, y_pred, self.thresholds, even=self._even, sample_weight=sample_weight,
            top_k=self.top_k, class_id=self.class_id, dtype=self.dtype, owner=self.name,
        )
        for key in ("tp", "fp", "tn", "fn"):
            self.counts[key] += counts[key]

    def reset_state(self):
        self.counts = {key: np.zeros(len(self.thresholds)) for key in ("tp", "fp", "tn", "fn")}

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class _Count(_ThresholdMetric):
    key = ""

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)

    def result(self):
        return _one_or_all(self.counts[self.key])


class TruePositives(_Count):
    """Weighted number of true positives (label 1, prediction above the threshold).

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.TruePositives(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); m.result()
        2.0
    """

    key = "tp"


class FalsePositives(_Count):
    """Weighted number of false positives (label 0, prediction above the threshold)."""

    key = "fp"


class TrueNegatives(_Count):
    """Weighted number of true negatives (label 0, prediction at or below the threshold)."""

    key = "tn"


class FalseNegatives(_Count):
    """Weighted number of false negatives (label 1, prediction at or below the threshold)."""

    key = "fn"


class Precision(_ThresholdMetric):
    """Precision TP / (TP + FP): the fraction of predicted positives that are positive.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5); with a list the
            result is an array with one precision per threshold.
        top_k: count only the k highest scores of each row as positive predictions.
        class_id: compute the precision of this class only (predictions (N, C)).
        name: reported name.
        dtype: float type the scores are compared in.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.Precision(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); m.result()
        0.6666666666666666
    """

    def __init__(self, thresholds=None, top_k=None, class_id=None, name="precision",
                 dtype=None):
        super().__init__(thresholds, top_k, class_id, name, dtype)

    def result(self):
        tp = self.counts["tp"]
        return _one_or_all(divide_no_nan(tp, tp + self.counts["fp"]))

    def get_config(self):
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}


class Recall(_ThresholdMetric):
    """Recall TP / (TP + FN): the fraction of positives that are predicted positive.

    Args: as for :class:`Precision`.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.Recall(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); m.result()
        0.6666666666666666
    """

    def __init__(self, thresholds=None, top_k=None, class_id=None, name="recall", dtype=None):
        super().__init__(thresholds, top_k, class_id, name, dtype)

    def result(self):
        tp = self.counts["tp"]
        return _one_or_all(divide_no_nan(tp, tp + self.counts["fn"]))

    def get_config(self):
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}


def _one_or_all(values):
    return to_python(values[0] if values.shape == (1,) else values)


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "minoring", "majoring")


class AUC(Metric):
    """Area under the ROC or precision-recall curve, approximated over fixed thresholds.

    The thresholds are -epsilon, 1/(T-1), ..., (T-2)/(T-1), 1 + epsilon for
    ``num_thresholds`` T, so that the curve runs from (1, 1) to (0, 0) for ROC. The area is a
    Riemann sum over consecutive thresholds: trapezoids for 'interpolation' on ROC, the
    lower ('minoring') or upper ('majoring') rectangle otherwise; 'interpolation' on the PR
    curve interpolates precision along the curve as Davis & Goadrich (2006) describe.

    Args:
        num_thresholds: number of thresholds, > 1.
        curve: 'ROC', 'PR' or 'PRGAIN'.
        summation_method: 'interpolation', 'minoring' or 'majoring'.
        name: reported name.
        dtype: float type the scores are compared in.
        thresholds: explicit thresholds in [0, 1] (then num_thresholds is len + 2).
        multi_label: compute one AUC per column of (N, L) predictions and average them,
            instead of one AUC over all entries.
        num_labels: L, to create the state before the first batch (multi_label only).
        label_weights: per-column weights: of the average for multi_label, of the counts
            otherwise.
        from_logits: whether y_pred holds logits (sigmoid is applied first).

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.AUC(num_thresholds=3); m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> m.result()
        0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name="auc", dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        if str(curve).lower() not in _CURVES:
            raise ValueError(
                f"AUC: invalid curve={curve!r}; expected 'ROC', 'PR' or 'PRGAIN'."
            )
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(
                f"AUC: invalid summation_method={summation_method!r}; expected "
                f"'interpolation', 'minoring' or 'majoring'."
            )
        self.curve = _CURVES[str(curve).lower()]
        self.summation_method = str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds("AUC", thresholds, None))
            self.num_thresholds = len(inner) + 2
            self._even = evenly_spaced([0.0, *inner, 1.0])
        else:
            if not _is_int(num_thresholds) or num_thresholds <= 1:
                raise ValueError(
                    f"AUC: num_thresholds must be an integer > 1; received "
                    f"num_thresholds={num_thresholds!r}. The default is 200."
                )
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (self.num_thresholds - 1) for i in range(self.num_thresholds - 2)]
            self._even = True
        self._thresholds = [0.0 - EPSILON, *inner, 1.0 + EPSILON]
        if num_labels is not None and not multi_label:
            raise ValueError("AUC: num_labels is needed only when multi_label=True.")
        self.multi_label, self.num_labels = multi_label, num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights,
                                                                           np.float64)
        self.from_logits = from_logits
        self.reset_state()

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _state_shape(self, columns):
        return (self.num_thresholds, columns) if self.multi_label else (self.num_thresholds,)

    def reset_state(self):
        columns = self.num_labels
        if self.multi_label and columns is None:
            self.counts = None
            return
        shape = self._state_shape(columns)
        self.counts = {key: np.zeros(shape) for key in ("tp", "fp", "tn", "fn")}

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = as_array(y_pred)
        if self.multi_label and y_pred.ndim != 2:
            raise ValueError(
                f"AUC with multi_label=True expects predictions of shape (N, num_labels); "
                f"received y_pred.shape={y_pred.shape}."
            )
        if self.from_logits:
            y_pred = expit(y_pred)
        counts = confusion_counts(
            y_true, y_pred, self._thresholds, even=self._even, sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            dtype=self.dtype, owner=self.name,
        )
        if self.counts is None:
            self.counts = {key: np.zeros_like(value) for key, value in counts.items()}
        if counts["tp"].shape != self.counts["tp"].shape:
            raise ValueError(
                f"AUC: predictions with {counts['tp'].shape[-1]} labels after batches with "
                f"{self.counts['tp'].shape[-1]}; every batch needs the same number of labels."
            )
        for key in counts:
            self.counts[key] += counts[key]

    def result(self):
        if self.counts is None:
            return 0.0
        tp, fp, tn, fn = (self.counts[key] for key in ("tp", "fp", "tn", "fn"))
        if self.curve == "PR" and self.summation_method == "interpolation":
            per_label = _interpolated_pr_auc(tp, fp, fn)
        else:
            per_label = self._riemann_sum(tp, fp, tn, fn)
        if not self.multi_label:
            return float(per_label)
        if self.label_weights is None:
            return float(np.mean(per_label))
        return float(divide_no_nan(np.sum(per_label * self.label_weights),
                                   np.sum(self.label_weights)))

    def _riemann_sum(self, tp, fp, tn, fn):
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:
            # Precision-recall gain (Flach & Kull, 2015), both gains clipped as in Keras.
            scale = divide_no_nan(tp + fn, tn + fp)
            no_tp = tp == 0
            x = np.where(no_tp, 0.0, 1.0 - scale * divide_no_nan(fn, tp))
            x = np.maximum(x, 0.0)
            y = np.where(no_tp, 1.0, 1.0 - scale * divide_no_nan(fp, tp))
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return np.sum((x[:-1] - x[1:]) * heights, axis=0)

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self.from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self._thresholds[1:-1]
        return config


def _interpolated_pr_auc(tp, fp, fn):
    """PR-AUC with precision interpolated between thresholds (Davis & Goadrich, 2006).

    Between consecutive thresholds TP grows linearly with the number of predicted positives
    P = TP + FP, tp = slope * P + intercept, so precision tp / P integrates in closed form
    over recall tp / (TP + FN): slope * (dTP + intercept * log(P_i / P_{i+1})) / (TP + FN).
    """
    d_tp = tp[:-1] - tp[1:]
    predicted = tp + fp
    d_predicted = predicted[:-1] - predicted[1:]
    slope = divide_no_nan(d_tp, np.maximum(d_predicted, 0))
    intercept = tp[1:] - slope * predicted[1:]
    both_positive = (predicted[:-1] > 0) & (predicted[1:] > 0)
    ratio = np.where(both_positive, divide_no_nan(predicted[:-1], np.maximum(predicted[1:], 0)),
                     1.0)
    increments = divide_no_nan(slope * (d_tp + intercept * np.log(ratio)),
                               np.maximum(tp[1:] + fn[1:], 0))
    return np.sum(increments, axis=0)
