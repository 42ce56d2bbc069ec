"""Checks on the documentation in docs/ and README.md."""
