"""The confusion matrix of a classifier, counted and drawn."""

import numpy as np

from deepbricks.viz._figure import new_figure, save


def _labels(y, role):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    y = y.reshape(-1) if y.ndim == 2 else y
    if y.ndim != 1 or not (np.issubdtype(y.dtype, np.integer) or
                           np.all(y == np.round(y))) or (y.size and y.min() < 0):
        raise ValueError(
            f"confusion_matrix: `{role}` must hold class indices (N,) or one row of scores per "
            f"sample (N, classes). Received: an array of shape {y.shape} and dtype {y.dtype}."
        )
    return y.astype(np.int64)


def confusion_matrix(y_true, y_pred, num_classes=None):
    """Counts how often each true class was predicted as each class.

    C[i, j] = #{n : y_true[n] = i and y_pred[n] = j}, so the diagonal holds the correct
    predictions and row i sums to the number of samples of class i.

    Args:
        y_true: class indices (N,), or one-hot rows (N, classes).
        y_pred: predicted class indices (N,), or scores/probabilities (N, classes), whose
            argmax is taken.
        num_classes: size of the matrix; default one more than the largest index seen.

    Returns:
        An int64 array of shape (num_classes, num_classes).

    Example:
        >>> confusion_matrix([0, 1, 1], [0, 1, 0]).tolist()
        [[1, 0], [1, 1]]
    """
    true, pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if true.shape != pred.shape:
        raise ValueError(f"confusion_matrix: y_true and y_pred hold {true.size} and {pred.size} "
                         f"samples; they must hold one label per sample each.")
    seen = int(max(true.max(initial=-1), pred.max(initial=-1))) + 1
    if num_classes is None:
        num_classes = seen
    elif seen > num_classes:
        raise ValueError(f"confusion_matrix: labels go up to {seen - 1}, beyond "
                         f"num_classes={num_classes}.")
    counts = np.bincount(true * num_classes + pred, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def plot_confusion_matrix(y_true, y_pred, class_names=None, path="confusion_matrix.png",
                          normalize=False, title=None):
    """Draws the confusion matrix as a heat map, rows the true and columns the predicted class.

    Each cell is annotated with its count (or, with ``normalize=True``, the fraction of its
    row: the recall of the true class on the diagonal).

    Args:
        y_true: class indices (N,) or one-hot rows (N, classes).
        y_pred: predicted indices (N,) or scores (N, classes).
        class_names: names of the classes, in index order; default the indices.
        path: the image file to write.
        normalize: show row fractions instead of counts.
        title: title above the matrix; default the accuracy.

    Returns:
        ``path`` as a ``pathlib.Path``.

    Example:
        >>> plot_confusion_matrix([0, 1, 1], [0, 1, 0], ['cat', 'dog'], 'confusion.png')
        PosixPath('confusion.png')
    """
    num_classes = None if class_names is None else len(class_names)
    counts = confusion_matrix(y_true, y_pred, num_classes)
    names = [str(n) for n in (class_names or range(len(counts)))]
    total = counts.sum()
    shown = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1) if normalize else counts
    size = 2.5 + 0.55 * len(names)
    figure = new_figure(size + 1.0, size)
    axes = figure.add_subplot(1, 1, 1)
    image = axes.imshow(shown, cmap="Blues", interpolation="nearest")
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    ticks = np.arange(len(names))
    axes.set_xticks(ticks, names, rotation=45, ha="right")
    axes.set_yticks(ticks, names)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    if len(names) <= 20:
        threshold = shown.max() / 2
        for (i, j), value in np.ndenumerate(shown):
            text = f"{value:.2f}" if normalize else str(value)
            axes.text(j, i, text, ha="center", va="center", fontsize=8,
                      color="white" if value > threshold else "black")
    accuracy = np.trace(counts) / total if total else float("nan")
    axes.set_title(title or f"accuracy {accuracy:.4f} on {total} samples")
    return save(figure, path)
