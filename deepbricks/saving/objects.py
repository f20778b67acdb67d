"""Finding the class behind a serialized layer or model."""

from deepbricks.utils.serialization import deserialize, serialize


def deserialize_layer(config, custom_objects=None):
    """A layer or model from ``serialize(layer)``; models and custom classes included."""
    from deepbricks import layers
    from deepbricks.models import Functional, Model, Sequential

    known = {"Functional": Functional, "Model": Model, "Sequential": Sequential}
    known.update(custom_objects or {})
    name = config.get("class_name") if isinstance(config, dict) else None
    cls = known.get(name)
    if cls in (Functional, Sequential):
        return cls.from_config(config["config"], custom_objects=custom_objects)
    return deserialize(config, layers, known)


def serialize_model(model):
    """{"class_name", "config"} of a model, plus the input shape it was built with."""
    config = serialize(model)
    shape = getattr(model, "_build_input_shape", None)
    if shape is not None:
        config["build_input_shape"] = _jsonable_shape(shape)
    return config


def _jsonable_shape(shape):
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [list(s) for s in shape]
    return list(shape)
