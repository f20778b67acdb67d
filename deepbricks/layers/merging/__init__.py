from deepbricks.layers.merging.concatenate import Concatenate, concatenate
from deepbricks.layers.merging.dot import Dot, dot
from deepbricks.layers.merging.elementwise import (
    Add,
    Average,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    maximum,
    minimum,
    multiply,
    subtract,
)

__all__ = [
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply",
    "Subtract", "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply",
    "subtract",
]
