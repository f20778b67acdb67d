"""Hinge metrics: running weighted means of the hinge losses."""

from deepbricks.losses import functions as losses
from deepbricks.metrics.reduction import FunctionMetric

__all__ = ["Hinge", "SquaredHinge", "CategoricalHinge"]


class Hinge(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.hinge`.

    Example:
        >>> from deepbricks import metrics
        >>> m = metrics.Hinge(); m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(m.result(), 4)
        1.3
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(losses.hinge, name=name, dtype=dtype)


class SquaredHinge(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.squared_hinge`."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(losses.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(FunctionMetric):
    """Running mean of :func:`deepbricks.losses.categorical_hinge`."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(losses.categorical_hinge, name=name, dtype=dtype)
