"""Activity groups. Bootstrap builds each with ActivityDeps and registers its activities."""

from activities.books_audit import BooksAuditActivities
from activities.canary import CanaryActivities
from activities.inventory import InventoryActivities
from activities.inventory_audit import InventoryAuditActivities
from activities.orders import OrderActivities
from activities.outcomes import OutcomeActivities
from activities.payments import PaymentActivities
from activities.progress import ProgressActivities
from activities.shipping import ShippingActivities
from activities.spec import ActivityGroup

ACTIVITY_GROUPS: list[type[ActivityGroup]] = [
    InventoryActivities,
    OrderActivities,
    PaymentActivities,
    ShippingActivities,
    OutcomeActivities,
    ProgressActivities,
    InventoryAuditActivities,
    BooksAuditActivities,
    CanaryActivities,
]
