"""Random layers with a ``seed`` draw from a generator of their own."""

import contextlib

from deepbricks import backend


@contextlib.contextmanager
def drawing_from(generator):
    """Within the block, the random ops (which draw from ``backend.rng()``) draw the stream of
    ``generator`` instead; afterwards ``generator`` has advanced and the shared generator is
    exactly where it was, so a seeded layer neither disturbs nor depends on other draws.

    ``generator`` None leaves the shared generator in use.
    """
    if generator is None:
        yield
        return
    shared = backend.rng().bit_generator
    saved = shared.state
    shared.state = generator.bit_generator.state
    try:
        yield
    finally:
        generator.bit_generator.state = shared.state
        shared.state = saved
