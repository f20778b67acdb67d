"""Functional models: any directed acyclic graph of layer calls between Inputs and outputs."""

from deepbricks.layers.core.input_layer import InputLayer
from deepbricks.layers.symbolic import KerasTensor, flatten, map_structure
from deepbricks.models.model import Model


class Functional(Model):
    """A model defined by symbolic inputs and the outputs computed from them.

    Created by ``Model(inputs, outputs)``. Layers may be shared (called at several nodes),
    and a model may have several inputs and outputs (lists or dicts).

    Args:
        inputs: a KerasTensor from ``Input``, or a list/dict of them.
        outputs: KerasTensor(s) computed from the inputs by calling layers.
        name: model name.

    Example:
        >>> from deepbricks import Input, Model, layers
        >>> x = Input(shape=(8,))
        >>> h = layers.Dense(8, activation='relu')(x)
        >>> y = layers.add([x, h])
        >>> Model(x, y).output_shape
        (None, 8)
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        for t in flatten(inputs) + flatten(outputs):
            if not isinstance(t, KerasTensor):
                raise TypeError(
                    f"Model(inputs, outputs) expects symbolic tensors made from Input(...) "
                    f"and layer calls; received {type(t).__name__}."
                )
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self.inputs, self.outputs = flatten(inputs), flatten(outputs)
        self._nodes = _nodes_between(self.inputs, self.outputs)
        layers = []
        for node in self._nodes:
            if all(node.layer is not la for la in layers):
                layers.append(node.layer)
        self._layers = layers
        self.built = True

    @property
    def layers(self):
        return list(self._layers)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    def call(self, inputs, training=None, mask=None):
        flat = flatten(inputs)
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s) "
                f"{[t.shape for t in self.inputs]}, received {len(flat)}."
            )
        values, masks = {}, {}
        for kt, x in zip(self.inputs, flat):
            _check_input(self, kt, x)
            values[id(kt)] = x
        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer):
                continue
            args = map_structure(lambda kt: values[id(kt)], node.call_inputs)
            in_masks = [masks.get(id(kt)) for kt in node.inputs]
            in_mask = in_masks[0] if len(in_masks) == 1 else (
                None if all(m is None for m in in_masks) else in_masks)
            kwargs = dict(node.kwargs)
            if in_mask is not None and "mask" in layer._call_args:
                kwargs["mask"] = in_mask
            outputs = layer(args, **kwargs)
            out_mask = layer.compute_mask(args, in_mask)
            out_masks = flatten(out_mask) if isinstance(out_mask, (list, tuple)) else None
            for i, (kt, value) in enumerate(zip(node.outputs, flatten(outputs))):
                values[id(kt)] = value
                masks[id(kt)] = out_masks[i] if out_masks else out_mask
        self._output_masks = [masks.get(id(kt)) for kt in self.outputs]
        return map_structure(lambda kt: values[id(kt)], self._outputs_struct)

    def compute_output_shape(self, input_shape):
        return map_structure(lambda kt: kt.shape, self._outputs_struct)

    def get_config(self):
        from deepbricks.saving.graph import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from deepbricks.saving.graph import functional_from_config

        return functional_from_config(config, custom_objects)


def _check_input(model, kt, x):
    shape = x.shape
    expected = kt.shape
    if len(shape) != len(expected) or any(
        e is not None and e != s for e, s in zip(expected[1:], shape[1:])
    ):
        raise ValueError(
            f"Model '{model.name}' expects input '{kt.name}' of shape {expected}, received "
            f"input shape {tuple(shape)}."
        )


def _nodes_between(inputs, outputs):
    """The nodes needed to compute ``outputs`` from ``inputs``, each after its parents."""
    input_ids = {id(t) for t in inputs}
    order, visited = [], set()
    stack = [(t.node, False) for t in reversed(outputs)]
    while stack:
        node, finished = stack.pop()
        if finished:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for t in node.inputs:
            if t.node is None:
                raise ValueError(f"{t} was not produced by a layer call or Input.")
            stack.append((t.node, False))
    for node in order:
        if isinstance(node.layer, InputLayer) and id(node.outputs[0]) not in input_ids:
            raise ValueError(
                f"Output depends on input '{node.layer.name}', which is not among the "
                f"model's inputs {[t.name for t in inputs]}."
            )
    return order
