"""Our own HTTP routes, one module per resource."""
