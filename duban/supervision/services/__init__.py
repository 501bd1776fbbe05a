"""The supervision's actions and queries, for pages, the API and the CLI.

Every write is one function: permission check (`duban.people.roles.Forbidden`), validation
(`DubanError`, code "invalid"; an illegal state step: code "invalid_transition"; a lost race:
"conflict"), one transaction, an audit entry. The date (`today`) or time (`now`) is always a parameter.

Cases        open_case, open_case_for_lagging_task, assign_case, acknowledge_case, start_case,
             submit_feedback, review_feedback, close_case, comment_on_case; get_case, cases_for_unit,
             cases_for_leader, visible_cases, can_view_case, actions_for, case_history
催办          run_reminders (daily); notifications_for, unread_count, mark_read
Problems     raise_problem, assign_problem, coordinate_problem, resolve_problem, confirm_problem,
             dismiss_problem; get_problem, problems_for_task, visible_problems, problem_actions_for,
             problem_history; problem_pressure, task_pressure, apply_problem_pressure (assessment hook)
Changes      request_change, decide_change; original_target(s), original_due(s), was_changed,
             adjusted_words, pending_changes, changes_for_task, get_change
Public clues clue_form_token, check_clue_token, submit_public_clue, clue_status, hash_ip
Calendar     unit_calendar_ics
"""
from duban.supervision.services.access import (
                                               can_view_case,
                                               can_view_problem,
                                               is_lead_reporter,
                                               leaders,
                                               office_users,
                                               unit_reporters,
                                               visible_cases,
                                               visible_problems,
)
from duban.supervision.services.calendar import unit_calendar_ics
from duban.supervision.services.cases import (
                                               Conflict,
                                               acknowledge_case,
                                               actions_for,
                                               assign_case,
                                               case_history,
                                               cases_for_leader,
                                               cases_for_unit,
                                               close_case,
                                               comment_on_case,
                                               get_case,
                                               open_case,
                                               open_case_for_lagging_task,
                                               review_feedback,
                                               start_case,
                                               submit_feedback,
)
from duban.supervision.services.changes import (
                                               adjusted_words,
                                               changes_for_task,
                                               decide_change,
                                               get_change,
                                               original_due,
                                               original_dues,
                                               original_target,
                                               original_targets,
                                               pending_changes,
                                               request_change,
                                               was_changed,
)
from duban.supervision.services.clues import (
                                               BadToken,
                                               ClueStatus,
                                               RateLimited,
                                               check_clue_token,
                                               clue_form_token,
                                               clue_status,
                                               hash_ip,
                                               submit_public_clue,
)
from duban.supervision.services.notify import mark_read, notifications_for, notify, unread_count
from duban.supervision.services.problems import (
                                               apply_problem_pressure,
                                               assign_problem,
                                               confirm_problem,
                                               coordinate_problem,
                                               dismiss_problem,
                                               get_problem,
                                               problem_actions_for,
                                               problem_history,
                                               problem_pressure,
                                               problems_for_task,
                                               raise_problem,
                                               resolve_problem,
                                               task_pressure,
)
from duban.supervision.services.reminders import ReminderRun, run_reminders

__all__ = [  # noqa: RUF022 — grouped by module, as the imports above
    # access
    "can_view_case", "can_view_problem", "is_lead_reporter", "leaders", "office_users", "unit_reporters",
    "visible_cases", "visible_problems",
    # cases
    "Conflict", "acknowledge_case", "actions_for", "assign_case", "case_history", "cases_for_leader",
    "cases_for_unit", "close_case", "comment_on_case", "get_case", "open_case", "open_case_for_lagging_task",
    "review_feedback", "start_case", "submit_feedback",
    # reminders and notifications
    "ReminderRun", "run_reminders", "mark_read", "notifications_for", "notify", "unread_count",
    # problems
    "apply_problem_pressure", "assign_problem", "confirm_problem", "coordinate_problem", "dismiss_problem",
    "get_problem", "problem_actions_for", "problem_history", "problem_pressure", "problems_for_task",
    "raise_problem", "resolve_problem", "task_pressure",
    # change requests
    "adjusted_words", "changes_for_task", "decide_change", "get_change", "original_due", "original_dues",
    "original_target", "original_targets", "pending_changes", "request_change", "was_changed",
    # public clues
    "BadToken", "ClueStatus", "RateLimited", "check_clue_token", "clue_form_token", "clue_status", "hash_ip",
    "submit_public_clue",
    # calendar
    "unit_calendar_ics",
]
