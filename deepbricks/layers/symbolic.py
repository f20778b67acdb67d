"""Symbolic tensors and nodes: how the functional API records a graph of layer calls.

Calling a layer on a KerasTensor (what ``Input`` returns) computes nothing: it creates a
``Node`` that remembers the layer, its input KerasTensors and its output KerasTensors, whose
shapes the layer computes. ``Model(inputs, outputs)`` later walks these nodes backwards from
the outputs to find the layers to run, in order.
"""

import numpy as np


class KerasTensor:
    """A placeholder with a shape (batch dimension None) and a dtype, made by ``Input``.

    Attributes:
        shape: tuple with None for unknown dimensions.
        dtype: NumPy dtype name.
        node: the Node that produced it (None until a layer call records it).
        index: position among that node's outputs.
    """

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = np.dtype(dtype).name
        self.name = name
        self.node = None
        self.index = 0

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


class Node:
    """One call of a layer inside a functional graph.

    Attributes:
        layer: the Layer that was called.
        call_inputs: the first call argument as given (a KerasTensor or a list/tuple of them).
        inputs: the KerasTensors in ``call_inputs``, flattened.
        outputs: the KerasTensors the call returned, flattened.
        kwargs: other keyword arguments of the call (e.g. ``initial_state``, constants).
    """

    def __init__(self, layer, call_inputs, outputs, kwargs):
        self.layer = layer
        self.call_inputs = call_inputs
        self.inputs = flatten(call_inputs)
        self.outputs = flatten(outputs)
        self.output_structure = outputs
        self.kwargs = kwargs
        for i, t in enumerate(self.outputs):
            t.node, t.index = self, i
        layer._inbound_nodes.append(self)

    @property
    def parents(self):
        return [t.node for t in self.inputs if t.node is not None]


def flatten(structure):
    """Flattens nested lists/tuples/dicts of leaves into a list, in order."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for value in structure.values() for leaf in flatten(value)]
    return [structure]


def map_structure(fn, structure):
    """Applies ``fn`` to every leaf of a nested list/tuple/dict, keeping the nesting."""
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def pack_like(structure, flat):
    """Inverse of ``flatten``: rebuilds ``structure``'s nesting from a flat list."""
    it = iter(flat)
    return map_structure(lambda _: next(it), structure)


def is_symbolic(structure):
    return any(isinstance(t, KerasTensor) for t in flatten(structure))
