"""A small ledger with a row of every kind, for the transfer tests (in-process and in subprocesses).

    python -m tests.ledger.sample_ledger build            ensure_schema(), then build it
    python -m tests.ledger.sample_ledger dump PATH        ensure_schema(), then transfer.dump(PATH)
    python -m tests.ledger.sample_ledger load PATH        ensure_schema(), then transfer.load(PATH)

The database is the one DUBAN_DATABASE_URL / DUBAN_DATA_DIR name.
"""
from __future__ import annotations

import datetime as dt
import sys

# Bytes that are no UTF-8 (GBK text, a NUL, a lone continuation byte): they must come back as they went.
RAW_BYTES = "2024年市办实事".encode("gbk") + b"\x00\xff\xfe\x80\r\n"


def build_small_ledger() -> dict:
    """One of everything; returns the main objects by name."""
    from django.contrib.auth.models import Group, Permission, User

    from duban.core.models import AuditEntry
    from duban.ledger.models import (
        Checkpoint,
        Finding,
        Indicator,
        Milestone,
        Observation,
        Plan,
        ProgressReport,
        Responsibility,
        Section,
        SourceDocument,
        StatusChange,
        Task,
        Unit,
        UnitAlias,
    )

    group = Group.objects.create(name="督查室")
    group.permissions.add(Permission.objects.get(codename="change_task", content_type__app_label="ledger"))
    user = User.objects.create_user("duchashi", password="a-long-enough-password", first_name="督查",
                                    email="dcs@example.org")
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="view_plan", content_type__app_label="ledger"))

    doc = SourceDocument.objects.create(
        name="2024年市办实事.txt", sha256="ab" * 32, size=len(RAW_BYTES), format="txt", content=RAW_BYTES,
        extraction={"format": "duban.plan/1", "tasks": [{"number": "1", "targets": [{"value": 1.5}]}],
                    "nested": {"z": 1, "a": [1, 2.25, None, True, "字"]}},
        imported_by="cli")
    lead = Unit.objects.create(name="市住房城乡建设局", key="住房城乡建设", kind=Unit.Kind.DEPARTMENT)
    co = Unit.objects.create(name="市南区", key="市南", kind=Unit.Kind.DISTRICT)
    UnitAlias.objects.create(unit=lead, name="市住房和城乡建设局")
    plan = Plan.objects.create(city="青岛市", year=2024, genre=Plan.Genre.PRACTICAL, title="2024年市办实事",
                               source=doc)
    section = Section.objects.create(plan=plan, title="一、住房保障", order=1)
    task = Task.objects.create(plan=plan, section=section, number="1", order=1, title="筹集保障性租赁住房",
                               content="筹集保障性租赁住房2万套(间)以上。", domain="住房", carried_over=True,
                               where="第3行")
    Responsibility.objects.create(task=task, unit=lead, role=Responsibility.Role.LEAD, order=0)
    Responsibility.objects.create(task=task, unit=co, role=Responsibility.Role.CO, scope_note="配合", order=1)
    indicator = Indicator.objects.create(task=task, metric="保障性租赁住房", unit="套", target=20000.0,
                                         qualifier=Indicator.Qualifier.AT_LEAST, higher_is_better=True,
                                         cumulative=True, order=0)
    milestone = Milestone.objects.create(task=task, due=dt.date(2024, 6, 30), text="6月底前完成1万套",
                                         done_on=dt.date(2024, 6, 28), order=0)
    Checkpoint.objects.create(indicator=indicator, milestone=milestone, value=10000.0, qualifier=">=")
    report = ProgressReport.objects.create(task=task, as_of=dt.date(2024, 5, 31), text="已筹集8123套",
                                           source=doc, submitted_by=user,
                                           state=ProgressReport.State.RETURNED, review_note="请补充区域分布",
                                           version=2)
    Observation.objects.create(report=report, indicator=indicator, metric="保障性租赁住房", unit="套",
                               value=8123.0, qualifier="=", percent=40.615, order=0)
    Observation.objects.create(report=report, indicator=None, metric="开工", unit="个", value=0.1 + 0.2,
                               percent=None, order=1)
    Finding.objects.create(source=doc, plan=plan, task=task, code="unit_unknown", message="单位未识别:某某局",
                           where="第9行", resolved=False)
    StatusChange.objects.create(task=task, indicator=indicator, as_of=dt.date(2024, 5, 31), status="behind",
                                color="yellow", reason="进度 40.6%,应达 41.7%")
    AuditEntry.objects.create(actor=user, actor_name="督查", action="report.return", object_type="ProgressReport",
                              object_id=str(report.pk), task=task, before={"state": "submitted"},
                              after={"state": "returned", "note": "请补充区域分布"}, summary="退回进展报告")
    AuditEntry.objects.create(actor=None, actor_name="cli", action="import", object_type="SourceDocument",
                              object_id=str(doc.pk), before=None, after=None)
    return {"plan": plan, "task": task, "doc": doc, "user": user, "group": group}


def snapshot() -> list[dict]:
    """Every dumped row as Django's python serializer sees it (exact: datetimes, floats, base64 bytes)."""
    from django.core import serializers

    from duban.ledger.transfer import transfer_models

    rows = []
    for model in transfer_models():
        rows += serializers.serialize("python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True)
    return rows


def main(argv: list[str]) -> None:
    from duban.django_setup import ensure_schema

    ensure_schema()
    from duban.ledger import transfer

    command, *rest = argv
    if command == "build":
        build_small_ledger()
    elif command == "dump":
        transfer.dump(rest[0])
    elif command == "load":
        transfer.load(rest[0])
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
