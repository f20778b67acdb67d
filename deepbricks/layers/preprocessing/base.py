"""What the random image layers share: the training switch, the generator, argument checks."""

import numbers

import numpy as np

from deepbricks import backend, ops
from deepbricks.autograd import Tensor
from deepbricks.layers.core import _arguments as args
from deepbricks.layers.layer import Layer
from deepbricks.layers.preprocessing import _sampling


class ImageAugmentation(Layer):
    """Base of the random image layers: they change images only when called with
    ``training=True`` (as ``fit`` does) and pass them through unchanged otherwise, a bare
    ``layer(x)`` included (as Dropout does; Keras 3 augments on a bare call).

    Inputs are channels-last images, a batch (N, H, W, C) or one image (H, W, C); outputs are
    in the layer's float type. Every image of a batch gets its own random draw, and the batch
    is transformed by whole-array operations. The draws come from
    ``deepbricks.backend.rng()`` (seeded by ``set_random_seed``), or from the layer's own
    generator when it is given a ``seed``.

    The random changes are made on plain arrays, so no gradient flows through them: these
    layers belong at the input of a model, where nothing before them is trained.

    Subclasses implement ``augment(images, generator)`` on a float (N, H, W, C) array.
    """

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        self.seed = seed
        self.generator = args.generator(name, seed)
        self.data_format = args.channels_last(name, data_format)

    def call(self, inputs, training=None):
        if inputs.ndim not in (3, 4):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects images (N, H, W, C) or one image "
                f"(H, W, C), channels last. Received input shape {inputs.shape}. Add a channel "
                f"axis to grey images: x[..., None]."
            )
        if not training:
            return self.inference(_as_float(inputs, self.dtype))
        if inputs.requires_grad:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' changes images on plain arrays and passes "
                f"no gradient back, but its input requires one. Put augmentation layers at the "
                f"input of the model, before any layer with weights."
            )
        images = np.asarray(inputs.data, dtype=self.dtype)
        batched = images.ndim == 4
        out = self.augment(images if batched else images[None], self.rng())
        return Tensor(out if batched else out[0])

    def rng(self):
        """The generator draws come from: the layer's own, or the shared one."""
        return self.generator if self.generator is not None else backend.rng()

    def augment(self, images, generator):
        raise NotImplementedError(f"{type(self).__name__} must implement augment().")

    def inference(self, inputs):
        """The output when not training: the input itself."""
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "data_format": self.data_format}


class GeometricAugmentation(ImageAugmentation):
    """A random affine transform per image, resampled with the chosen interpolation and fill.

    Subclasses implement ``transforms(generator, n, height, width)`` returning the (n, 6)
    maps output pixel -> input point (see ``_sampling.affine_transform``).
    """

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.fill_mode = choice(name, "fill_mode", fill_mode, _sampling.FILL_MODES)
        self.interpolation = choice(name, "interpolation", interpolation,
                                    _sampling.INTERPOLATIONS)
        self.fill_value = args.number(name, "fill_value", fill_value)

    def augment(self, images, generator):
        n, height, width = images.shape[:3]
        return _sampling.affine_transform(images, self.transforms(generator, n, height, width),
                                          self.interpolation, self.fill_mode, self.fill_value)

    def transforms(self, generator, n, height, width):
        raise NotImplementedError(f"{type(self).__name__} must implement transforms().")

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "fill_value": self.fill_value}


def _as_float(inputs, dtype):
    return inputs if inputs.dtype == dtype else ops.astype(inputs, dtype)


def choice(layer, name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{layer}: `{name}` must be one of {allowed}. Received: "
                         f"{name}={value!r}")
    return value


def factor_range(layer, name, factor, low=-1.0, high=1.0, symmetric=True):
    """Keras's factor argument as (lower, upper): a number f gives (-f, f) when ``symmetric``
    (else (f, f)); a pair is sorted. Every bound must lie in [low, high]."""
    def is_number(v):
        return isinstance(v, numbers.Real) and not isinstance(v, bool)

    if is_number(factor):
        pair = (-abs(factor), abs(factor)) if symmetric else (factor, factor)
    elif isinstance(factor, (tuple, list)) and len(factor) == 2 and all(map(is_number, factor)):
        pair = tuple(sorted(factor))
    else:
        pair = None
    if pair is None or not all(low <= v <= high for v in (factor, *pair) if is_number(v)):
        raise ValueError(
            f"{layer}: `{name}` must be a number or a (lower, upper) pair of numbers in "
            f"[{low}, {high}]. Received: {name}={factor!r}"
        )
    return float(pair[0]), float(pair[1])
