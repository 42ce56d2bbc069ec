"""The operators' dashboard at /ui: server-rendered pages over the app's own /api/v1."""
