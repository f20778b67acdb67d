"""Utilities: data preparation and batching, serialization helpers, seeding and progress."""

from deepbricks.utils.seeding import set_random_seed

__all__ = ["set_random_seed"]
