from duban.supervision.models.cases import Case, CaseEvent, CaseFile
from duban.supervision.models.changes import ChangeRequest
from duban.supervision.models.instructions import InstructionOutcome
from duban.supervision.models.notices import Notification, Urge
from duban.supervision.models.problems import Clue, Problem, ProblemEvent

__all__ = ["Case", "CaseEvent", "CaseFile", "ChangeRequest", "Clue", "InstructionOutcome", "Notification", "Problem", "ProblemEvent", "Urge"]
