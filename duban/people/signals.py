"""What the accounts tell the layers above without depending on them: a reporter joined a unit
(created, moved to it, or re-enabled). The supervision listens and tells the newcomer of the unit's
open cases (duban.supervision.services.members)."""
from django.dispatch import Signal

# sent with user=, unit=, inside the account change's transaction
member_joined = Signal()
