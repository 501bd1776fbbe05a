"""Moved to `duban.core.audit` (the audit trail every app uses lives in the core, not in the ledger).
This name is kept only so that branches written before the move still import; new code imports
`duban.core.audit`."""
from duban.core.audit import record  # re-exported
