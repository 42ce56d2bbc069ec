"""payment-service: a small payment provider the order workflow charges through Dapr
service invocation. It runs as its own app behind its own daprd (a peer app)."""
