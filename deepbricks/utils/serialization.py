"""Turning initializers, regularizers, constraints, activations and layers into JSON and back."""


def serialize(obj):
    """A JSON-able description of ``obj``: None, a registered name, or class name + config."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if hasattr(obj, "get_config"):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    name = getattr(obj, "__name__", None)
    if name is None or name == "<lambda>":
        raise TypeError(
            f"Cannot serialize {obj!r}: give it a get_config() method or use a named function."
        )
    return name


def deserialize(config, module, custom_objects=None):
    """Rebuilds an object serialized by :func:`serialize`, looking classes up in ``module``.

    Args:
        config: what ``serialize`` returned.
        module: the module holding the classes and ``get`` (e.g. ``deepbricks.initializers``).
        custom_objects: optional dict of extra names to classes or functions.
    """
    if isinstance(config, dict) and "class_name" in config:
        name = config["class_name"]
        cls = (custom_objects or {}).get(name) or getattr(module, name, None)
        if cls is None:
            raise ValueError(
                f"Unknown class {name!r} in {module.__name__}; pass it in custom_objects."
            )
        args = config.get("config", {})
        return cls.from_config(args) if hasattr(cls, "from_config") else cls(**args)
    if isinstance(config, str) and custom_objects and config in custom_objects:
        return custom_objects[config]
    return module.get(config)
