"""model.summary(): the Keras table of layers, output shapes and parameter counts."""


def _count(weights):
    return int(sum(v.size for v in weights))


def _bytes(weights):
    total = sum(v.data.nbytes for v in weights)
    for unit in ("B", "KB", "MB", "GB"):
        if total < 1024 or unit == "GB":
            return f"{total:.2f} {unit}"
        total /= 1024


def _shape_text(layer):
    try:
        shape = layer.output_shape
    except (AttributeError, ValueError):
        return "?"
    if isinstance(shape, list):
        return ", ".join(str(tuple(s)) for s in shape)
    return str(tuple(shape))


def _connections(layer, model_layers):
    if not layer._inbound_nodes:
        return ""
    names = []
    for t in layer._inbound_nodes[0].inputs:
        source = t.node.layer
        if any(source is la for la in model_layers):
            names.append(f"{source.name}[0][{t.index}]")
    return ", ".join(names)


def print_summary(model, line_length=None, print_fn=None, show_trainable=False):
    """Prints (or passes to ``print_fn`` line by line) the model's layer table.

    Columns: "Layer (type)", "Output Shape", "Param #", and "Connected to" for functional
    models whose layers have several inputs; then the total, trainable and non-trainable
    parameter counts with their memory size.
    """
    from deepbricks.layers.core.input_layer import InputLayer
    from deepbricks.models.functional import Functional

    print_fn = print_fn or print
    layers = model.layers
    functional = isinstance(model, Functional)
    connected = functional and any(
        len(la._inbound_nodes[0].inputs) > 1 for la in layers if la._inbound_nodes)
    rows = []
    for layer in layers:
        params = layer.count_params() if layer.built else 0
        row = [f"{layer.name} ({type(layer).__name__})", _shape_text(layer), f"{params:,}"]
        if connected:
            row.append("-" if isinstance(layer, InputLayer) else _connections(layer, layers))
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        rows.append(row)
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if connected:
        headers.append("Connected to")
    if show_trainable:
        headers.append("Trainable")
    widths = [max(len(h), *(len(r[i]) for r in rows)) + 2 if rows else len(h) + 2
              for i, h in enumerate(headers)]
    if line_length:
        widths[0] += max(0, line_length - sum(widths) - len(widths) - 1)

    def line(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    def cells(values, bar):
        parts = []
        for i, (v, w) in enumerate(zip(values, widths)):
            parts.append(f" {v:>{w - 2}} " if i == 2 else f" {v:<{w - 2}} ")
        return bar + bar.join(parts) + bar

    print_fn(f'Model: "{model.name}"')
    print_fn(line("\u250f", "\u2533", "\u2513", "\u2501"))
    print_fn(cells(headers, "\u2503"))
    print_fn(line("\u2521", "\u2547", "\u2529", "\u2501"))
    for i, row in enumerate(rows):
        print_fn(cells(row, "\u2502"))
        if i < len(rows) - 1:
            print_fn(line("\u251c", "\u253c", "\u2524", "\u2500"))
    print_fn(line("\u2514", "\u2534", "\u2518", "\u2500"))
    weights = model.weights
    trainable = model.trainable_weights
    trainable_ids = {id(v) for v in trainable}
    frozen = [v for v in weights if id(v) not in trainable_ids]
    print_fn(f" Total params: {_count(weights):,} ({_bytes(weights)})")
    print_fn(f" Trainable params: {_count(trainable):,} ({_bytes(trainable)})")
    print_fn(f" Non-trainable params: {_count(frozen):,} ({_bytes(frozen)})")
