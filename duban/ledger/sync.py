"""Bring a plan's tasks in line with an extraction: create, update in place, and say what changed.

Rows are updated in place (not deleted and recreated) so that reports, observations, cases and the
audit trail that point at a task or an indicator keep pointing at it across plan versions.

What the office corrected (a row's `corrected` fields: its own edits and approved change requests)
is kept; where the new version says something else than both the correction and the version the
correction was made on, the disagreement is listed (`disagreements`) for the office to decide. A task
the new version no longer has is retired with all it carries, never deleted.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

from duban.ledger.domains import suggest_domain
from duban.ledger.matching import Candidate, best_indicator, similarity
from duban.ledger.models import Checkpoint, Indicator, Milestone, Plan, Responsibility, Section, Task
from duban.ledger.units import resolve_unit

_RATE_UNITS = {"%", "百分点", "‰"}
# A standard, a limit or a rate is a level to reach, not a quantity that accumulates over the year.
_LEVEL_WORDS = re.compile(r"标准|补助|补贴|限额|比例|率|每人|每月|每年|人均|均价|价格|时限|天数|容积")


_PER_HEAD = re.compile(r"每人|每户|每月|每年|标准|补助|补贴")


def is_cumulative(metric: str, unit: str, content: str = "") -> bool:
    """Whether an indicator accumulates over the year (新增就业35万人) or is a level to reach
    (签约率75%, 补助标准500元每人每月: a money amount in a task about standards is a level)."""
    if unit in _RATE_UNITS or _LEVEL_WORDS.search(metric or ""):
        return False
    return not (unit == "元" and _PER_HEAD.search(content))


def plan_numbers(tasks: list[dict]) -> list[str]:
    """Task numbers unique within the plan: a list that restarts its numbering in each section
    (一、 1. 2. 二、 1. 2.) gets section-qualified numbers (1.1, 1.2, 2.1, …)."""
    numbers = [t["number"] for t in tasks]
    if len(set(numbers)) == len(numbers):
        return numbers
    sections: list[str | None] = []
    out = []
    for t in tasks:
        if t.get("section") not in sections:
            sections.append(t.get("section"))
        out.append(f"{sections.index(t.get('section')) + 1}.{t['number']}")
    counts = Counter(out)
    return [n if counts[n] == 1 else f"{n}.{i}" for i, n in enumerate(out, 1)]


def _plain(v):
    return v.isoformat() if isinstance(v, date) else v


class TaskSync:
    def __init__(self, plan: Plan, today: date | None = None):
        self.plan = plan
        self.today = today or date.today()
        self.changes: list[str] = []
        self.disagreements: list[tuple[Task, str]] = []  # (task, message): the document against a correction
        self.existing = {t.number: t for t in Task.everything.filter(plan=plan)}
        for t in self.existing.values():
            t.plan = plan  # known: saving a task (its sort key) asks nothing more
        self.sections = {s.title: s for s in plan.sections.all()}
        self._units: dict[str, object] = {}  # names resolved in this import
        self._new: set[int] = set()  # tasks created now: nothing to compare with

    def task(self, number: str, data: dict, order: int, *, with_schedule: bool) -> Task:
        domain = data.get("domain") or ""
        suggested = "" if domain else suggest_domain(data.get("section") or "", data.get("title") or "",
                                                     data["content"])
        fields = {"section": self._section(data.get("section")), "title": data.get("title") or "",
                  "content": data["content"], "domain": domain or suggested, "domain_suggested": bool(suggested),
                  "order": order, "where": data.get("where", "")[:100]}
        task = self.existing.get(number)
        if task is None:
            task = Task.objects.create(plan=self.plan, number=number, **fields)
            self._new.add(task.pk)
            if self.existing:
                self.changes.append(f"任务{number}: 新增")
        else:
            if task.retired_on is not None:
                task.retired_on = None
                self.changes.append(f"任务{number}: 新版本重新列入,恢复")
            section_title = data.get("section") or ""
            for k in [k for k in ("content", "domain", "section") if k in (task.corrected or {})]:
                said = section_title if k == "section" else fields[k]
                if k == "domain" and suggested:
                    said = ""  # the document names no domain: nothing disagrees with the office's choice
                self._keep(task, task, k, said, _FIELD_NAMES[k])
                fields.pop(k)
                if k == "domain":
                    fields.pop("domain_suggested")
            changed = [k for k, v in fields.items()
                       if k not in ("order", "where", "domain_suggested") and getattr(task, k) != v]
            for k, v in fields.items():
                setattr(task, k, v)
            task.save()
            if changed:
                self.changes.append(f"任务{number}: {'、'.join(_FIELD_NAMES[k] for k in changed)}已修改")
        self._responsibilities(task, data)
        self._indicators(task, data.get("targets") or [])
        if with_schedule:
            self._milestones(task, data.get("milestones") or [])
        return task

    def _keep(self, task: Task, obj, field: str, said, label: str) -> bool:
        """A corrected field stays as corrected. When the document now says something else than the
        version the correction was made on, and than the correction, that is listed once."""
        lock = (obj.corrected or {}).get(field)
        if lock is None:
            return False
        said = _plain(said)
        if said != lock.get("document") and said != lock.get("value"):
            self.disagreements.append((task, f"第{task.number}项 {label}:新版本文件为“{_shown(said)}”,"
                                             f"督查室更正为“{_shown(lock.get('value'))}”(保留更正,请确认)"))
            # "disputed": listed on the task page until the office keeps the correction or takes the document's
            obj.corrected = dict(obj.corrected) | {field: lock | {"document": said, "disputed": True}}
            type(obj)._base_manager.filter(pk=obj.pk).update(corrected=obj.corrected)
        return True

    def retire_tasks_except(self, keep: list[Task]) -> None:
        """Tasks the new version no longer has are retired, with their reports, cases and history."""
        ids = {t.pk for t in keep}
        for number, task in self.existing.items():
            if task.pk not in ids and task.retired_on is None:
                self.changes.append(f"任务{number}: 新版本未列入,已撤销(记录保留)")
                Task.everything.filter(pk=task.pk).update(retired_on=self.today)

    def _section(self, title: str | None) -> Section | None:
        if not title:
            return None
        if title not in self.sections:
            self.sections[title] = Section.objects.create(plan=self.plan, title=title, order=len(self.sections))
        return self.sections[title]

    def _responsibilities(self, task: Task, data: dict) -> None:
        said = {"lead": list(data.get("lead_units") or []), "co": list(data.get("co_units") or [])}
        if task.pk not in self._new and self._keep(task, task, "units", said, "责任单位"):
            return
        wanted: dict[int, tuple] = {}
        for role, names in ((Responsibility.Role.LEAD, data.get("lead_units") or []),
                            (Responsibility.Role.CO, data.get("co_units") or [])):
            for i, name in enumerate(names):
                unit = self._units.get(name) or self._units.setdefault(name, resolve_unit(name))
                wanted.setdefault(unit.pk, (unit, role, i))  # a unit that leads is not also a co-unit
        current = {} if task.pk in self._new else {r.unit_id: r for r in task.responsibilities.all()}
        if current and {k: v[1] for k, v in wanted.items()} != {k: r.role for k, r in current.items()}:
            self.changes.append(f"任务{task.number}: 责任单位已修改")
        for unit_id, r in current.items():
            if unit_id not in wanted:
                r.delete()
        for unit_id, (unit, role, i) in wanted.items():
            r = current.get(unit_id)
            if r is None:
                Responsibility.objects.create(task=task, unit=unit, role=role, order=i)
            elif (r.role, r.order) != (role, i):
                r.role, r.order = role, i
                r.save(update_fields=["role", "order"])

    def _indicators(self, task: Task, targets: list[dict]) -> None:
        current = [] if task.pk in self._new else list(task.indicators.filter(implied=False))
        used: set[int] = set()
        removed = ((task.corrected or {}).get("removed_indicators") or {}).get("value") or []
        for order, q in enumerate(targets):
            match = next((i for i in current if i.pk not in used and i.metric == q["metric"] and i.unit == q["unit"]),
                         None) or next((i for i in current if i.pk not in used
                                        and _said(i, "metric") == q["metric"] and _said(i, "unit") == q["unit"]),
                                       None) or next((i for i in current if i.pk not in used and i.unit == q["unit"]
                                                      and i.order == order), None)
            values = {"metric": q["metric"], "unit": q["unit"], "target": q["value"], "qualifier": q["qualifier"],
                      "higher_is_better": q["qualifier"] != "<=", "cumulative": is_cumulative(q["metric"], q["unit"], task.content),
                      "order": order}
            if match is None and {"metric": q["metric"], "unit": q["unit"]} in removed:
                continue  # removed by the office: no indicator, in this version either
            if match is None:
                match = Indicator.objects.create(task=task, **values)
                if current:
                    self.changes.append(f"任务{task.number}: 新增指标 {q['metric']} {q['value']:g}{q['unit']}")
            else:
                said = {"metric": q["metric"], "unit": q["unit"], "target": q["value"], "qualifier": q["qualifier"]}
                label = {"metric": "指标名称", "unit": "计量单位", "target": "目标", "qualifier": "限定"}
                for k in [k for k in said if k in (match.corrected or {})]:
                    self._keep(task, match, k, said[k], f"指标“{match.metric}”{label[k]}")
                    values.pop(k)
                if "target" in values and match.target != q["value"]:
                    self.changes.append(f"任务{task.number}: 指标 {q['metric']} 目标 "
                                        f"{match.target:g}→{q['value']:g}{q['unit']}")
                for k, v in values.items():
                    setattr(match, k, v)
                match.save()
            used.add(match.pk)
        for i in current:
            if i.pk in used:
                continue
            if i.corrected:  # the office's own or corrected indicator: kept, and said once
                if "added" not in i.corrected:
                    self.disagreements.append((task, f"第{task.number}项 指标“{i.metric}”:新版本文件已无此指标,"
                                                     f"督查室更正过,予以保留(请确认)"))
                continue
            if i.observations.exists() or i.change_requests.exists():  # reported on, or asked about: kept
                self.disagreements.append((task, (f"第{task.number}项 指标“{i.metric}”:新版本文件已无此指标,"
                                                  f"已有填报数值或调整申请,予以保留(不需跟踪时请取消“纳入评价”)")))
                continue
            self.changes.append(f"任务{task.number}: 删除指标 {i.metric}")
            i.delete()

    def _milestones(self, task: Task, steps: list[dict]) -> None:
        current = [] if task.pk in self._new else list(task.milestones.all())
        used: set[int] = set()
        kept: list[tuple[Milestone, dict]] = []
        for order, step in enumerate(steps):
            due = date.fromisoformat(step["due"]) if step.get("due") else None
            match = next((m for m in current if m.pk not in used and m.due == due), None) or next(
                (m for m in current if m.pk not in used and _said(m, "due") == _plain(due)), None)
            if match is not None and match.corrected:
                self._keep(task, match, "due", due, f"{match.due}节点日期")
                if self._keep(task, match, "text", step["text"], f"{match.due}节点内容"):
                    if match.order != order:
                        match.order = order
                        match.save(update_fields=["order"])
                    used.add(match.pk)
                    kept.append((match, step))
                    continue
            if match is None:
                match = Milestone.objects.create(task=task, due=due, text=step["text"], order=order)
            elif (match.text, match.order) != (step["text"], order):
                if match.text != step["text"]:
                    self.changes.append(f"任务{task.number}: {due}节点内容已修改")
                match.text, match.order = step["text"], order
                match.save(update_fields=["text", "order"])
            used.add(match.pk)
            kept.append((match, step))
        for m in current:
            if m.pk in used:
                continue
            if m.corrected or m.done_on:  # corrected or marked done by the office: kept
                self.disagreements.append((task, f"第{task.number}项 {m.due}节点:新版本文件已无此节点,"
                                                 f"督查室更正或确认完成过,予以保留(请确认)"))
                continue
            if m.change_requests.exists():  # a unit asked to move it: the request keeps pointing at it
                self.disagreements.append((task, (f"第{task.number}项 {m.due}节点:新版本文件已无此节点,"
                                                  f"已有延期申请,予以保留(请确认)")))
                continue
            self.changes.append(f"任务{task.number}: 删除节点 {m.due}")
            m.delete()
        if any("checkpoints" in (m.corrected or {}) for m, _ in kept):
            return  # the office set the checkpoints by hand: the document's do not replace them
        self._checkpoints(task, kept)

    def _checkpoints(self, task: Task, kept: list[tuple[Milestone, dict]]) -> None:
        """Milestone quantities become checkpoints of the matching indicator; quantities that match
        none (a schedule that counts what the task text does not) imply an indicator whose target
        is the value its last milestone asks for."""
        if not any(step.get("targets") for _, step in kept) and task.pk in self._new:
            return  # a new task whose schedule counts nothing: no checkpoints, no implied indicators
        if task.pk not in self._new:
            Checkpoint.objects.filter(milestone__task=task).delete()
        everything = list(task.indicators.all().order_by("order", "pk"))
        indicators = [i for i in everything if not i.implied]
        implied = [i for i in everything if i.implied]
        wanted_implied: set[int] = set()
        removed = ((task.corrected or {}).get("removed_indicators") or {}).get("value") or []
        for milestone, step in kept:
            taken: set[int] = set()
            for q in step.get("targets") or []:
                cands = [Candidate(i, i.metric, i.unit, i.target) for i in indicators if i.pk not in taken]
                indicator = best_indicator(q["metric"], q["unit"], cands)
                if indicator is None and any(r["unit"] == q["unit"] and (r["metric"] == q["metric"] or similarity(
                        r["metric"], q["metric"]) >= 0.6) for r in removed):
                    continue  # an implied indicator the office removed: not brought back
                if indicator is None:
                    indicator = self._implied(task, q, implied, taken)
                    wanted_implied.add(indicator.pk)
                if indicator.pk in taken:
                    continue
                taken.add(indicator.pk)
                Checkpoint.objects.create(indicator=indicator, milestone=milestone, value=q["value"],
                                          qualifier=q["qualifier"])
        for i in implied:
            if i.pk not in wanted_implied:
                i.delete()
            else:  # the target of an implied indicator is what the last milestone asks
                last = i.checkpoints.order_by("-milestone__due").first()
                if last and (i.target, i.qualifier) != (last.value, last.qualifier):
                    i.target, i.qualifier = last.value, last.qualifier
                    i.higher_is_better = last.qualifier != "<="
                    i.save(update_fields=["target", "qualifier", "higher_is_better"])

    def _implied(self, task: Task, q: dict, implied: list[Indicator], taken: set[int]) -> Indicator:
        """The implied indicator a schedule quantity belongs to: the same metric (or a similar one) and
        unit, each used once per milestone, in their stored order — so a new version of the plan finds
        the same rows again; else a new one."""
        for i in implied:
            if i.pk not in taken and i.unit == q["unit"] and (
                    i.metric == q["metric"] or similarity(i.metric, q["metric"]) >= 0.6):
                return i
        i = Indicator.objects.create(task=task, metric=q["metric"], unit=q["unit"], target=q["value"],
                                     qualifier=q["qualifier"], higher_is_better=q["qualifier"] != "<=",
                                     cumulative=is_cumulative(q["metric"], q["unit"], task.content),
                                     order=100 + len(implied), implied=True)
        implied.append(i)
        return i


_FIELD_NAMES = {"section": "所属部分", "title": "标题", "content": "内容", "domain": "领域"}


def _said(obj, field: str):
    """What the document said of a corrected field (to find the row again in a new version)."""
    return ((obj.corrected or {}).get(field) or {}).get("document", object())


def _shown(value) -> str:
    if isinstance(value, dict):  # units
        return "牵头 " + "、".join(value.get("lead") or []) + (";协办 " + "、".join(value["co"]) if value.get("co") else "")
    return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
