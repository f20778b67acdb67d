"""Layer: the brick every layer and model is made of (Keras 3's ``keras.layers.Layer``).

A layer is written in three parts: ``__init__`` validates and stores its arguments,
``build(input_shape)`` creates its weights with ``add_weight`` once the input shape is known,
and ``call(inputs, training=None)`` computes the output with ops only. ``__call__`` ties them
together: it converts arrays to Tensors, builds on first use, checks the input against the
layer's ``InputSpec`` and, on symbolic inputs (``Input``), records a node of a functional
graph instead of computing.

Example:
    >>> import numpy as np
    >>> from deepbricks import layers, ops
    >>> class Scale(layers.Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer='ones', name='w')
    ...     def call(self, x):
    ...         return x * self.w
    >>> Scale()(np.ones((2, 3), 'float32')).shape
    (2, 3)
"""

import inspect
import re
import warnings

import numpy as np

from deepbricks import backend, ops
from deepbricks.autograd import Tensor, Variable, no_grad
from deepbricks.layers.symbolic import KerasTensor, Node, flatten, is_symbolic, map_structure
from deepbricks.utils.serialization import serialize

_name_counts = {}


def unique_name(prefix):
    """``prefix``, then ``prefix_1``, ``prefix_2``... as Keras names layers."""
    count = _name_counts.get(prefix, 0)
    _name_counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session():
    """Resets automatic layer names (``dense``, ``dense_1``, ...)."""
    _name_counts.clear()


def snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


class InputSpec:
    """What a layer accepts: rank and the sizes of some axes, checked on every call.

    Args:
        ndim: exact rank, including the batch axis.
        min_ndim: minimum rank.
        axes: dict {axis: size} of axes whose size is fixed (set by ``build``).
        hint: a suggestion appended to the error message, e.g. "Add a Flatten?", or a
            callable receiving the offending shape and returning one (or None).
    """

    def __init__(self, ndim=None, min_ndim=None, axes=None, hint=None):
        self.ndim, self.min_ndim, self.axes, self.hint = ndim, min_ndim, axes or {}, hint

    def check(self, layer, shape):
        problem = None
        if self.ndim is not None and len(shape) != self.ndim:
            problem = f"expected an input of rank {self.ndim}"
        elif self.min_ndim is not None and len(shape) < self.min_ndim:
            problem = f"expected an input of rank >= {self.min_ndim}"
        else:
            for axis, size in self.axes.items():
                if shape[axis] is not None and shape[axis] != size:
                    name = "last axis" if axis == -1 else f"axis {axis}"
                    problem = f"expected {name} {size}"
                    break
        if problem:
            hint = self.hint(shape) if callable(self.hint) else self.hint
            hint = f" {hint}" if hint else ""
            raise ValueError(
                f"{type(layer).__name__} '{layer.name}' {problem}, received input shape "
                f"{tuple(shape)}.{hint}"
            )


class _CallContext:
    """The ``training`` flag of the outermost call, inherited by nested layer calls."""

    training = None
    depth = 0


class Layer:
    """Base class of all layers and models.

    Args:
        trainable: whether the layer's weights are updated by training.
        name: unique name; by default the snake-cased class name with a counter.
        dtype: float type of the weights and of float inputs (default ``floatx()``).
        activity_regularizer: optional callable on the output, added to ``losses``.
        input_shape: shape without the batch axis; lets a Sequential model build at once.
        input_dim: Keras 1/2 spelling of ``input_shape=(input_dim,)`` (deprecated).
        batch_size: fixed batch size for the implied Input (only stored).
        batch_input_shape: Keras 2 spelling of ``batch_size`` + ``input_shape`` together.
    """

    def __init__(self, *, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 input_shape=None, input_dim=None, batch_size=None, autocast=True,
                 batch_input_shape=None, **kwargs):
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}: unrecognized keyword arguments {sorted(kwargs)}."
            )
        if input_dim is not None:
            warnings.warn(
                "`input_dim=` is the Keras 1/2 spelling; use `input_shape=(input_dim,)` or an "
                "`Input(shape)` first layer.", DeprecationWarning, stacklevel=3)
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            batch_size, input_shape = batch_input_shape[0], tuple(batch_input_shape[1:])
        self._layers = []
        self._trainable_variables = []
        self._non_trainable_variables = []
        self._losses = []
        self._inbound_nodes = []
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.dtype = np.dtype(dtype or backend.floatx()).name
        self.autocast = autocast
        self._trainable = bool(trainable)
        self.built = False
        self.input_spec = None
        self.supports_masking = False
        self.activity_regularizer = _get_regularizer(activity_regularizer)
        self._input_shape_arg = tuple(input_shape) if input_shape is not None else None
        self._batch_size = batch_size
        self._call_args = _call_parameters(type(self).call)

    # -- attribute tracking ------------------------------------------------------------
    def __setattr__(self, name, value):
        if isinstance(value, Layer) and not name.startswith("_") and "_layers" in self.__dict__:
            if all(value is not layer for layer in self._layers):
                self._layers.append(value)
        elif isinstance(value, (list, tuple)) and "_layers" in self.__dict__ and \
                not name.startswith("_"):
            for item in value:
                if isinstance(item, Layer) and all(item is not la for la in self._layers):
                    self._layers.append(item)
        elif isinstance(value, Variable) and "_layers" in self.__dict__:
            self._track_variable(value)
        object.__setattr__(self, name, value)

    def _track_variable(self, variable):
        if any(variable is v for v in self._trainable_variables + self._non_trainable_variables):
            return
        group = self._trainable_variables if variable.trainable else self._non_trainable_variables
        group.append(variable)
        variable.requires_grad = variable.trainable and self._trainable

    # -- weights -------------------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None, autocast=True,
                   aggregation=None):
        """Creates a weight Variable owned by this layer.

        Args:
            shape: tuple of ints.
            initializer: name, initializer object or callable ``(shape, dtype) -> array``;
                default 'glorot_uniform' for floats, 'zeros' otherwise.
            dtype: defaults to the layer's dtype.
            trainable: whether optimizers update it.
            regularizer: name or callable adding a penalty to the training loss.
            constraint: name or callable projecting the weight after each update.
            name: short name; the variable's path is ``'<layer name>/<name>'``.

        Returns:
            The new Variable (also listed in ``weights``).
        """
        from deepbricks import constraints, initializers

        dtype = np.dtype(dtype or self.dtype)
        shape = tuple(int(d) for d in (shape or ()))
        if initializer is None:
            initializer = "glorot_uniform" if np.issubdtype(dtype, np.floating) else "zeros"
        value = initializers.get(initializer)(shape, dtype=dtype.name)
        variable = Variable(
            np.asarray(value, dtype=dtype), name=name, trainable=trainable,
            path=f"{self.name}/{name}", regularizer=_get_regularizer(regularizer),
            constraint=constraints.get(constraint),
        )
        self._track_variable(variable)
        return variable

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for v in self._trainable_variables:
            v.requires_grad = v.trainable and self._trainable
        for layer in self._layers:
            layer.trainable = value

    @property
    def weights(self):
        """Every weight, this layer's (trainable, then non-trainable) then its sublayers'."""
        out = self._trainable_variables + self._non_trainable_variables
        for layer in self._layers:
            out += layer.weights
        return _unique(out)

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        out = list(self._trainable_variables)
        for layer in self._layers:
            out += layer.trainable_weights
        return _unique(out)

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        out = list(self._non_trainable_variables)
        for layer in self._layers:
            out += layer.non_trainable_weights
        return _unique(out)

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def layers(self):
        return list(self._layers)

    def get_weights(self):
        """Copies of the weights as NumPy arrays, in ``weights`` order (Keras's layout)."""
        return [v.data.copy() for v in self.weights]

    def set_weights(self, weights):
        """Sets the weights from arrays in ``get_weights`` order and shapes."""
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects {len(own)} weight arrays "
                f"({[v.path for v in own]}), received {len(weights)}."
            )
        for variable, value in zip(own, weights):
            value = np.asarray(value)
            if value.shape != variable.shape:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': weight {variable.path} has shape "
                    f"{variable.shape}, received an array of shape {value.shape}."
                )
        for variable, value in zip(own, weights):
            variable.assign(value)

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' is not built yet, so it has no weights "
                f"to count. Call it on data or build it with an input shape first."
            )
        return int(sum(v.size for v in self.weights))

    # -- losses ------------------------------------------------------------------------
    def add_loss(self, loss):
        """Adds a scalar Tensor to the training loss (e.g. a VAE's KL term)."""
        self._losses.append(loss)

    @property
    def losses(self):
        """Losses added during the last call plus the weight regularisation penalties."""
        out = list(self._losses)
        for v in self._trainable_variables + self._non_trainable_variables:
            if v.regularizer is not None:
                out.append(v.regularizer(v))
        for layer in self._layers:
            out += layer.losses
        return out

    def _clear_losses(self):
        self._losses = []
        for layer in self._layers:
            layer._clear_losses()

    # -- building and calling ----------------------------------------------------------
    def build(self, input_shape):
        """Creates the weights once the input shape (batch axis included) is known."""

    def call(self, inputs, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def compute_output_shape(self, input_shape):
        """Output shape for an input shape, batch axis included (found by a trial call)."""
        traced = self._trial_call(_shapes_to_tensors(input_shape, self.dtype))
        return map_structure(lambda t: (None,) + tuple(t.shape[1:]), traced)

    def compute_mask(self, inputs, mask=None):
        return mask if self.supports_masking else None

    def build_from_shape(self, input_shape):
        """Builds the layer for ``input_shape`` if it is not built yet."""
        if not self.built:
            self._check_rank(input_shape)
            self.build(input_shape)
            self.built = True
            self._build_input_shape = input_shape

    def __call__(self, inputs, *args, **kwargs):
        if is_symbolic(inputs):
            return self._call_symbolic(inputs, *args, **kwargs)
        inputs = map_structure(self._to_tensor, inputs)
        shapes = map_structure(lambda t: t.shape, inputs)
        self.build_from_shape(shapes)
        if self.input_spec is not None:
            for spec, shape in zip(_as_list(self.input_spec), _as_list_of_shapes(shapes)):
                spec.check(self, shape)
        training = kwargs.get("training")
        if training is None:
            training = _CallContext.training
        if "training" in self._call_args:
            kwargs["training"] = training
        else:
            kwargs.pop("training", None)
        if "mask" not in self._call_args:
            kwargs.pop("mask", None)
        outer_training = _CallContext.training
        if _CallContext.depth == 0:
            self._clear_losses()
        _CallContext.training, _CallContext.depth = training, _CallContext.depth + 1
        try:
            outputs = self.call(inputs, *args, **kwargs)
        finally:
            _CallContext.training, _CallContext.depth = outer_training, _CallContext.depth - 1
        if self.activity_regularizer is not None:
            for out in flatten(outputs):
                penalty = self.activity_regularizer(out)
                # Keras normalises by the batch size so the strength does not depend on it.
                self.add_loss(penalty / out.shape[0] if out.ndim else penalty)
        return outputs

    def _to_tensor(self, x):
        if isinstance(x, Tensor):
            if self.autocast and x.dtype != self.dtype and np.issubdtype(x.dtype, np.floating):
                return ops.astype(x, self.dtype)
            return x
        if x is None:
            return None
        array = np.asarray(x)
        if self.autocast and array.dtype != self.dtype and (
            np.issubdtype(array.dtype, np.floating) or array.dtype == np.bool_
        ):
            array = array.astype(self.dtype)
        return Tensor(array)

    def _check_rank(self, input_shape):
        if self.input_spec is not None:
            for spec, shape in zip(_as_list(self.input_spec), _as_list_of_shapes(input_shape)):
                InputSpec(spec.ndim, spec.min_ndim, hint=spec.hint).check(self, shape)

    def _trial_call(self, symbolic_inputs):
        """Runs the layer on zeros shaped like the KerasTensors (unknown sizes as 1)."""

        def zeros(t):
            return Tensor(np.zeros([1 if d is None else d for d in t.shape], t.dtype))

        dummy = map_structure(zeros, symbolic_inputs)
        with no_grad(), np.errstate(all="ignore"):
            kwargs = {"training": False} if "training" in self._call_args else {}
            return self.call(dummy, **kwargs)

    def _call_symbolic(self, inputs, *args, **kwargs):
        shapes = map_structure(lambda t: t.shape, inputs)
        self.build_from_shape(shapes)
        for spec, shape in zip(_as_list(self.input_spec or []), _as_list_of_shapes(shapes)):
            spec.check(self, shape)
        if type(self).compute_output_shape is Layer.compute_output_shape:
            traced = self._trial_call(inputs)
            outputs = map_structure(
                lambda t: KerasTensor((None,) + tuple(t.shape[1:]), t.dtype), traced
            )
        else:
            out_shapes = self.compute_output_shape(shapes)
            dtype = self.compute_output_dtype(inputs)
            outputs = _shapes_to_tensors(out_shapes, dtype)
        if args:
            raise TypeError(
                f"{type(self).__name__} '{self.name}': pass extra call arguments by keyword "
                f"when building a functional model."
            )
        Node(self, inputs, outputs, kwargs)
        return outputs

    def compute_output_dtype(self, inputs):
        return self.dtype

    # -- introspection -----------------------------------------------------------------
    @property
    def input(self):
        return self._only_node("input").call_inputs

    @property
    def output(self):
        return self._only_node("output").output_structure

    @property
    def output_shape(self):
        return map_structure(lambda t: t.shape, self.output)

    @property
    def input_shape(self):
        return map_structure(lambda t: t.shape, self.input)

    def _only_node(self, what):
        if not self._inbound_nodes:
            raise AttributeError(
                f"{type(self).__name__} '{self.name}' has no defined {what}: it has not been "
                f"called on a symbolic input (Input) or in a built model."
            )
        return self._inbound_nodes[0]

    # -- serialization -----------------------------------------------------------------
    def get_config(self):
        """Constructor arguments as a JSON-able dict (subclasses add their own)."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._input_shape_arg is not None:
            config["input_shape"] = list(self._input_shape_arg)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def serialize_arguments(layer, *names):
    """{name: serialized value} for constructor arguments that hold objects (initializers,
    regularizers, constraints), so configs stay JSON."""
    from deepbricks import constraints, initializers, regularizers

    out = {}
    for name in names:
        value = getattr(layer, name)
        if name.endswith("initializer"):
            value = initializers.get(value)
        elif name.endswith("regularizer"):
            value = regularizers.get(value) if value is not None else None
        elif name.endswith("constraint"):
            value = constraints.get(value)
        out[name] = serialize(value)
    return out


def _call_parameters(call):
    return frozenset(inspect.signature(call).parameters)


def _unique(variables):
    seen, out = set(), []
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _as_list_of_shapes(shapes):
    if isinstance(shapes, (list, tuple)) and shapes and isinstance(shapes[0], (list, tuple)):
        return list(shapes)
    return [shapes]


def _shapes_to_tensors(shapes, dtype):
    if isinstance(shapes, (list, tuple)) and shapes and isinstance(shapes[0], (list, tuple)):
        return [KerasTensor(s, dtype) for s in shapes]
    return KerasTensor(shapes, dtype)


def _get_regularizer(identifier):
    if identifier is None:
        return None
    from deepbricks import regularizers

    return regularizers.get(identifier)
