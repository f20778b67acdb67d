from deepbricks.layers.normalization.batch_normalization import BatchNormalization
from deepbricks.layers.normalization.layer_normalization import LayerNormalization

__all__ = ["BatchNormalization", "LayerNormalization"]
