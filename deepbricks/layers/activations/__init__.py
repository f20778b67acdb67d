from deepbricks.layers.activations.activation import Activation
from deepbricks.layers.activations.elu import ELU
from deepbricks.layers.activations.leaky_relu import LeakyReLU
from deepbricks.layers.activations.prelu import PReLU
from deepbricks.layers.activations.relu import ReLU
from deepbricks.layers.activations.softmax import Softmax

__all__ = ["Activation", "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
