"""Speed of deepbricks against PyTorch on the same workloads (see README)."""
