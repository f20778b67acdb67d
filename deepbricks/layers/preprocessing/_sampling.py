"""Resampling whole batches of channels-last images with one gather per neighbour.

An affine transform is given per image as the six numbers (a0, a1, a2, b0, b1, b2) that map an
output pixel (x, y) to the input point it is read from, as Keras writes them:

    x_in = a0*x + a1*y + a2,    y_in = b0*x + b1*y + b2     (x: column, y: row, in pixels)

Points that fall outside the image are brought back in by the fill mode, as Keras defines them
for a row ``a b c d``:

    'reflect'   d c b a | a b c d | d c b a   (mirrored about the edge of the last pixel)
    'wrap'      a b c d | a b c d | a b c d
    'nearest'   a a a a | a b c d | d d d d
    'constant'  k k k k | a b c d | k k k k   (k = fill_value)
"""

import numpy as np

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")


def _fold(index, size, mode):
    """Integer indices (any range) mapped into [0, size) by the fill mode ('constant' clips;
    the caller masks those cells)."""
    if mode == "reflect":
        index = np.mod(index, 2 * size)
        return np.where(index >= size, 2 * size - 1 - index, index)
    if mode == "wrap":
        return np.mod(index, size)
    return np.clip(index, 0, size - 1)


def _gather(flat, rows, cols, height, width, mode, fill_value):
    """Pixels (rows, cols) of every image: (N, H, W) index grids -> (N, H, W, C)."""
    n = rows.shape[0]
    inside = None
    if mode == "constant":
        inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    rows, cols = _fold(rows, height, mode), _fold(cols, width, mode)
    offsets = (np.arange(n) * (height * width)).reshape(n, 1, 1)
    values = flat[offsets + rows * width + cols]
    if inside is not None:
        values = np.where(inside[..., None], values, values.dtype.type(fill_value))
    return values


def affine_transform(images, transforms, interpolation="bilinear", fill_mode="reflect",
                     fill_value=0.0):
    """Applies one affine transform per image.

    Args:
        images: (N, H, W, C) float array.
        transforms: (N, 6) array of (a0, a1, a2, b0, b1, b2), output pixel -> input point.
        interpolation: 'bilinear' (the four nearest pixels, weighted by proximity) or
            'nearest' (the closest pixel).
        fill_mode: 'reflect', 'wrap', 'constant' or 'nearest' (see the module docstring).
        fill_value: the value read outside the image when ``fill_mode='constant'``.

    Returns:
        An array shaped and typed like ``images``.
    """
    n, height, width, channels = images.shape
    a0, a1, a2, b0, b1, b2 = (np.asarray(transforms, np.float64)[:, i, None, None]
                              for i in range(6))
    ys = np.arange(height, dtype=np.float64)[None, :, None]
    xs = np.arange(width, dtype=np.float64)[None, None, :]
    x_in = a0 * xs + a1 * ys + a2
    y_in = b0 * xs + b1 * ys + b2
    flat = images.reshape(n * height * width, channels)

    def sample(rows, cols):
        return _gather(flat, rows, cols, height, width, fill_mode, fill_value)

    if interpolation == "nearest":
        return sample(np.floor(y_in + 0.5).astype(np.intp), np.floor(x_in + 0.5).astype(np.intp))
    top, left = np.floor(y_in), np.floor(x_in)
    fy = (y_in - top).astype(images.dtype)[..., None]
    fx = (x_in - left).astype(images.dtype)[..., None]
    top, left = top.astype(np.intp), left.astype(np.intp)
    upper = sample(top, left) * (1 - fx) + sample(top, left + 1) * fx
    lower = sample(top + 1, left) * (1 - fx) + sample(top + 1, left + 1) * fx
    return upper * (1 - fy) + lower * fy


def _resize_axis(images, axis, size):
    """Linear interpolation along one axis with half-pixel centres, edges clamped."""
    length = images.shape[axis]
    if length == size:
        return images
    position = (np.arange(size) + 0.5) * (length / size) - 0.5
    position = np.clip(position, 0, length - 1)
    low = np.floor(position).astype(np.intp)
    high = np.minimum(low + 1, length - 1)
    shape = [1] * images.ndim
    shape[axis] = size
    weight = (position - low).astype(images.dtype).reshape(shape)
    first = np.take(images, low, axis=axis)
    return first + (np.take(images, high, axis=axis) - first) * weight


def resize(images, height, width):
    """Bilinear resize of (N, H, W, C) images to (N, height, width, C) (no antialiasing)."""
    return _resize_axis(_resize_axis(images, 1, height), 2, width)


def smart_resize(images, target_height, target_width):
    """Crops the largest centred window with the target's aspect ratio, then resizes it to
    (target_height, target_width): the image is never distorted."""
    height, width = images.shape[1:3]
    rows = max(min(height, int(width * target_height / target_width)), 1)
    cols = max(min(width, int(height * target_width / target_height)), 1)
    top, left = (height - rows) // 2, (width - cols) // 2
    return resize(images[:, top:top + rows, left:left + cols], target_height, target_width)
