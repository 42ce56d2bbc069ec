"""Unit tests of the workflows, driven through a fake orchestration context."""
