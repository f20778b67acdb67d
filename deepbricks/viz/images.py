"""Pictures of a convolutional network: its first-layer filters and its feature maps."""

import numpy as np

from deepbricks.viz._figure import grid_shape, mosaic, new_figure, save


def _is_conv2d(layer):
    from deepbricks.layers.convolutional.base_conv import BaseConv

    return isinstance(layer, BaseConv) and layer.rank == 2


def _conv_layers(model):
    return [layer for layer in getattr(model, "layers", []) if _is_conv2d(layer)]


def plot_filters(conv_layer, path, channel=0, max_filters=64):
    """Draws the kernels of a 2D convolution layer as a grid of small images.

    Every filter ``kernel[:, :, :, f]`` becomes one tile. With 3 input channels (RGB images)
    a tile is the filter in colour, rescaled to [0, 1] as a whole; otherwise it is the slice
    of input channel ``channel`` in grey, divided by its largest absolute weight (black = -1,
    mid-grey = 0, white = +1), so that the pattern of every filter shows, however strong.

    Args:
        conv_layer: a built Conv2D-like layer, or a model (its first 2D convolution is used).
        path: the image file to write.
        channel: the input channel shown when there are not exactly 3.
        max_filters: at most this many filters are drawn (the first ones).

    Returns:
        ``path`` as a ``pathlib.Path``.

    Example:
        >>> from deepbricks import applications
        >>> plot_filters(applications.CourseCNN().get_layer('conv1'), 'filters.png')
        PosixPath('filters.png')
    """
    layer = conv_layer
    if not _is_conv2d(layer):
        found = _conv_layers(layer)
        if not found:
            raise ValueError(
                f"plot_filters expects a 2D convolution layer (e.g. Conv2D) or a model that "
                f"contains one. Received: {type(conv_layer).__name__} "
                f"'{getattr(conv_layer, 'name', '?')}'."
            )
        layer = found[0]
    if not layer.built:
        raise ValueError(f"plot_filters: {type(layer).__name__} '{layer.name}' is not built and "
                         f"has no kernel yet; call it on data or build its model first.")
    kernel = np.asarray(layer.kernel.data, dtype=np.float32)
    in_channels, count = kernel.shape[2], min(kernel.shape[3], max_filters)
    kernel = np.moveaxis(kernel[..., :count], -1, 0)
    if in_channels == 3:
        low = kernel.min(axis=(1, 2, 3), keepdims=True)
        high = kernel.max(axis=(1, 2, 3), keepdims=True)
        tiles = (kernel - low) / np.maximum(high - low, 1e-12)
        limits = {"vmin": 0.0, "vmax": 1.0}
    else:
        if not 0 <= channel < in_channels:
            raise ValueError(f"plot_filters: `channel` must lie in [0, {in_channels}) for "
                             f"'{layer.name}', whose kernel has shape {layer.kernel.shape}. "
                             f"Received: channel={channel!r}")
        tiles = kernel[..., channel]
        tiles = tiles / np.maximum(np.abs(tiles).max(axis=(1, 2), keepdims=True), 1e-12)
        limits = {"vmin": -1.0, "vmax": 1.0, "cmap": "gray"}
    rows, columns = grid_shape(count)
    figure = new_figure(1.0 + 0.6 * columns, 0.8 + 0.6 * rows)
    axes = figure.add_subplot(1, 1, 1)
    image = axes.imshow(mosaic(tiles, columns), interpolation="nearest", **limits)
    if in_channels != 3:
        figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04,
                        label="weight / largest |weight| of the filter")
    axes.set_axis_off()
    size = "x".join(map(str, layer.kernel_size))
    shown = "" if in_channels in (1, 3) else f", input channel {channel}"
    axes.set_title(f"{layer.name}: {count} filters of {size}{shown}")
    return save(figure, path)


def _feature_maps(model, image, layers):
    """Outputs of ``layers`` for one image, running the model's graph in inference mode."""
    from deepbricks import Model, Sequential, no_grad

    wanted = {id(layer) for layer in layers}
    with no_grad():
        if isinstance(model, Sequential):
            outputs, x = {}, image
            for layer in model.layers:
                x = layer(x, training=False)
                if id(layer) in wanted:
                    outputs[id(layer)] = x.data
                    if len(outputs) == len(wanted):
                        break
            return [outputs[id(layer)] for layer in layers]
        nodes = {}
        for node in getattr(model, "_nodes", []):
            nodes.setdefault(id(node.layer), node.outputs[0])
        missing = [layer.name for layer in layers if id(layer) not in nodes]
        if missing:
            raise ValueError(f"plot_feature_maps: layers {missing} are not part of the graph of "
                             f"'{model.name}'; pass a Sequential or functional model and "
                             f"layers of it.")
        probe = Model(model.inputs, [nodes[id(layer)] for layer in layers])
        result = probe(image, training=False)
        return [t.data for t in (result if isinstance(result, (list, tuple)) else [result])]


def plot_feature_maps(model, image, path, layers=None, max_maps=32):
    """Draws what the convolution layers of ``model`` see in one image.

    For each chosen layer the activations ``a[0, :, :, c]`` of its first ``max_maps`` channels
    are drawn as a grid of tiles, each scaled to its own range (bright = strongly active),
    under the input image itself.

    Args:
        model: a Sequential or functional model.
        image: one image, (H, W, C) or (1, H, W, C), scaled as the model expects.
        path: the image file to write.
        layers: the layers to show (Layer objects or names); default every 2D convolution.
        max_maps: at most this many channels per layer.

    Returns:
        ``path`` as a ``pathlib.Path``.

    Example:
        >>> import numpy as np
        >>> from deepbricks import applications
        >>> model = applications.CourseCNN()
        >>> plot_feature_maps(model, np.zeros((28, 28, 1), 'float32'), 'maps.png')
        PosixPath('maps.png')
    """
    if not hasattr(model, "layers"):
        raise ValueError(f"plot_feature_maps expects a model. Received: {type(model).__name__}.")
    image = np.asarray(image)
    if image.ndim == 3:
        image = image[None]
    if image.ndim != 4 or image.shape[0] != 1:
        raise ValueError(f"plot_feature_maps draws one image, of shape (H, W, C) or "
                         f"(1, H, W, C). Received: {image.shape}. Pick one sample, e.g. "
                         f"x_test[0], and add a channel axis to grey images (x[..., None]).")
    if layers is None:
        chosen = _conv_layers(model)
        if not chosen:
            raise ValueError(f"plot_feature_maps: model '{model.name}' has no 2D convolution "
                             f"layer; name the layers to show with layers=[...].")
    else:
        chosen = [model.get_layer(name=item) if isinstance(item, str) else item
                  for item in layers]
    maps = _feature_maps(model, image, chosen)
    for layer, values in zip(chosen, maps, strict=True):
        if values.ndim != 4:
            raise ValueError(f"plot_feature_maps: layer '{layer.name}' outputs shape "
                             f"{values.shape}, not feature maps (N, H, W, C).")
    columns = min(max_maps, 16)
    heights = [1.6] + [0.4 + 0.55 * -(-min(v.shape[-1], max_maps) // columns) for v in maps]
    figure = new_figure(0.55 * columns, sum(heights))
    panels = figure.subfigures(len(heights), 1, height_ratios=heights)
    axes = panels[0].add_subplot(1, 1, 1)
    picture = image[0].astype(np.float32)
    axes.imshow(picture[..., 0] if picture.shape[-1] == 1 else picture, cmap="gray",
                interpolation="nearest")
    axes.set_title("input")
    axes.set_axis_off()
    for panel, layer, values in zip(panels[1:], chosen, maps, strict=True):
        tiles = np.moveaxis(values[0, ..., :max_maps].astype(np.float32), -1, 0)
        low = tiles.min(axis=(1, 2), keepdims=True)
        high = tiles.max(axis=(1, 2), keepdims=True)
        tiles = (tiles - low) / np.maximum(high - low, 1e-12)
        axes = panel.add_subplot(1, 1, 1)
        axes.imshow(mosaic(tiles, min(columns, len(tiles))), cmap="viridis", vmin=0.0, vmax=1.0,
                    interpolation="nearest")
        h, w, c = values.shape[1:]
        axes.set_title(f"{layer.name}: {len(tiles)} of {c} maps, {h}x{w}")
        axes.set_axis_off()
    return save(figure, path)
