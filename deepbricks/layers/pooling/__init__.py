from deepbricks.layers.pooling.average_pooling import AveragePooling1D, AveragePooling2D
from deepbricks.layers.pooling.global_pooling import (
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
)
from deepbricks.layers.pooling.max_pooling import MaxPooling1D, MaxPooling2D

# Keras's short names.
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D

__all__ = [
    "AvgPool1D", "AvgPool2D", "AveragePooling1D", "AveragePooling2D", "GlobalAvgPool1D",
    "GlobalAvgPool2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPool1D",
    "GlobalMaxPool2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "MaxPool1D", "MaxPool2D",
    "MaxPooling1D", "MaxPooling2D",
]
