"""Fakes shared by the unit tests: no sidecar, no network."""
