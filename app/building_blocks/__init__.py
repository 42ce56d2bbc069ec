"""The Dapr building-block layer: the one place that talks to the sidecar."""
