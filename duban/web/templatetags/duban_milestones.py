"""The office's milestone form on the task page (the tag lives beside its views)."""
from duban.web.office.milestones import register  # noqa: F401
