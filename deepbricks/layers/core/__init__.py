from deepbricks.layers.core.dense import Dense
from deepbricks.layers.core.embedding import Embedding
from deepbricks.layers.core.highway import Highway
from deepbricks.layers.core.identity import Identity
from deepbricks.layers.core.input_layer import Input, InputLayer
from deepbricks.layers.core.lambda_layer import Lambda
from deepbricks.layers.core.masking import Masking

__all__ = ["Dense", "Embedding", "Highway", "Identity", "Input", "InputLayer", "Lambda",
           "Masking"]
