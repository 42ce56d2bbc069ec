"""The external events the workflows wait for, by name (one constant per name)."""

# A person's decision: `order_fulfillment` (OrderDecision) and `restock_approval`
# (RestockDecision) both wait for it under this name, each with its own payload model.
APPROVAL_EVENT = "approval"
# Raised by the cancel route on `order_fulfillment` (CancelRequest).
CANCEL_EVENT = "cancel"
