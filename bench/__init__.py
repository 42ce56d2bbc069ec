"""Benchmarks: the service's layers side by side with the bare SDK on the same sidecar.

`make bench` (quick) or `make bench MODE=full`; see bench/__main__.py.
"""
