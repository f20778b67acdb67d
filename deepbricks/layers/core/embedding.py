"""Embedding: turns integer token ids into dense vectors."""

import warnings

import numpy as np

from deepbricks import ops
from deepbricks.autograd.tensor import Tensor
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer, serialize_arguments


class Embedding(Layer):
    """A trainable lookup table: y[..., :] = embeddings[ids[...], :].

    The table ``embeddings`` has shape (input_dim, output_dim), as in Keras. Inputs are
    integer ids in [0, input_dim); floats holding whole numbers are accepted.

    Args:
        input_dim: vocabulary size (largest id + 1).
        output_dim: size of each vector.
        embeddings_initializer: default 'uniform', i.e. U(-0.05, 0.05).
        embeddings_regularizer, embeddings_constraint: optional penalty and projection.
        mask_zero: treat id 0 as padding: the layer then outputs the mask ``ids != 0``, which
            recurrent layers downstream use to skip the padded steps (id 0 must then not be a
            real token, so input_dim is the vocabulary size + 1).
        input_length: Keras 2's fixed sequence length (deprecated; accepted and ignored).

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> emb = layers.Embedding(10, 3, mask_zero=True)
        >>> ids = np.array([[4, 2, 0, 0]])
        >>> emb(ids).shape
        (1, 4, 3)
        >>> emb.compute_mask(ids).numpy()
        array([[ True,  True, False, False]])
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 input_length=None, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = args.positive_int("Embedding", "input_dim", input_dim)
        self.output_dim = args.positive_int("Embedding", "output_dim", output_dim)
        if input_length is not None:
            warnings.warn("Embedding: `input_length` is deprecated and ignored; remove it (the "
                          "sequence length comes from the data or from Input(shape=...)).",
                          DeprecationWarning, stacklevel=2)
        self.embeddings_initializer = embeddings_initializer
        self.embeddings_regularizer = embeddings_regularizer
        self.embeddings_constraint = embeddings_constraint
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        # Ids are not data to cast to the layer's float type.
        self.autocast = False

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(
            (self.input_dim, self.output_dim), self.embeddings_initializer, name="embeddings",
            regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint)

    def call(self, inputs):
        try:
            return ops.embedding(inputs, self.embeddings)
        except (TypeError, ValueError) as error:
            raise type(error)(f"Embedding '{self.name}': {error}") from None

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs.data if isinstance(inputs, Tensor) else np.asarray(inputs), 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            **serialize_arguments(self, "embeddings_initializer", "embeddings_regularizer",
                                  "embeddings_constraint"),
            "mask_zero": self.mask_zero,
        }
