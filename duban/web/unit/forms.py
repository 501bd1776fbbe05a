"""The progress form: an as-of date, a value per indicator of the task, the milestones done (with a date
and evidence), free text, evidence files.

Each value is checked on its own with the workflow's validator, so an error stands beside its field;
what only the whole report can tell (neither values nor text) stands above the form."""
from __future__ import annotations

from datetime import date

from django import forms

from duban.assess_format import fmt_number
from duban.errors import DubanError
from duban.ledger.milestones import MAX_EVIDENCE as MAX_MILESTONE_EVIDENCE
from duban.ledger.milestones import DoneClaim, claims_of
from duban.ledger.models import Indicator, Observation, ProgressReport, Task
from duban.ledger.services import indicator_ref
from duban.ledger.uploads import EXTENSIONS as EVIDENCE_EXTENSIONS
from duban.ledger.uploads import MAX_FILES as MAX_EVIDENCE_FILES
from duban.ledger.workflow import evidence_problems, validate_progress

QUALIFIER_SIGNS = {">=": "≥", "<=": "≤", "~": "约", "=": ""}
ACCEPT = ",".join(f".{e}" for e in EVIDENCE_EXTENSIONS)


def target_text(indicator: Indicator) -> str:
    """≥30所, ≤2%, 约300台."""
    return QUALIFIER_SIGNS.get(indicator.qualifier, "") + fmt_number(indicator.target, indicator.unit)


def last_approved(task: Task) -> dict[int, Observation]:
    """The latest approved value of each indicator of `task`."""
    out: dict[int, Observation] = {}
    for o in (Observation.objects.filter(indicator__task=task, report__state=ProgressReport.State.APPROVED)
              .select_related("report").order_by("report__as_of", "report__created_at", "pk")):
        out[o.indicator_id] = o
    return out


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


class ProgressForm(forms.Form):
    as_of = forms.DateField(label="截至日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"required": "请填写截至日期", "invalid": "日期格式应为 2023-06-30"})
    text = forms.CharField(label="进展情况", required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6, "placeholder": "本期工作推进情况、存在问题及下步打算"}),
                           error_messages={"max_length": "进展情况不超过 %(limit_value)d 字"})
    files = MultipleFileField(label="佐证材料", required=False,
                              widget=MultipleFileInput(attrs={"accept": ACCEPT}),
                              help_text=f"可多选,最多{MAX_EVIDENCE_FILES}个,每个不超过20 MB;"
                                        f"类型:{'、'.join(EVIDENCE_EXTENSIONS)}")

    def __init__(self, task: Task, *, today: date, report: ProgressReport | None = None, **kwargs):
        self.task, self.today, self.report = task, today, report
        year = task.plan.year
        initial = kwargs.pop("initial", {}) or {}
        if report is not None:
            initial.setdefault("as_of", report.as_of)
            initial.setdefault("text", report.text)
        else:
            initial.setdefault("as_of", min(max(today, date(year, 1, 1)), date(year, 12, 31)))
        super().__init__(initial=initial, **kwargs)
        self.indicators = list(task.indicators.order_by("order", "pk"))
        latest = last_approved(task)
        current = {o.indicator_id: o for o in report.observations.all()} if report is not None else {}
        self.indicator_fields = []
        for ind in self.indicators:
            name = f"ind_{ind.pk}"
            last = latest.get(ind.pk)
            help_text = f"目标 {target_text(ind)}" + (
                f";最近审核值 {fmt_number(last.value, ind.unit)}(截至{last.report.as_of:%Y-%m-%d})" if last else
                ";尚无审核通过的数值")
            self.fields[name] = forms.CharField(
                label=f"{ind.metric}({ind.unit or '无单位'})", required=False, max_length=40, help_text=help_text,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": f"如 {fmt_number(ind.target)}"}))
            if ind.pk in current:
                self.initial[name] = fmt_number(current[ind.pk].value)
            self.indicator_fields.append(name)
        self._add_milestone_fields(task, report)

    def _add_milestone_fields(self, task: Task, report: ProgressReport | None) -> None:
        """A checkbox per milestone not done yet (已完成), with its completion date and evidence."""
        claimed = {c.milestone: c for c in claims_of(report)} if report is not None else {}
        self.milestones = [m for m in task.milestones.filter(due__isnull=False).order_by("due", "order")
                           if m.done_on is None or m.pk in claimed]
        self.milestone_fields = []
        for m in self.milestones:
            box, on, ev = f"ms_{m.pk}", f"ms_{m.pk}_on", f"ms_{m.pk}_evidence"
            self.fields[box] = forms.BooleanField(label=f"{m.due:%Y-%m-%d} {m.text[:80]}", required=False)
            self.fields[on] = forms.DateField(
                label="完成日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                help_text="不填为截至日期", error_messages={"invalid": "日期格式应为 2023-06-30"})
            self.fields[ev] = forms.CharField(label="完成依据", required=False, max_length=MAX_MILESTONE_EVIDENCE,
                                              widget=forms.TextInput(attrs={"placeholder": "如 竣工验收报告、开工令"}))
            if m.pk in claimed:
                c = claimed[m.pk]
                self.initial.update({box: True, on: c.done_on, ev: c.evidence})
            self.milestone_fields.append((m, box, on, ev))

    def milestone_rows(self):
        return [{"milestone": m, "done": self[box], "on": self[on], "evidence": self[ev]}
                for m, box, on, ev in self.milestone_fields]

    def milestones_done(self) -> list[DoneClaim]:
        return [DoneClaim(m.pk, self.cleaned_data.get(on), (self.cleaned_data.get(ev) or "").strip())
                for m, box, on, ev in self.milestone_fields if self.cleaned_data.get(box)]

    def indicator_boundfields(self):
        return [self[name] for name in self.indicator_fields]

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        year = self.task.plan.year
        if not date(year, 1, 1) <= as_of <= date(year, 12, 31):
            raise forms.ValidationError(f"截至日期须在计划年度 {year} 年内")
        if as_of > self.today:
            raise forms.ValidationError(f"截至日期不能晚于今天({self.today:%Y-%m-%d})")
        return as_of

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        problems = evidence_problems(files, already=self.report.evidence.count() if self.report else 0)
        if problems:
            raise forms.ValidationError(problems)
        return files

    def clean(self):
        cleaned = super().clean()
        year = self.task.plan.year
        for ind, name in zip(self.indicators, self.indicator_fields):
            raw = (cleaned.get(name) or "").strip()
            cleaned[name] = raw
            if raw:
                try:  # the one validator, one value at a time, so the message stands beside its field
                    validate_progress(self.task, date(year, 1, 1), [(indicator_ref(ind), raw)], "-")
                except DubanError as e:
                    self.add_error(name, e.message)
        as_of = cleaned.get("as_of")
        for _, box, on, _ in self.milestone_fields:
            when = cleaned.get(on)
            if cleaned.get(box) and when and as_of and when > as_of:
                self.add_error(on, f"完成日期不能晚于截至日期({as_of:%Y-%m-%d})")
            elif cleaned.get(box) and when and when.year < year:
                self.add_error(on, f"完成日期早于计划年度 {year} 年")
        if (not self.errors and not self.values() and not (cleaned.get("text") or "").strip()
                and not self.milestones_done()):
            raise forms.ValidationError("请至少填写一项指标数值或进展情况(或勾选已完成的时间节点)")
        return cleaned

    def values(self) -> list[tuple[str, str]]:
        return [(indicator_ref(ind), self.cleaned_data[name]) for ind, name in zip(self.indicators, self.indicator_fields)
                if self.cleaned_data.get(name)]
