"""Utilities: data preparation and batching, serialization helpers, seeding and progress."""
