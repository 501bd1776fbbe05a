"""催办 happens by itself: `run_reminders(today)` (run daily, e.g. by a scheduled `duban` command)
urges every case whose feedback deadline nears (yellow) or passed (red).

At most one urge per case, level and deadline: running it twice on one day adds nothing, and a
case whose deadline was moved (a corrected 交办, a return with a new deadline) may be urged again.
Each urge tells the lead unit's reporters; a red one is escalated to every leader. Both by
notification and, when SMTP is configured, by e-mail.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction

from duban.core.audit import record
from duban.supervision import rules
from duban.supervision.models import Case, CaseEvent, Notification, Urge
from duban.supervision.rules import POLICY, Level, SupervisionPolicy, urgency
from duban.supervision.services.access import leaders, unit_reporters
from duban.supervision.services.notify import notify

Kind = Notification.Kind


@dataclass
class ReminderRun:
    today: date
    urges: list[Urge] = field(default_factory=list)
    notifications: int = 0
    escalated: int = 0  # red urges escalated to leaders

    def line(self) -> str:
        return f"{self.today:%Y-%m-%d} 催办{len(self.urges)}件(报领导{self.escalated}件),通知{self.notifications}条"


def run_reminders(today: date, policy: SupervisionPolicy = POLICY) -> ReminderRun:
    run = ReminderRun(today)
    cases = (Case.objects.filter(state__in=rules.URGED_STATES, deadline__isnull=False)
             .select_related("lead_unit", "task").order_by("year", "seq"))
    for case in cases:
        found = urgency(case, today, policy)
        if found.level is Level.NONE:
            continue
        if Urge.objects.filter(case=case, level=found.level.value, deadline=case.deadline).exists():
            continue
        try:
            with transaction.atomic():
                _urge(case, found, today, run)
        except IntegrityError:  # another run urged it meanwhile
            continue
    return run


def _urge(case: Case, found: rules.Urgency, today: date, run: ReminderRun) -> None:
    red = found.level is Level.RED
    urge = Urge.objects.create(case=case, level=found.level.value, deadline=case.deadline, created=today,
                               reason=found.reason, escalated_to_leaders=red)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.URGE, action="urge", actor=None, actor_name="system",
                             on=today, from_state=case.state, to_state=case.state,
                             note=f"{found.level.label}:{found.reason}" + (",已报告领导" if red else ""))
    lead = case.lead_unit.name if case.lead_unit_id else "牵头单位"
    text = f"【{found.level.label}】督办件{case.number}“{case.title}”({lead}牵头){found.reason}。"
    sent = _tell(unit_reporters(case.lead_unit), Kind.URGE, text + "请抓紧办理并按时反馈。", case, today,
                       f"【督办催办】{case.number} {case.title}")
    if red:
        sent += _tell(leaders(), Kind.ESCALATION, text, case, today,
                            f"【逾期督办报告】{case.number} {case.title}")
        run.escalated += 1
    record(None, "system", "case.urge", case, task=case.task,
           after={"level": found.level.value, "deadline": case.deadline, "reason": found.reason,
                  "escalated_to_leaders": red},
           summary=f"督办件{case.number} {found.level.label}:{found.reason}" + (",已报告领导" if red else ""))
    run.urges.append(urge)
    run.notifications += sent


def _tell(users, kind: str, text: str, case: Case, today: date, subject: str) -> int:
    return len(notify(users, kind, text, link=case.path(), today=today, mail_subject=subject))
