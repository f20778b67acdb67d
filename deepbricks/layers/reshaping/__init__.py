from deepbricks.layers.reshaping.cropping import Cropping1D, Cropping2D
from deepbricks.layers.reshaping.flatten import Flatten
from deepbricks.layers.reshaping.permute import Permute
from deepbricks.layers.reshaping.repeat_vector import RepeatVector
from deepbricks.layers.reshaping.reshape import Reshape
from deepbricks.layers.reshaping.up_sampling import UpSampling1D, UpSampling2D
from deepbricks.layers.reshaping.zero_padding import ZeroPadding1D, ZeroPadding2D

__all__ = [
    "Cropping1D", "Cropping2D", "Flatten", "Permute", "RepeatVector", "Reshape",
    "UpSampling1D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D",
]
