from deepbricks.layers.reshaping.flatten import Flatten

__all__ = ["Flatten"]
