"""Recording switch and the backward walk over the graph of Functions.

The graph is implicit: a Tensor made by an op points at the Function that made it
(``tensor._ctx``), and that Function points at its input Tensors. ``backward`` orders the
Functions topologically with an explicit stack (a 2,000-step recurrent graph is as safe as a
short one), pushes gradients from the output to the leaves, and frees each Function's saved
arrays as soon as its backward has run, so a training loop does not accumulate memory.
"""

import contextlib

_enabled = True


def is_grad_enabled():
    """Returns whether ops are being recorded for backward."""
    return _enabled


class _GradMode(contextlib.ContextDecorator):
    def __init__(self, enabled):
        self.enabled = enabled

    def __enter__(self):
        global _enabled
        self.previous, _enabled = _enabled, self.enabled

    def __exit__(self, *exc):
        global _enabled
        _enabled = self.previous
        return False


def no_grad():
    """Context manager (and decorator) that stops recording ops, e.g. for evaluation.

    Example:
        >>> import deepbricks as db
        >>> w = db.Tensor([1.0, 2.0], requires_grad=True)
        >>> with db.no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
    """
    return _GradMode(False)


def enable_grad():
    """Context manager (and decorator) that turns recording back on inside ``no_grad``."""
    return _GradMode(True)


def _topological_order(root_fn):
    """Functions reachable from ``root_fn``, each listed before every Function it depends on."""
    order, visited = [], set()
    stack = [(root_fn, False)]
    while stack:
        fn, finished = stack.pop()
        if finished:
            order.append(fn)
            continue
        if id(fn) in visited:
            continue
        visited.add(id(fn))
        stack.append((fn, True))
        for t in fn.inputs:
            parent = t._ctx if t is not None else None
            if parent is not None and id(parent) not in visited:
                stack.append((parent, False))
    order.reverse()
    return order


def _accumulate(old, new):
    # Never in place: one backward may hand the same array to several inputs.
    return new if old is None else old + new


def backward(root, grad, retain_graph=False):
    """Accumulates d(root)/d(leaf), contracted with ``grad``, into every leaf's ``.grad``."""
    root_fn = root._ctx
    if root_fn is None:
        root.grad = _leaf_grad(root.grad, grad)
        return
    if root_fn.freed:
        raise RuntimeError(_FREED_MESSAGE)
    pending = {id(root_fn): [None] * root_fn.n_outputs}
    pending[id(root_fn)][root._idx] = grad
    for fn in _topological_order(root_fn):
        grads_out = pending.pop(id(fn), None)
        if grads_out is None:
            continue
        if fn.freed:
            raise RuntimeError(_FREED_MESSAGE)
        if fn.n_outputs == 1:
            grads_in = fn.backward(grads_out[0])
        else:
            grads_in = fn.backward(*fn.fill_missing(grads_out))
        for t, g in zip(fn.inputs, grads_in):
            if g is None or t is None or not t.requires_grad:
                continue
            parent = t._ctx
            if parent is None:
                t.grad = _leaf_grad(t.grad, g)
            else:
                slots = pending.setdefault(id(parent), [None] * parent.n_outputs)
                slots[t._idx] = _accumulate(slots[t._idx], g)
        if not retain_graph:
            fn.release()


def _leaf_grad(old, new):
    if old is None:
        # A gradient may be a read-only broadcast view or alias a saved array; a leaf's .grad
        # must be an array the user (or an optimizer) owns.
        return new.copy() if not new.flags.owndata or not new.flags.writeable else new
    return old + new


_FREED_MESSAGE = (
    "Trying to backward through a graph a second time, but its saved arrays were freed by the "
    "first backward(). Call backward(retain_graph=True) the first time, or recompute the "
    "forward pass."
)
