"""What the recurrent demonstrations share: argument checks, seeding, output folders, plots."""

from pathlib import Path

import numpy as np


def check_positive_int(experiment, **values):
    """Raises a ValueError naming the experiment unless every value is an integer >= 1."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{experiment}: {name} must be a positive integer. "
                             f"Received: {name}={value!r}")


def check_choice(experiment, name, value, choices):
    if value not in choices:
        raise ValueError(f"{experiment}: {name} must be one of {sorted(choices)}. "
                         f"Received: {name}={value!r}")


def output_path(output_dir, filename):
    """``output_dir / filename`` with the folder created, or None when no folder was given."""
    if output_dir is None:
        return None
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / filename


def new_figure(width, height):
    """A matplotlib figure on the Agg canvas, detached from pyplot (see ``deepbricks.viz``)."""
    from deepbricks.viz._figure import new_figure as detached_figure

    return detached_figure(width, height)


def save_figure(figure, path):
    from deepbricks.viz._figure import save

    return save(figure, path)


def padded(sequences, length, value=0, dtype=np.int32):
    """Stacks integer sequences into an (N, length) array, each left-aligned and padded after
    with ``value`` (one fancy-indexed assignment, no loop over positions)."""
    lengths = np.fromiter((len(s) for s in sequences), np.intp, len(sequences))
    out = np.full((len(sequences), length), value, dtype)
    if len(sequences):
        rows = np.repeat(np.arange(len(sequences)), lengths)
        cols = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        out[rows, cols] = np.concatenate([np.asarray(s, dtype) for s in sequences])
    return out
