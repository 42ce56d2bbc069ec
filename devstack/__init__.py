"""The local stack: builds the Dapr runtime and supervises placement, daprd and the app.

Used by `make run` and by the test fixtures; not part of the deployed service.
"""
