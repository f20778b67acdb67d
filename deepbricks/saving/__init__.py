"""Saving: a model in one file (JSON architecture + safetensors weights + optimizer state).

Writes are atomic: the file is written next to its destination and renamed into place, so
a crash during ``save`` never corrupts an existing file.
"""

import numpy as np

from deepbricks.saving import files
from deepbricks.saving.objects import deserialize_layer, serialize_model
from deepbricks.utils.serialization import deserialize

__all__ = ["load_model", "load_weights", "save_model", "save_weights", "serialize_model"]


def _weight_arrays(model):
    return {f"weights/{i:05d}": v.data for i, v in enumerate(model.weights)}


def save_model(model, filepath, overwrite=True):
    """Writes the architecture, the weights and, if compiled, the optimizer and its state.

    Example:
        >>> import deepbricks as db, tempfile, os
        >>> model = db.Sequential([db.layers.Dense(2, input_shape=(3,))])
        >>> path = os.path.join(tempfile.mkdtemp(), 'model.keras')
        >>> model.save(path); db.load_model(path).count_params()
        8
    """
    from deepbricks.utils.serialization import serialize

    arrays = _weight_arrays(model)
    metadata = {"model": serialize_model(model),
                "weight_paths": [v.path for v in model.weights]}
    if getattr(model, "compiled", False):
        metadata["compile"] = model._compile_config
        metadata["optimizer"] = serialize(model.optimizer)
        for key, value in model.optimizer.get_state().items():
            arrays[f"optimizer/{key}"] = value
        metadata["optimizer_variables"] = [
            _position(model.weights, v) for v in model.optimizer.updated_variables]
    files.write(filepath, arrays, metadata, overwrite)


def _position(weights, variable):
    for i, v in enumerate(weights):
        if v is variable:
            return i
    raise ValueError(f"The optimizer updates {variable.path}, which is not a model weight.")


def load_model(filepath, custom_objects=None, compile=True):
    """Rebuilds a model saved with :func:`save_model`, with its weights, and compiled with
    its optimizer state when it was saved compiled (so training resumes exactly)."""
    from deepbricks import optimizers

    arrays, metadata = files.read(filepath)
    config = metadata["model"]
    model = deserialize_layer(config, custom_objects)
    if not model.built and "build_input_shape" in config:
        model.build(tuple(config["build_input_shape"]))
    _assign(model, arrays, filepath)
    if compile and "compile" in metadata:
        settings = metadata["compile"]
        optimizer = deserialize(metadata["optimizer"], optimizers)
        if settings.get("loss") is None:
            raise ValueError(f"{filepath}: the model was compiled with a loss object that "
                             f"cannot be saved by name; load with compile=False and compile "
                             f"it again.")
        model.compile(optimizer=optimizer, loss=settings["loss"],
                      loss_weights=settings.get("loss_weights"), metrics=settings.get("metrics"))
        state = {k[len("optimizer/"):]: v for k, v in arrays.items()
                 if k.startswith("optimizer/")}
        weights = model.weights
        optimizer.set_state(state, [weights[i] for i in metadata["optimizer_variables"]])
    return model


def _assign(model, arrays, filepath):
    weights = model.weights
    saved = [arrays[k] for k in sorted(k for k in arrays if k.startswith("weights/"))]
    if len(saved) != len(weights):
        raise ValueError(f"{filepath} holds {len(saved)} weight arrays but model "
                         f"'{model.name}' has {len(weights)}.")
    for variable, value in zip(weights, saved):
        if variable.shape != value.shape:
            raise ValueError(f"{filepath}: weight {variable.path} has shape {variable.shape} "
                             f"in the model but {value.shape} in the file.")
    for variable, value in zip(weights, saved):
        variable.assign(np.asarray(value, dtype=variable.dtype))


def save_weights(model, filepath, overwrite=True):
    """Writes only the weights (in ``model.weights`` order) to a safetensors file."""
    files.write(filepath, _weight_arrays(model),
                {"weight_paths": [v.path for v in model.weights]}, overwrite)


def load_weights(model, filepath):
    """Loads weights written by :func:`save_weights` into a model of the same architecture."""
    arrays, _ = files.read(filepath)
    _assign(model, arrays, filepath)
