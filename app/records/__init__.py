"""The service's own records in the state store (not Dapr's): the workflow instance index
and progress, the SKU index and last audit, the dead letters. Each is built on the
state adapter (app/building_blocks/state.py); none talks to the sidecar otherwise."""
