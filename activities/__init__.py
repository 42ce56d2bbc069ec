"""Activity groups. Bootstrap builds each with ActivityDeps and registers its activities."""

from activities.inventory import InventoryActivities
from activities.progress import ProgressActivities
from activities.spec import ActivityGroup

ACTIVITY_GROUPS: list[type[ActivityGroup]] = [InventoryActivities, ProgressActivities]
