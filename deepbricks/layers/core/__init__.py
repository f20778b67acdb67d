from deepbricks.layers.core.dense import Dense
from deepbricks.layers.core.input_layer import Input, InputLayer

__all__ = ["Dense", "Input", "InputLayer"]
