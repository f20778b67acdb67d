"""Test-wide settings: Keras (an optional reference) runs on its PyTorch backend here."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")
