from deepbricks.layers.regularization.activity_regularization import ActivityRegularization
from deepbricks.layers.regularization.dropout import Dropout
from deepbricks.layers.regularization.gaussian_dropout import GaussianDropout
from deepbricks.layers.regularization.gaussian_noise import GaussianNoise
from deepbricks.layers.regularization.spatial_dropout import SpatialDropout1D, SpatialDropout2D

__all__ = [
    "ActivityRegularization", "Dropout", "GaussianDropout", "GaussianNoise",
    "SpatialDropout1D", "SpatialDropout2D",
]
