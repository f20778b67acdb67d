"""Plots of what a network learned: training curves, filters, feature maps, confusions.

Each function draws with matplotlib's Agg renderer on a figure of its own (no pyplot state, so
no window ever opens and an interactive session's figures are left alone), writes a PNG (or
any format the file name's extension asks for) and returns the path. matplotlib is imported
only when a plot is drawn; it is the ``plots`` extra: ``pip install deepbricks[plots]``.

Example:
    >>> from deepbricks import viz
    >>> viz.plot_history({'loss': [1.0, 0.5], 'accuracy': [0.6, 0.8]}, 'history.png')
    PosixPath('history.png')
"""

from deepbricks.viz.confusion import confusion_matrix, plot_confusion_matrix
from deepbricks.viz.history import plot_history
from deepbricks.viz.images import plot_feature_maps, plot_filters

__all__ = [
    "confusion_matrix", "plot_confusion_matrix", "plot_feature_maps", "plot_filters",
    "plot_history",
]
