"""What the ledger tells the layers above without depending on them. The supervision listens
(duban.supervision.services.members) and notifies the people concerned."""
from django.dispatch import Signal

# a progress report approved or returned: sent with report=, actor=, approved=, reason=, today=,
# inside the review's transaction (the notification is written with it or not at all)
report_reviewed = Signal()

# a comment or 批示 on a task: sent with comment=, inside its transaction
comment_added = Signal()
