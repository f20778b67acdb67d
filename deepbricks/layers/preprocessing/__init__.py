"""Preprocessing layers: random image augmentation (active only while training), Rescaling and
Normalization, with Keras 3 names and arguments."""

from deepbricks.layers.preprocessing.normalization import Normalization
from deepbricks.layers.preprocessing.random_brightness import RandomBrightness
from deepbricks.layers.preprocessing.random_contrast import RandomContrast
from deepbricks.layers.preprocessing.random_crop import RandomCrop
from deepbricks.layers.preprocessing.random_flip import RandomFlip
from deepbricks.layers.preprocessing.random_rotation import RandomRotation
from deepbricks.layers.preprocessing.random_translation import RandomTranslation
from deepbricks.layers.preprocessing.random_zoom import RandomZoom
from deepbricks.layers.preprocessing.rescaling import Rescaling

__all__ = [
    "Normalization", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip",
    "RandomRotation", "RandomTranslation", "RandomZoom", "Rescaling",
]
