"""Lambda: wraps a function of Tensors as a layer."""

import importlib
import inspect

from deepbricks.layers.layer import Layer


class Lambda(Layer):
    """Applies ``function(inputs, **arguments)``: a layer without weights, for quick glue.

    The function must be written with ops (``deepbricks.ops``) so that gradients flow through
    it. It receives ``training`` too when its signature names that argument.

    A Lambda saves its function by module and name, so only functions defined with ``def``
    at module level can be saved; for a ``lambda`` ``get_config`` raises.

    Args:
        function: callable ``(inputs, **arguments) -> outputs``.
        output_shape: output shape without the batch axis, or a callable from the input
            shape (batch axis included) to the output shape; by default found by a trial call.
        arguments: dict of extra keyword arguments passed to ``function``.

    Example:
        >>> import numpy as np
        >>> from deepbricks import layers
        >>> layers.Lambda(lambda x: x * 2)(np.ones((1, 2), 'float32')).numpy()
        array([[2., 2.]], dtype=float32)
    """

    def __init__(self, function, output_shape=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                f"Lambda needs a callable `function`. Received: function={function!r}"
            )
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError(
                f"Lambda: `arguments` must be a dict of keyword arguments for the function. "
                f"Received: arguments={arguments!r}"
            )
        self.function = function
        self.output_shape_arg = output_shape
        self.arguments = dict(arguments or {})
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):
            parameters = {}
        self._fn_takes_training = "training" in parameters

    def call(self, inputs, training=None):
        kwargs = dict(self.arguments)
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self.output_shape_arg is None:
            return super().compute_output_shape(input_shape)
        if callable(self.output_shape_arg):
            return self.output_shape_arg(input_shape)
        first = input_shape[0] if isinstance(input_shape[0], (tuple, list)) else input_shape
        return (first[0],) + tuple(self.output_shape_arg)

    def get_config(self):
        return {
            **super().get_config(),
            "function": _function_reference(self, self.function, "function"),
            "output_shape": _output_shape_config(self),
            "arguments": self.arguments,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["function"] = _resolve(config["function"])
        shape = config.get("output_shape")
        if isinstance(shape, dict):
            config["output_shape"] = _resolve(shape)
        elif shape is not None:
            config["output_shape"] = tuple(shape)
        return cls(**config)


def _output_shape_config(layer):
    shape = layer.output_shape_arg
    if shape is None or not callable(shape):
        return None if shape is None else list(shape)
    return _function_reference(layer, shape, "output_shape")


def _function_reference(layer, fn, what):
    name = getattr(fn, "__qualname__", None)
    if name is None or "<lambda>" in name or "<locals>" in name:
        raise ValueError(
            f"Lambda '{layer.name}': cannot save its {what} {fn!r}, which is a lambda or a "
            f"nested function, so it has no importable name. Define it with `def` at module "
            f"level (or write a Layer subclass) to save this model."
        )
    return {"module": fn.__module__, "name": name}


def _resolve(reference):
    target = importlib.import_module(reference["module"])
    for part in reference["name"].split("."):
        target = getattr(target, part)
    return target
