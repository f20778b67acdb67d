"""A matplotlib figure detached from pyplot, and the image mosaics the plots share."""

import math
from pathlib import Path

import numpy as np


def new_figure(width, height):
    """A Figure drawn by the Agg canvas, never shown; matplotlib is imported here, lazily."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError(
            "deepbricks.viz draws with matplotlib, which is not installed. Install the plots "
            "extra: pip install deepbricks[plots]"
        ) from err
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def save(figure, path):
    """Writes ``figure`` to ``path`` (creating its directory) and returns it as a Path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, bbox_inches="tight")
    return path


def grid_shape(count):
    """(rows, columns) of the most square grid holding ``count`` tiles."""
    columns = math.ceil(math.sqrt(count))
    return math.ceil(count / columns), columns


def mosaic(tiles, columns, gap=1):
    """Lays ``tiles`` (n, h, w) or (n, h, w, 3) out in rows of ``columns``, separated by ``gap``
    cells of NaN (drawn as the background), in one array ready for a single ``imshow``."""
    tiles = np.asarray(tiles, dtype=np.float32)
    n, h, w = tiles.shape[:3]
    rows = math.ceil(n / columns)
    padded = np.full((rows * columns, h + gap, w + gap) + tiles.shape[3:], np.nan, np.float32)
    padded[:n, :h, :w] = tiles
    grid = padded.reshape((rows, columns, h + gap, w + gap) + tiles.shape[3:])
    grid = grid.swapaxes(1, 2).reshape((rows * (h + gap), columns * (w + gap)) + tiles.shape[3:])
    return grid[:-gap, :-gap] if gap else grid
