from duban.ledger.models.documents import SourceDocument
from duban.ledger.models.notes import Comment, Evidence
from duban.ledger.models.plans import Checkpoint, Indicator, Milestone, Plan, Responsibility, Section, Task
from duban.ledger.models.progress import Observation, PendingValue, ProgressReport
from duban.ledger.models.records import Finding, LeadTally, MilestoneTally, StatusChange, TaskTally, TrendPoint
from duban.ledger.models.units import Unit, UnitAlias

__all__ = [
           "Checkpoint",
           "Comment",
           "Evidence",
           "Finding",
           "Indicator",
           "LeadTally",
           "Milestone",
           "MilestoneTally",
           "Observation",
           "PendingValue",
           "Plan",
           "ProgressReport",
           "Responsibility",
           "Section",
           "SourceDocument",
           "StatusChange",
           "Task",
           "TaskTally",
           "TrendPoint",
           "Unit",
           "UnitAlias",
]
