from deepbricks.layers.normalization.batch_normalization import BatchNormalization
from deepbricks.layers.normalization.layer_normalization import LayerNormalization
from deepbricks.layers.normalization.local_response_normalization import (
    LocalResponseNormalization,
)

__all__ = ["BatchNormalization", "LayerNormalization", "LocalResponseNormalization"]
