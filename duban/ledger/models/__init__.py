from duban.core.models import AuditEntry  # the trail lives in the core; kept here for importers on other branches
from duban.ledger.models.documents import SourceDocument
from duban.ledger.models.notes import Comment, Evidence
from duban.ledger.models.plans import Checkpoint, Indicator, Milestone, Plan, Responsibility, Section, Task
from duban.ledger.models.progress import Observation, PendingValue, ProgressReport
from duban.ledger.models.records import Finding, StatusChange, TrendPoint
from duban.ledger.models.units import Unit, UnitAlias

__all__ = [
           "AuditEntry",
           "Checkpoint",
           "Comment",
           "Evidence",
           "Finding",
           "Indicator",
           "Milestone",
           "Observation",
           "PendingValue",
           "Plan",
           "ProgressReport",
           "Responsibility",
           "Section",
           "SourceDocument",
           "StatusChange",
           "Task",
           "TrendPoint",
           "Unit",
           "UnitAlias",
]
