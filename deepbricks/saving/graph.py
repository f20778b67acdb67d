"""Functional graphs as JSON: which layer was called on which tensors, and back."""

from deepbricks.layers.symbolic import flatten
from deepbricks.utils.serialization import serialize


def _node_keys(model):
    """(layer name, index among this model's calls of that layer) for each node."""
    counts, keys = {}, {}
    for node in model._nodes:
        name = node.layer.name
        keys[id(node)] = (name, counts.get(name, 0))
        counts[name] = counts.get(name, 0) + 1
    return keys


def _refs(structure, keys):
    if isinstance(structure, (list, tuple)):
        return [_refs(item, keys) for item in structure]
    if isinstance(structure, dict):
        return {"__dict__": {k: _refs(v, keys) for k, v in structure.items()}}
    name, call = keys[id(structure.node)]
    return {"__ref__": [name, call, structure.index]}


def _resolve(refs, tensors):
    if isinstance(refs, list):
        return [_resolve(item, tensors) for item in refs]
    if "__dict__" in refs:
        return {k: _resolve(v, tensors) for k, v in refs["__dict__"].items()}
    name, call, index = refs["__ref__"]
    return tensors[(name, call)][index]


def functional_config(model):
    """The model's layers (configs) and its nodes in execution order, as JSON-able dicts."""
    keys = _node_keys(model)
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": [serialize(layer) for layer in model.layers],
        "nodes": [
            {"layer": node.layer.name, "inputs": _refs(node.call_inputs, keys),
             "kwargs": node.kwargs}
            for node in model._nodes
        ],
        "inputs": _refs(model._inputs_struct, keys),
        "outputs": _refs(model._outputs_struct, keys),
    }


def functional_from_config(config, custom_objects=None):
    """Rebuilds a Functional model by re-creating its layers and replaying its nodes."""
    from deepbricks.layers.core.input_layer import InputLayer
    from deepbricks.models.functional import Functional
    from deepbricks.saving.objects import deserialize_layer

    layers = {}
    for layer_config in config["layers"]:
        layer = deserialize_layer(layer_config, custom_objects)
        layers[layer.name] = layer
    tensors, counts = {}, {}
    for node in config["nodes"]:
        layer = layers[node["layer"]]
        call = counts.get(layer.name, 0)
        counts[layer.name] = call + 1
        if isinstance(layer, InputLayer):
            outputs = layer.output_tensor
        else:
            outputs = layer(_resolve(node["inputs"], tensors), **node["kwargs"])
        tensors[(layer.name, call)] = flatten(outputs)
    return Functional(_resolve(config["inputs"], tensors), _resolve(config["outputs"], tensors),
                      name=config["name"], trainable=config.get("trainable", True))
