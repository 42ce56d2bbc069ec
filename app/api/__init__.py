"""The HTTP layer: thin routes over the services that bootstrap builds."""
