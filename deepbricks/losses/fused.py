"""Cross-entropies on probabilities, fused into one op each with a hand-written backward.

A softmax (or sigmoid) output layer followed by a cross-entropy on its probabilities is the
classic Keras model, so these run on every training step; as compositions they would take
six to eight ops and as many temporary arrays. Each forward below is Keras's formula
(renormalise, clip to [EPSILON, 1 - EPSILON], log) and each backward its exact gradient,
with the clip passing gradient only inside its bounds (bounds included, as ops.clip does).
The logits versions live in ``deepbricks.ops`` (softmax_cross_entropy and friends).
"""

import numpy as np

from deepbricks.autograd import Function

EPSILON = 1e-7  # Keras's backend.epsilon()


def _clip_with_mask(q):
    clipped = np.clip(q, EPSILON, 1.0 - EPSILON)
    return clipped, (q >= EPSILON) & (q <= 1.0 - EPSILON)


class CategoricalCrossentropy(Function):
    """loss = -sum(t * log(clip(p / sum(p)))) along ``axis``.

    With q = p / s, s = sum(p): dL/dq = -t / q where unclipped, and through the
    renormalisation dL/dp = (dL/dq - sum(dL/dq * q)) / s.
    """

    def __init__(self, axis):
        self.axis = axis

    def forward(self, p, t):
        total = p.sum(axis=self.axis, keepdims=True)
        q = p / total
        clipped, inside = _clip_with_mask(q)
        log_q = np.log(clipped)
        self.total, self.q, self.clipped, self.inside, self.t = total, q, clipped, inside, t
        if self.needs_input_grad[1]:
            self.log_q = log_q
        return -(t * log_q).sum(axis=self.axis)

    def backward(self, g):
        g = np.expand_dims(g, self.axis)
        gp = gt = None
        if self.needs_input_grad[0]:
            gq = self.t / self.clipped
            gq *= self.inside
            gq *= -g
            gp = gq - (gq * self.q).sum(axis=self.axis, keepdims=True)
            gp /= self.total
        if self.needs_input_grad[1]:
            gt = -self.log_q * g
        return gp, gt


class SparseCategoricalCrossentropy(Function):
    """loss = -log(clip(p[label] / sum(p))) along ``axis``; labels carry no gradient.

    Only q_label = p_label / s enters the loss, so dL/dp = (onehot(label) - q_label) *
    dL/dq_label / s with dL/dq_label = -1 / q_label where unclipped.
    """

    def __init__(self, axis):
        self.axis = axis

    def forward(self, p, labels):
        self.labels = np.expand_dims(labels, self.axis)
        total = p.sum(axis=self.axis, keepdims=True)
        q_label = np.take_along_axis(p, self.labels, axis=self.axis) / total
        clipped, inside = _clip_with_mask(q_label)
        self.total, self.q_label, self.clipped, self.inside = total, q_label, clipped, inside
        self.p_shape, self.p_dtype = p.shape, p.dtype
        return -np.squeeze(np.log(clipped), axis=self.axis)

    def backward(self, g):
        g_label = -np.expand_dims(g, self.axis) * self.inside / self.clipped / self.total
        gp = np.broadcast_to(-g_label * self.q_label, self.p_shape).astype(self.p_dtype)
        at_label = np.take_along_axis(gp, self.labels, axis=self.axis)
        np.put_along_axis(gp, self.labels, at_label + g_label, axis=self.axis)
        return gp, None


class BinaryCrossentropy(Function):
    """Elementwise loss = -(t log(p) + (1 - t) log(1 - p)) with p clipped.

    dL/dp = (p - t) / (p (1 - p)) where unclipped; dL/dt = log(1 - p) - log(p).
    """

    def forward(self, p, t):
        clipped, inside = _clip_with_mask(p)
        log_p, log_not_p = np.log(clipped), np.log1p(-clipped)
        self.clipped, self.inside, self.t = clipped, inside, t
        if self.needs_input_grad[1]:
            self.log_odds = log_p - log_not_p
        return -(t * log_p + (1.0 - t) * log_not_p)

    def backward(self, g):
        gp = gt = None
        if self.needs_input_grad[0]:
            p = self.clipped
            gp = (p - self.t) / (p * (1.0 - p))
            gp *= self.inside
            gp *= g
        if self.needs_input_grad[1]:
            gt = -self.log_odds * g
        return gp, gt
