"""Turning initializers, regularizers, constraints, activations and layers into JSON and back."""

import difflib
import re


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


class Configurable:
    """Mixin for objects rebuilt from their ``get_config()`` dict and shown by it in repr."""

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _snake_case(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def names_table(classes, **aliases):
    """Maps each class's name and its snake_case form (plus ``aliases``) to the class.

    Example:
        >>> class MaxNorm: ...
        >>> sorted(names_table([MaxNorm], max=MaxNorm))
        ['MaxNorm', 'max', 'max_norm']
    """
    return {
        **{cls.__name__: cls for cls in classes},
        **{_snake_case(cls.__name__): cls for cls in classes},
        **aliases,
    }


def deserialize_registered(kind, config, by_name, custom_objects=None):
    """Rebuilds a ``{'class_name': ..., 'config': ...}`` dict from ``by_name`` or custom_objects.

    Args:
        kind: what the objects are called in messages, e.g. ``'constraint'``.
        config: the dict to rebuild.
        by_name: the module's names table (see :func:`names_table`).
        custom_objects: optional dict of extra names to classes.

    Raises:
        ValueError: for a class name found in neither table, listing the known ones.
    """
    known = {**by_name, **(custom_objects or {})}
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in known:
        raise ValueError(f"Unknown {kind} {name!r}. Known: {', '.join(sorted(by_name))}.")
    return known[name].from_config(config.get("config", {}))


def get_registered(kind, identifier, base, by_name, deserialize, expected):
    """Resolves a module's ``get(identifier)``: None, a callable, a class, a dict or a name.

    None and callables that are not classes come back as they are; a subclass of ``base`` is
    instantiated with defaults; a dict goes through ``deserialize``; a name is looked up in
    ``by_name`` and instantiated.

    Args:
        kind: what the objects are called in messages, e.g. ``'constraint'``.
        identifier: what the user passed.
        base: the module's base class.
        by_name: the module's names table (see :func:`names_table`).
        deserialize: the module's ``deserialize(config)``.
        expected: the accepted forms, for the error message.

    Raises:
        ValueError: for an unknown name (listing the known lower-case names) or any other
            input.
    """
    if identifier is None or (callable(identifier) and not isinstance(identifier, type)):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, base):
        return identifier()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier not in by_name:
            raise ValueError(
                f"Unknown {kind} {identifier!r}. Known names: "
                f"{', '.join(sorted(n for n in by_name if n.islower()))}."
            )
        return by_name[identifier]()
    raise ValueError(f"Could not interpret {kind} identifier {identifier!r}: expected {expected}.")


def from_class_config(kind, config, classes):
    """Builds ``classes[config['class_name']]`` from ``config['config']``.

    Raises:
        ValueError: for a class name not in ``classes``, listing the known ones.
    """
    name = config.get("class_name")
    if name not in classes:
        raise ValueError(
            f"Unknown {kind} class {name!r} in config {config!r}. Known classes: "
            f"{', '.join(sorted(classes))}."
        )
    return classes[name].from_config(config.get("config", {}))


def unknown_name_message(kind, plural, name, registry, alternative):
    """The message for an unknown ``name``: the closest known name, all known ones, and
    ``alternative`` (the other accepted forms)."""
    close = difflib.get_close_matches(name, registry, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    known = ", ".join(sorted(registry))
    return f"Unknown {kind} {name!r}.{hint} Known {plural}: {known}. {alternative}"
