"""Baselines: the bare SDK doing the same kind of work, on the same Dapr build."""
