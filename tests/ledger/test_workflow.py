"""The reporting workflow on the 2023 plan (seed 000): 市教育局 reports on its task 3 (开工新建改扩建
中小学和幼儿园30所) with evidence, the office approves or returns it, the unit revises; imports are
previewed without a write and confirmed after correction."""
import hashlib
import threading
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection

from duban.core.models import AuditEntry
from duban.errors import DubanError, UnreadableDocument
from duban.ledger import workflow
from duban.ledger.importer import import_file
from duban.ledger.models import Evidence, Observation, Plan, ProgressReport, SourceDocument, StatusChange, Task
from duban.ledger.workflow import (
    Conflict,
    confirm_import,
    preview_import,
    review_progress,
    revise_progress,
    submit_progress,
)
from duban.people.roles import Forbidden
from duban.people.services import add_user
from tests.conftest import seed

pytestmark = pytest.mark.django_db

PW = "duban-test-password-1"
SCHOOLS = "开工新建改扩建中小学和幼儿园"
JUNE = date(2023, 6, 30)
TODAY = date(2023, 7, 5)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A media folder of the test's own (evidence files written are this test's); quick password hashes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


@pytest.fixture
def plan(seeds):
    import_file(seed(seeds, "000"), today=TODAY)
    return Plan.objects.get(year=2023)


@pytest.fixture
def task3(plan):
    return Task.objects.get(plan=plan, number="3")


@pytest.fixture
def people(plan):
    return {
        "office": add_user("office", "office", password=PW)[0],
        "reviewer": add_user("reviewer", "reviewer", password=PW)[0],
        "leader": add_user("leader", "leader", password=PW)[0],
        "edu": add_user("edu", "reporter", unit="市教育局", password=PW)[0],
        "edu2": add_user("edu2", "reporter", unit="市教育局", password=PW)[0],
        "finance": add_user("finance", "reporter", unit="市财政局", password=PW)[0],  # co-operates on task 3
        "hr": add_user("hr", "reporter", unit="市人力资源社会保障局", password=PW)[0],  # not on task 3
    }


def photo(name="开工现场.jpg", content=b"\xff\xd8\xff fake jpeg bytes"):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def written():
    return (ProgressReport.objects.count(), Observation.objects.count(), Evidence.objects.count(),
            AuditEntry.objects.exclude(action__in=("import", "users.add")).count())


def evidence_files():
    root = Path(settings.MEDIA_ROOT) / "evidence"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def submitted(people, task3, value="12", files=()):
    return submit_progress(people["edu"], task3, JUNE, [(SCHOOLS, value)], "已开工12所", files, today=TODAY)


# ---------------------------------------------------------------- submit


def test_a_reporters_progress_is_submitted_with_its_evidence_and_an_audit_entry(people, task3):
    content = b"\xff\xd8\xff fake jpeg bytes"
    history = StatusChange.objects.filter(task=task3).count()  # the import assessed it as of TODAY
    report = submitted(people, task3, files=[photo(content=content)])
    assert (report.state, report.version, report.submitted_by) == ("submitted", 1, people["edu"])
    [obs] = report.observations.all()
    assert (obs.indicator.metric, obs.value, obs.unit, obs.percent) == (SCHOOLS, 12, "所", 40.0)
    [ev] = report.evidence.all()
    assert (ev.name, ev.size, ev.sha256) == ("开工现场.jpg", len(content), hashlib.sha256(content).hexdigest())
    with ev.file.open("rb") as f:
        assert f.read() == content
    entry = AuditEntry.objects.get(action="progress.submit")
    assert (entry.task, entry.actor, entry.object_id) == (task3, people["edu"], str(report.pk))
    assert entry.after["values"] == {SCHOOLS: 12} and entry.after["evidence"][0]["name"] == "开工现场.jpg"
    assert StatusChange.objects.filter(task=task3).count() == history  # a submitted report does not count


def test_the_offices_own_report_is_approved_at_once_and_the_task_reassessed(people, task3):
    report = submit_progress(people["office"], task3, JUNE, [(SCHOOLS, "12所")], "", today=TODAY)
    assert report.state == "approved"
    task3.refresh_from_db()
    assert task3.assessed_on == TODAY and task3.status


@pytest.mark.parametrize("as_of, values, text, message", [
    (date(2024, 1, 5), [(SCHOOLS, "12")], "", "不在计划年度"),
    (JUNE, [("不存在的指标", "12")], "", "没有指标"),
    (JUNE, [(SCHOOLS, "-5")], "", "不能为负"),
    (JUNE, [(SCHOOLS, "9999")], "", "请核对"),
    (JUNE, [(SCHOOLS, "12人")], "", "计量单位"),
    (JUNE, [(SCHOOLS, "十二")], "", "无法识别"),
    (JUNE, [(SCHOOLS, "12"), (SCHOOLS, "13")], "", "两次"),
    (JUNE, [], "  ", "既没有数值也没有文字"),
])
def test_submitting_validates_as_record_progress_does_and_writes_nothing(people, task3, as_of, values, text,
                                                                         message):
    from duban.ledger.services import record_progress

    before = written()
    with pytest.raises(DubanError, match=message) as via_workflow:
        submit_progress(people["edu"], task3, as_of, values, text, [photo()], today=TODAY)
    with pytest.raises(DubanError) as via_services:
        record_progress(None, task3, as_of, values, text)
    assert via_workflow.value.message == via_services.value.message and via_workflow.value.code == "invalid"
    assert written() == before and evidence_files() == []


@pytest.mark.parametrize("who", ["hr", "leader"])
def test_only_the_tasks_units_and_the_office_may_report(people, task3, who):
    before = written()
    with pytest.raises(Forbidden):
        submitted(people | {"edu": people[who]}, task3)
    assert written() == before


@pytest.mark.parametrize("files, message", [
    (lambda: [SimpleUploadedFile("run.exe", b"MZ")], "类型不允许"),
    (lambda: [SimpleUploadedFile("big.pdf", b"0" * (20 * 2**20 + 1))], "过大"),
    (lambda: [photo(f"{i}.jpg") for i in range(11)], "最多10个"),
    (lambda: [SimpleUploadedFile("empty.txt", b"")], "空文件"),
])
def test_evidence_rules_refuse_the_report(people, task3, files, message):
    before = written()
    with pytest.raises(DubanError, match=message):
        submitted(people, task3, files=files())
    assert written() == before and evidence_files() == []


def test_evidence_may_be_twenty_megabytes_and_ten_files(people, task3):
    files = [photo(f"{i}.png", PNG) for i in range(9)] + [SimpleUploadedFile("验收.PDF", b"%" * (20 * 2**20))]
    report = submitted(people, task3, files=files)
    assert report.evidence.count() == 10 and len(evidence_files()) == 10


def test_a_failed_write_leaves_no_evidence_file_behind(people, task3, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(workflow, "record", broken)
    with pytest.raises(RuntimeError):
        submitted(people, task3, files=[photo()])
    assert ProgressReport.objects.count() == 0 and evidence_files() == []


# ---------------------------------------------------------------- review


def test_approving_counts_the_report_and_reassesses_the_task(people, task3):
    report = submitted(people, task3)
    approved = review_progress(people["reviewer"], report, approve=True, expected_version=1, today=TODAY)
    assert (approved.state, approved.version) == ("approved", 2)
    task3.refresh_from_db()
    assert task3.assessed_on == TODAY and task3.status
    entry = AuditEntry.objects.get(action="progress.approve")
    assert entry.task == task3 and entry.before["state"] == "submitted" and entry.after == {
        "state": "approved", "version": 2, "review_note": ""}


def test_a_second_approval_with_the_old_version_is_a_conflict(people, task3):
    report = submitted(people, task3)
    review_progress(people["office"], report, approve=True, expected_version=1, today=TODAY)
    with pytest.raises(Conflict) as e:
        review_progress(people["reviewer"], ProgressReport.objects.get(pk=report.pk), approve=True,
                        expected_version=1, today=TODAY)
    assert (e.value.code, e.value.message) == ("conflict", "该进展已被他人修改,请刷新后重试")
    assert AuditEntry.objects.filter(action="progress.approve").count() == 1


def test_returning_needs_a_reason_and_keeps_it(people, task3):
    history = StatusChange.objects.filter(task=task3).count()
    report = submitted(people, task3)
    with pytest.raises(DubanError, match="退回理由"):
        review_progress(people["office"], report, approve=False, reason="  ", expected_version=1, today=TODAY)
    returned = review_progress(people["office"], report, approve=False, reason="请附开工许可证",
                               expected_version=1, today=TODAY)
    assert (returned.state, returned.review_note, returned.version) == ("returned", "请附开工许可证", 2)
    assert StatusChange.objects.filter(task=task3).count() == history
    assert AuditEntry.objects.get(action="progress.return").after["review_note"] == "请附开工许可证"


def test_only_submitted_reports_are_reviewed_and_only_by_the_office_or_a_reviewer(people, task3):
    report = submitted(people, task3)
    for who in ("edu", "leader", "hr"):
        with pytest.raises(Forbidden):
            review_progress(people[who], report, approve=True, expected_version=1, today=TODAY)
    office_report = submit_progress(people["office"], task3, JUNE, [(SCHOOLS, "12")], "", today=TODAY)
    with pytest.raises(DubanError, match="只有待审核的进展可以审核"):
        review_progress(people["office"], office_report, approve=True, expected_version=1, today=TODAY)


# ---------------------------------------------------------------- revise


def test_the_unit_revises_a_returned_report_and_submits_it_again(people, task3):
    report = submitted(people, task3, files=[photo()])
    review_progress(people["office"], report, approve=False, reason="数值有误", expected_version=1, today=TODAY)
    revised = revise_progress(people["edu2"], report, values=[(SCHOOLS, "15"), ("推动续建完工", "20")],
                              text="已开工15所", expected_version=2, files=[photo("许可证.pdf", b"%PDF-1.4")],
                              today=TODAY)
    assert (revised.state, revised.version, revised.review_note, revised.text) == ("submitted", 3, "", "已开工15所")
    assert sorted((o.metric, o.value) for o in revised.observations.all()) == [(SCHOOLS, 15), ("推动续建完工", 20)]
    assert revised.evidence.count() == 2
    entry = AuditEntry.objects.get(action="progress.revise")
    assert entry.before["values"] == {SCHOOLS: 12} and entry.before["review_note"] == "数值有误"
    assert entry.after["values"] == {SCHOOLS: 15, "推动续建完工": 20} and entry.task == task3
    review_progress(people["office"], revised, approve=True, expected_version=3, today=TODAY)


def test_a_revision_keeps_the_rules(people, task3):
    report = submitted(people, task3)
    with pytest.raises(DubanError, match="不能为负"):
        revise_progress(people["edu"], report, values=[(SCHOOLS, "-1")], text="", expected_version=1)
    with pytest.raises(Conflict):
        revise_progress(people["edu"], report, values=[(SCHOOLS, "13")], text="", expected_version=7)
    for who in ("hr", "finance", "leader"):  # finance co-operates on task 3, but did not make this report
        with pytest.raises(Forbidden):
            revise_progress(people[who], report, values=[(SCHOOLS, "13")], text="", expected_version=1)
    review_progress(people["office"], report, approve=True, expected_version=1, today=TODAY)
    with pytest.raises(DubanError, match="不能再修改"):
        revise_progress(people["edu"], report, values=[(SCHOOLS, "13")], text="", expected_version=2)
    report.refresh_from_db()
    assert (report.state, report.version, [o.value for o in report.observations.all()]) == ("approved", 2, [12])


# ---------------------------------------------------------------- import


def row_counts():
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_app_config("ledger").get_models()}


def test_a_preview_writes_nothing_and_a_confirmation_stores_the_correction(seeds):
    office = add_user("office", "office", password=PW)[0]
    path = seed(seeds, "000")
    data = path.read_bytes()
    before = row_counts()
    extraction = preview_import(office, data, path.name)
    assert row_counts() == before
    assert extraction["schema"] == "duban.plan/1" and len(extraction["tasks"]) == 16
    assert extraction["tasks"][0]["lead_units"] == ["市人力资源社会保障局"]
    extraction["title"] = "2023年市办实事项目(更正)"
    summary = confirm_import(office, extraction, data, "txt")
    assert summary.outcome == "created" and summary.tasks == 16
    plan = Plan.objects.get(year=2023)
    assert plan.title == "2023年市办实事项目(更正)" and plan.genre == "practical"
    assert SourceDocument.objects.get().extraction["title"] == "2023年市办实事项目(更正)"
    assert AuditEntry.objects.get(action="import").actor == office
    assert confirm_import(office, extraction, data, "txt").outcome == "unchanged"


def test_an_import_needs_the_office_a_readable_file_and_a_valid_extraction(seeds):
    office = add_user("office", "office", password=PW)[0]
    reviewer = add_user("reviewer", "reviewer", password=PW)[0]
    path = seed(seeds, "000")
    data = path.read_bytes()
    with pytest.raises(Forbidden):
        preview_import(reviewer, data, path.name)
    with pytest.raises(UnreadableDocument, match="PNG"):
        preview_import(office, PNG, "plan.docx")
    extraction = preview_import(office, data, path.name)
    with pytest.raises(Forbidden):
        confirm_import(reviewer, extraction, data, "txt")
    before = row_counts()
    for broken in ({**extraction, "schema": "x"}, {**extraction, "year": None}, {**extraction, "tasks": []},
                   {**extraction, "tasks": [{**extraction["tasks"][0], "lead_units": "市教育局"}]}):
        with pytest.raises(DubanError, match="导入内容有误"):
            confirm_import(office, broken, data, "txt")
    assert row_counts() == before


# ---------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True)
def test_of_twenty_concurrent_approvals_exactly_one_wins(seeds):
    import_file(seed(seeds, "000"), today=TODAY)
    task = Task.objects.get(plan__year=2023, number="3")
    office = add_user("office", "office", password=PW)[0]
    edu = add_user("edu", "reporter", unit="市教育局", password=PW)[0]
    report = submit_progress(edu, task, JUNE, [(SCHOOLS, "12")], "", today=TODAY)
    barrier = threading.Barrier(20)
    outcomes = []

    def approve():
        try:
            barrier.wait(timeout=30)
            review_progress(office, ProgressReport.objects.get(pk=report.pk), approve=True, expected_version=1,
                            today=TODAY)
            outcomes.append("approved")
        except Conflict:
            outcomes.append("conflict")
        except OperationalError:  # SQLite: "database is locked" is a clean refusal too
            outcomes.append("locked")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == 20
    if connection.vendor == "postgresql":
        assert sorted(outcomes) == ["approved"] + ["conflict"] * 19
    assert outcomes.count("approved") == 1, outcomes
    report.refresh_from_db()
    assert (report.state, report.version) == ("approved", 2)
    assert AuditEntry.objects.filter(action="progress.approve").count() == 1
