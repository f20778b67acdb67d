"""Training curves: loss and accuracy per epoch, on the training and validation data."""

from deepbricks.viz._figure import new_figure, save


def _as_dict(history):
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError(
            f"plot_history expects the History returned by fit() or its .history dict "
            f"({{'loss': [...], ...}}). Received: {type(history).__name__} {logs!r:.80}"
        )
    return logs


def plot_history(history, path, title=None):
    """Plots the training curves of a ``fit``: a loss panel and an accuracy panel.

    Each panel shows the training value per epoch and, when ``fit`` had validation data, the
    validation value (``val_`` keys). The accuracy panel shows every key ending in
    ``accuracy`` or ``acc``; it is left out when there is none.

    Args:
        history: the ``History`` returned by ``fit``, or its ``history`` dict mapping names
            such as 'loss', 'accuracy', 'val_loss' to per-epoch values.
        path: the image file to write (PNG by its extension; parent directories are created).
        title: optional title above the panels.

    Returns:
        ``path`` as a ``pathlib.Path``.

    Example:
        >>> plot_history({'loss': [0.9, 0.5], 'val_loss': [0.8, 0.6]}, 'curves.png')
        PosixPath('curves.png')
    """
    logs = _as_dict(history)
    accuracy = [k for k in logs if k.removeprefix("val_").endswith(("accuracy", "acc"))]
    losses = [k for k in logs if k.removeprefix("val_") == "loss"]
    panels = [(name, keys) for name, keys in (("loss", losses), ("accuracy", accuracy)) if keys]
    if not panels:
        raise ValueError(f"plot_history found neither a loss nor an accuracy in the history; "
                         f"its keys are {sorted(logs)}.")
    figure = new_figure(5.0 * len(panels), 3.6)
    for i, (name, keys) in enumerate(panels):
        axes = figure.add_subplot(1, len(panels), i + 1)
        for key in keys:
            values = logs[key]
            epochs = range(1, len(values) + 1)
            label = f"validation {key[4:]}" if key.startswith("val_") else f"training {key}"
            style = "--" if key.startswith("val_") else "-"
            axes.plot(epochs, values, style, marker="o", label=label)
        axes.set_xlabel("epoch")
        axes.set_ylabel(name)
        axes.grid(alpha=0.3)
        axes.legend()
        axes.xaxis.get_major_locator().set_params(integer=True)
    if title:
        figure.suptitle(title)
    return save(figure, path)
