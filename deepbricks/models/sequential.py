"""Sequential: a plain stack of layers, each feeding the next."""

from deepbricks.layers.core.input_layer import Input, InputLayer
from deepbricks.layers.layer import Layer
from deepbricks.layers.symbolic import KerasTensor
from deepbricks.models.model import Model


class Sequential(Model):
    """A linear stack of layers.

    The model builds as soon as the input shape is known (an ``Input`` first, or
    ``input_shape=``/``input_dim=`` on the first layer), otherwise on its first call.

    Args:
        layers: optional list of layers to add.
        name: model name.

    Example:
        >>> from deepbricks import Sequential, layers
        >>> model = Sequential([layers.Dense(10, input_shape=(784,), name='fc1'),
        ...                     layers.Activation('softmax')])
        >>> model.output_shape
        (None, 10)
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._input_layer = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Appends a layer (or an ``Input``) to the stack."""
        if isinstance(layer, KerasTensor):
            layer = layer.node.layer
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add expects a Layer instance; received {type(layer).__name__}."
            )
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError("An Input can only be the first element of a Sequential.")
            self._input_layer = layer
        else:
            if any(layer is la for la in self._layers):
                raise ValueError(f"Layer '{layer.name}' is already in this Sequential model.")
            self._layers.append(layer)
        self.built = False
        batch_shape = self._declared_batch_shape()
        if batch_shape is not None:
            self.build(batch_shape)

    def pop(self):
        """Removes the last layer."""
        if not self._layers:
            raise ValueError("There are no layers to pop in this Sequential model.")
        layer = self._layers.pop()
        self.built = False
        batch_shape = self._declared_batch_shape()
        if batch_shape is not None and self._layers:
            self.build(batch_shape)
        return layer

    def _declared_batch_shape(self):
        if self._input_layer is not None:
            return self._input_layer.batch_shape
        if self._layers and self._layers[0]._input_shape_arg is not None:
            return (self._layers[0]._batch_size,) + self._layers[0]._input_shape_arg
        return None

    def build(self, input_shape):
        """Runs the stack symbolically from an Input of ``input_shape``, building every
        layer and recording the output shapes that ``summary()`` prints."""
        x = Input(batch_shape=(None,) + tuple(input_shape[1:]),
                  dtype=self._input_layer.dtype if self._input_layer else None)
        self._symbolic_input = x
        for layer in self._layers:
            x = layer(x)
        self._symbolic_output = x
        self.built = True

    def call(self, inputs, training=None, mask=None):
        x = inputs
        for layer in self._layers:
            kwargs = {"mask": mask} if mask is not None and "mask" in layer._call_args else {}
            y = layer(x, **kwargs)
            mask = layer.compute_mask(x, mask)
            x = y
        self._output_masks = [mask]
        return x

    def compute_output_shape(self, input_shape):
        if not self.built:
            self.build(input_shape)
        return self._symbolic_output.shape

    @property
    def inputs(self):
        return [self._symbolic_input] if self.built else None

    @property
    def outputs(self):
        return [self._symbolic_output] if self.built else None

    @property
    def output_shape(self):
        if not self.built:
            raise AttributeError(f"Sequential '{self.name}' is not built yet; its output shape "
                                 f"is unknown until it is called or given an input shape.")
        return self._symbolic_output.shape

    def get_config(self):
        from deepbricks.utils.serialization import serialize

        config = {"name": self.name, "trainable": self.trainable, "layers": []}
        if self.built:
            config["build_input_shape"] = list(self._symbolic_input.shape)
        config["layers"] = [serialize(layer) for layer in self._layers]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from deepbricks import layers as layers_module
        from deepbricks.utils.serialization import deserialize

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(deserialize(layer_config, layers_module, custom_objects))
        if "build_input_shape" in config and not model.built:
            model.build(tuple(config["build_input_shape"]))
        return model
