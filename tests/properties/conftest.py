"""The seed's Hypothesis profile for every property test: at least 100 examples each."""

from hypothesis import settings

settings.register_profile("ci", max_examples=100, deadline=5000)
settings.load_profile("ci")
