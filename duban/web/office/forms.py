"""The office's correction forms on the task page (Chinese labels; the services validate again)."""
from __future__ import annotations

import re

from django import forms

from duban.ledger.models import Indicator, Milestone, Task

_NAME_SEPARATORS = re.compile(r"[、,,;;\n]+")


def plain_number(value: float) -> str:
    """A target as a person types it: 350000, 0.5 (never 3.5e+05)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def split_names(text: str) -> list[str]:
    return [n.strip() for n in _NAME_SEPARATORS.split(text or "") if n.strip()]


class TaskForm(forms.Form):
    content = forms.CharField(label="任务内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    section = forms.CharField(label="所属部分", max_length=300, required=False,
                              widget=forms.TextInput(attrs={"list": "section-names"}))
    domain = forms.CharField(label="领域", max_length=100, required=False,
                             widget=forms.TextInput(attrs={"list": "domain-names"}))

    @classmethod
    def of(cls, task: Task, data=None) -> TaskForm:
        return cls(data, prefix="task", initial={"content": task.content, "domain": task.domain,
                                                 "section": task.section.title if task.section else ""})


class UnitsForm(forms.Form):
    """Units by name, separated by 、 (the picker writes them so; without script they are typed)."""
    leads = forms.CharField(label="牵头单位", max_length=2000,
                            help_text="多个单位用“、”分隔", widget=forms.TextInput(attrs={"data-unit-picker": "1"}))
    cos = forms.CharField(label="协办单位", max_length=4000, required=False,
                          help_text="多个单位用“、”分隔", widget=forms.TextInput(attrs={"data-unit-picker": "1"}))

    @classmethod
    def of(cls, leads: list[str], cos: list[str], data=None) -> UnitsForm:
        return cls(data, prefix="units", initial={"leads": "、".join(leads), "cos": "、".join(cos)})


class IndicatorForm(forms.Form):
    metric = forms.CharField(label="指标名称", max_length=200)
    target = forms.CharField(label="目标值", max_length=40, help_text="如 35万、75、0.5")
    unit = forms.CharField(label="计量单位", max_length=20, required=False)
    qualifier = forms.ChoiceField(label="限定", choices=Indicator.Qualifier.choices)
    tracked = forms.BooleanField(label="纳入评价", required=False,
                                 help_text="不勾选:文件中的数字不是要跟踪的指标(如补助标准),不参与评价")

    @classmethod
    def of(cls, indicator: Indicator | None, data=None) -> IndicatorForm:
        if indicator is None:
            return cls(data, prefix="new", initial={"qualifier": ">=", "tracked": True})
        return cls(data, prefix=f"ind{indicator.pk}", initial={
            "metric": indicator.metric, "target": plain_number(indicator.target), "unit": indicator.unit,
            "qualifier": indicator.qualifier, "tracked": indicator.tracked})


class MilestoneForm(forms.Form):
    due = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    text = forms.CharField(label="节点内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, indicators=(), checkpoints: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.checkpoint_fields = []
        for ind in indicators:
            name = f"cp_{ind.pk}"
            self.fields[name] = forms.CharField(
                label=f"节点目标:{ind.metric}" + (f"({ind.unit})" if ind.unit else ""), max_length=40,
                required=False, help_text="留空:该节点不设此指标的目标")
            value = (checkpoints or {}).get(ind.pk)
            self.initial.setdefault(name, "" if value is None else plain_number(value))
            self.checkpoint_fields.append(name)

    @classmethod
    def of(cls, milestone: Milestone, indicators, data=None, checkpoints: dict | None = None) -> MilestoneForm:
        """`checkpoints` {indicator id: value} when the caller has them; else read from the milestone."""
        cps = checkpoints if checkpoints is not None else {c.indicator_id: c.value for c in milestone.checkpoints.all()}
        return cls(data, prefix=f"ms{milestone.pk}", indicators=indicators, checkpoints=cps,
                   initial={"due": milestone.due, "text": milestone.text})

    def checkpoints(self) -> dict[str, str]:
        return {name[3:]: self.cleaned_data.get(name) or "" for name in self.checkpoint_fields}
