"""Orderflow: the FastAPI service, its settings, composition root and Dapr building-block layer."""
