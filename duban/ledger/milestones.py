"""Milestones getting done: the office marks one done on a date with its evidence, or approves a unit's
report that says which milestones of the task are done.

A report's claims are stored on it (`ProgressReport.milestones_done`, a list of
{"id", "done_on", "evidence"}) and mean nothing until the report is approved; the approval then marks
each claimed milestone done through `mark_done`, the same action the office's own form uses (audit
entry, reassessment, ledger version). A milestone whose checkpoints are all met needs no one: the
assessment counts it done by itself (`duban.assess.milestone_done`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from duban.core.audit import record
from duban.errors import InvalidInput
from duban.ledger.models import Milestone, ProgressReport, Task
from duban.ledger.version import bump_ledger_version

MAX_EVIDENCE = 2000


@dataclass(frozen=True)
class DoneClaim:
    """A report's word that a milestone is done: on `done_on` (the report's date when None), because of
    `evidence` (the report's text when empty)."""

    milestone: int
    done_on: date | None = None
    evidence: str = ""


def _as_claim(raw) -> DoneClaim:
    if isinstance(raw, DoneClaim):
        return raw
    if isinstance(raw, int) or (isinstance(raw, str) and raw.strip().lstrip("#").isdigit()):
        return DoneClaim(int(str(raw).strip().lstrip("#")))
    if isinstance(raw, dict) and str(raw.get("id", "")).isdigit():
        when = raw.get("done_on")
        if isinstance(when, str) and when.strip():
            try:
                when = date.fromisoformat(when.strip())
            except ValueError:
                raise InvalidInput(f"节点完成日期“{when}”应写作 YYYY-MM-DD") from None
        return DoneClaim(int(raw["id"]), when or None, str(raw.get("evidence") or ""))
    raise InvalidInput(f"无法识别的完成节点“{raw}”(应为节点编号)")


def find_milestone(task: Task, ref: str) -> DoneClaim:
    """A milestone of `task` named on the command line: `#<id>` or its due date, optionally followed by
    `@<completion date>` (`2024-06-30@2024-06-20`)."""
    what, _, when = (ref or "").strip().partition("@")
    what = what.strip()
    done_on = None
    try:
        done_on = date.fromisoformat(when.strip()) if when.strip() else None
        due = None if what.startswith("#") else date.fromisoformat(what)
    except ValueError:
        raise InvalidInput(f"时间节点“{ref}”应写作截止日期 YYYY-MM-DD 或 #编号(可加 @完成日期)") from None
    if due is None:
        if not what[1:].isdigit():
            raise InvalidInput(f"时间节点“{ref}”应写作截止日期 YYYY-MM-DD 或 #编号(可加 @完成日期)")
        return DoneClaim(int(what[1:]), done_on)
    found = list(task.milestones.filter(due=due))
    if len(found) != 1:
        listed = "、".join(f"#{m.pk} {m.due} {m.text[:20]}" for m in task.milestones.order_by("due", "order"))
        raise InvalidInput(f"第{task.number}项任务截止于{due}的时间节点有{len(found)}个,请用编号指明:{listed or '(无)'}")
    return DoneClaim(found[0].pk, done_on)


def validate_claims(task: Task, as_of: date, claims) -> list[dict]:
    """The claims as stored on the report, or InvalidInput: a milestone of another task, one named
    twice, a completion date after the report's date or before the plan year."""
    out, seen = [], set()
    own = {m.pk: m for m in Milestone.objects.filter(task=task)}
    for raw in claims or ():
        claim = _as_claim(raw)
        m = own.get(claim.milestone)
        if m is None:
            raise InvalidInput(f"第{task.number}项任务没有编号为#{claim.milestone}的时间节点")
        if m.pk in seen:
            raise InvalidInput(f"时间节点“{m.text[:30]}”填了两次")
        seen.add(m.pk)
        done_on = claim.done_on or as_of
        if done_on > as_of:
            raise InvalidInput(f"时间节点“{m.text[:30]}”的完成日期 {done_on} 晚于进展截至日期 {as_of}")
        if done_on.year < task.plan.year:
            raise InvalidInput(f"时间节点“{m.text[:30]}”的完成日期 {done_on} 早于计划年度")
        evidence = claim.evidence.strip()
        if len(evidence) > MAX_EVIDENCE:
            raise InvalidInput(f"完成依据不超过{MAX_EVIDENCE}字")
        out.append({"id": m.pk, "done_on": done_on.isoformat(), "evidence": evidence})
    return out


def claims_of(report: ProgressReport) -> list[DoneClaim]:
    """What a stored report says is done (older rows hold bare ids)."""
    return [_as_claim(raw) for raw in report.milestones_done or ()]


def mark_done(actor, milestone: Milestone, *, done_on: date, evidence: str, today: date,
              reassess_task: bool = True, actor_name: str = "") -> Milestone:
    """Mark a milestone done on a date with the evidence it rests on: validated, in one transaction, an
    audit entry with before and after, the task reassessed as of `today` (unless the caller reassesses
    it once for several writes, as a report's approval does), the ledger version bumped.

    Permission is the caller's: the office's form (`corrections.complete_milestone`) or the approval of
    a report (`workflow.review_progress`)."""
    from duban.ledger.assessment import reassess

    evidence = (evidence or "").strip()
    if not evidence:
        raise InvalidInput("请写明完成依据(如验收文件、进展报告、现场核查)")
    if done_on > today:
        raise InvalidInput("完成日期不能晚于今天")
    with transaction.atomic():
        m = Milestone.objects.select_for_update().select_related("task__plan").get(pk=milestone.pk)
        if done_on.year < m.task.plan.year:
            raise InvalidInput(f"完成日期 {done_on} 早于计划年度")
        before = {"done_on": m.done_on, "done_evidence": m.done_evidence}
        m.done_on, m.done_evidence = done_on, evidence[:MAX_EVIDENCE]
        m.save(update_fields=["done_on", "done_evidence"])
        record(actor, actor_name, "milestone.done", m, task=m.task, before=before,
               after={"done_on": done_on, "done_evidence": m.done_evidence},
               summary=f"第{m.task.number}项 时间节点“{m.text[:30]}”标记为已完成({done_on}):{evidence[:60]}")
        if reassess_task:
            reassess([m.task_id], today)
        bump_ledger_version()
    return m


def mark_reported(actor, report: ProgressReport, *, today: date, actor_name: str = "") -> list[Milestone]:
    """On a report's approval: each milestone it says is done and that is not done yet is marked done,
    with the report as its evidence. The caller reassesses the task (once, with the report's values)."""
    marked = []
    for claim in claims_of(report):
        m = Milestone.objects.filter(pk=claim.milestone, task_id=report.task_id).first()
        if m is None or m.done_on is not None:  # gone meanwhile, or marked done by the office already
            continue
        said = claim.evidence.strip() or (report.text or "").strip()[:200] or "(报告未写明)"
        files = report.evidence.count()
        evidence = f"{said}(进展报告 截至{report.as_of:%Y-%m-%d},#{report.pk}" + (
            f",佐证材料{files}个)" if files else ")")
        marked.append(mark_done(actor, m, done_on=min(claim.done_on or report.as_of, today), evidence=evidence,
                                today=today, reassess_task=False, actor_name=actor_name))
    return marked


def describe_claims(report: ProgressReport) -> list[dict]:
    """For the review queue and the task page: {milestone, done_on, evidence} of each claim."""
    claims = claims_of(report)
    by_pk = Milestone.objects.in_bulk([c.milestone for c in claims])
    return [{"milestone": by_pk[c.milestone], "done_on": c.done_on or report.as_of, "evidence": c.evidence}
            for c in claims if c.milestone in by_pk]
