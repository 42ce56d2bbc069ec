"""Logs, metrics and traces: what the service tells operators about itself."""
