"""Hypothesis settings for the property tests: the seed's "ci" profile.

Properties that cross the real sidecar use session-scoped fixtures (`probe`, `publisher`,
`stack`), never function-scoped ones: Hypothesis runs many examples inside one test call.
"""

from hypothesis import settings

settings.register_profile("ci", max_examples=100, deadline=5000)
settings.load_profile("ci")
