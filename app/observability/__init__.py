"""Logs and metrics: what the service tells operators about itself."""
