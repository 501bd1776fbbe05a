"""A new version of the same document (seed 000, the 2023 plan, with task 3's school target changed
from 30 to 32 and task 16 dropped) keeps what the office corrected and what an approved change request
adjusted, lists where the document and a correction disagree for the office to decide (保留更正 /
采用文件), and retires the dropped task with its reports, comments and change requests."""
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from duban.core.models import AuditEntry
from duban.ledger import corrections as C
from duban.ledger.comments import add_comment
from duban.ledger.importer import import_bytes, import_file
from duban.ledger.models import Finding, Indicator, ProgressReport, Responsibility, Task
from duban.ledger.services import record_progress
from duban.people.services import add_user
from duban.supervision.models import ChangeRequest
from duban.supervision.services import decide_change, request_change
from tests.conftest import seed

pytestmark = pytest.mark.django_db

ON = date(2023, 7, 1)
LATER = date(2023, 8, 1)
SCHOOLS = "开工新建改扩建中小学和幼儿园"
JOBS = "城镇新增就业"


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def new_version(seeds) -> tuple[bytes, str]:
    """The same document, revised: task 3 opens 32 schools instead of 30, task 16 is gone."""
    path = seed(seeds, "000")
    text = path.read_text(encoding="utf-8")
    assert f"{SCHOOLS}30所" in text
    lines = [line for line in text.splitlines() if not line.startswith("16\t")]
    assert len(lines) == len(text.splitlines()) - 1
    return "\n".join(lines).replace(f"{SCHOOLS}30所", f"{SCHOOLS}32所").encode("utf-8"), path.name


def task(number: str) -> Task:
    return Task.everything.get(plan__year=2023, number=number)


def units_of(t: Task) -> dict:
    rs = t.responsibilities.select_related("unit").order_by("role", "order")
    return {"lead": [r.unit.name for r in rs if r.role == Responsibility.Role.LEAD],
            "co": [r.unit.name for r in rs if r.role == Responsibility.Role.CO]}


@pytest.fixture
def corrected(seeds):
    """Seed 000 imported, then corrected by the office and adjusted by an approved change."""
    import_file(seed(seeds, "000"), today=ON)
    office = add_user("ri-office", "office", password="pw-reimport-2024")[0]
    hr = add_user("ri-hr", "reporter", unit="市人力资源社会保障局", password="pw-reimport-2024")[0]
    data = add_user("ri-data", "reporter", unit="市大数据局", password="pw-reimport-2024")[0]
    t1, t3, t16 = task("1"), task("3"), task("16")
    C.correct_units(office, t3, leads=["市教育局"], cos=["市财政局", "市卫生健康委"], today=ON)
    schools = t3.indicators.get(metric=SCHOOLS)
    C.correct_indicator(office, schools, metric=SCHOOLS, target="60", unit="所", qualifier=">=", tracked=True, today=ON)
    fragment = t3.indicators.get(metric="村薄弱幼儿园改造项目总完工率")
    C.remove_indicator(office, fragment, today=ON)
    jobs = t1.indicators.get(metric=JOBS)
    change = request_change(hr, indicator=jobs, new_value="33万", reason="受外部环境影响,申请调减", today=ON)
    decide_change(office, change, approve=True, today=ON)
    scenes = t16.indicators.first()
    report = record_progress(data, t16, date(2023, 6, 30), [(f"#{scenes.pk}", "3")], "已打造3个场景", today=ON)
    comment = add_comment(office, t16, "请加快电子证照应用场景建设")
    change16 = request_change(data, indicator=scenes, new_value="25", reason="部分场景并入省级平台", today=ON)
    return {"office": office, "t1": t1, "t3": t3, "t16": t16, "schools": schools, "jobs": jobs,
            "report": report, "comment": comment, "change16": change16}


def test_a_new_version_keeps_corrections_and_adjusted_targets(corrected, seeds):
    data, name = new_version(seeds)
    summary = import_bytes(data, name, today=LATER)
    assert summary.outcome == "updated"
    t3 = task("3")
    assert units_of(t3) == {"lead": ["市教育局"], "co": ["市财政局", "市卫生健康委"]}  # the office's, kept
    schools = Indicator.objects.get(pk=corrected["schools"].pk)
    assert schools.target == 60, "the office's correction is kept, not the new document's 32"
    jobs = Indicator.objects.get(pk=corrected["jobs"].pk)
    assert jobs.target == 330000, "an approved change's adjusted target is kept"
    assert not t3.indicators.filter(metric="村薄弱幼儿园改造项目总完工率").exists(), "a removed indicator stays removed"
    # where the document and a correction disagree: listed, once
    disputes = C.disputes(t3)
    assert [(d["kind"], d["field"], d["value"], d["document"]) for d in disputes] == [("indicator", "target", 60, 32)]
    assert not C.disputes(task("1"))  # the document still says 35万: what the change was made on, no dispute
    [finding] = Finding.objects.filter(task=t3, code="correction_disagrees")
    assert "32" in finding.message and "60" in finding.message
    assert any("督查室更正为“60”" in c for c in summary.changes)


def test_a_task_missing_from_the_new_version_is_retired_with_all_it_carries(corrected, seeds):
    data, name = new_version(seeds)
    import_bytes(data, name, today=LATER)
    t16 = task("16")
    assert t16.retired_on == LATER
    assert not Task.objects.filter(pk=t16.pk).exists()  # out of every list
    assert ProgressReport.objects.filter(pk=corrected["report"].pk, task=t16).exists()
    assert t16.comments.filter(pk=corrected["comment"].pk).exists()
    assert ChangeRequest.objects.filter(pk=corrected["change16"].pk, task=t16).exists()
    assert AuditEntry.objects.filter(task=t16, action="progress.add").exists()
    # the version after that lists it again: it comes back with what it carried
    original = seed(seeds, "000")
    import_bytes(original.read_bytes() + b"\n", original.name, today=LATER)  # the bytes differ, the text not
    assert task("16").retired_on is None and task("16").reports.count() == 1


def test_the_office_keeps_its_correction_or_takes_the_document(corrected, seeds):
    data, name = new_version(seeds)
    import_bytes(data, name, today=LATER)
    office, t3 = corrected["office"], task("3")
    client = Client()
    client.force_login(office)
    html = client.get(reverse("office:task", args=[t3.pk])).content.decode()
    assert "新版本文件与更正不一致(1处)" in html and "保留更正" in html and "采用文件" in html
    schools = corrected["schools"]
    form = {"kind": "indicator", "id": schools.pk, "field": "target"}
    # take the document: the target follows it (32) and is no longer locked
    r = client.post(reverse("office:dispute", args=[t3.pk]), form | {"decision": "document"})
    assert r.status_code == 302
    schools.refresh_from_db()
    assert schools.target == 32 and "target" not in schools.corrected
    entry = AuditEntry.objects.get(task=t3, action="correction.take")
    assert entry.before == {"target": 60} and entry.after == {"target": 32}
    assert not C.disputes(t3) and Finding.objects.get(task=t3, code="correction_disagrees").resolved
    html = client.get(reverse("office:task", args=[t3.pk])).content.decode()
    assert "新版本文件与更正不一致" not in html and "采用文件" in html  # in the history
    # a second click is refused, nothing written
    r = client.post(reverse("office:dispute", args=[t3.pk]), form | {"decision": "keep"}, follow=True)
    assert "该项已处理" in r.content.decode()
    assert not AuditEntry.objects.filter(task=t3, action="correction.keep").exists()


def test_keeping_a_correction_closes_the_dispute_and_the_next_version_keeps_it(corrected, seeds):
    data, name = new_version(seeds)
    import_bytes(data, name, today=LATER)
    office, schools = corrected["office"], corrected["schools"]
    C.decide_dispute(office, schools, "target", take_document=False, today=LATER)
    schools.refresh_from_db()
    assert schools.target == 60 and schools.corrected["target"] == {"value": 60.0, "document": 32.0}
    assert AuditEntry.objects.filter(task=task("3"), action="correction.keep").exists()
    assert not C.disputes(task("3"))
    # the same revised text again (another file, same words): nothing new to decide
    import_bytes(data + b"\n", name, today=LATER)
    schools.refresh_from_db()
    assert schools.target == 60 and not C.disputes(task("3"))


def test_an_indicator_the_new_version_drops_keeps_its_reported_values(corrected, seeds):
    """Task 3's 改造农村薄弱幼儿园70所 has a reported value; a version without it keeps the indicator (and
    says so) instead of leaving the report's value pointing nowhere."""
    t3 = task("3")
    rural = t3.indicators.get(metric="改造农村薄弱幼儿园")
    edu = add_user("ri-edu", "reporter", unit="市教育局", password="pw-reimport-2024")[0]
    report = record_progress(edu, t3, date(2023, 6, 30), [(f"#{rural.pk}", "20")], "改造完成20所", today=ON)
    original = seed(seeds, "000")
    text = original.read_text(encoding="utf-8")
    assert "改造农村薄弱幼儿园70所;" in text
    import_bytes(text.replace("改造农村薄弱幼儿园70所;", "").encode("utf-8"), original.name, today=LATER)
    assert Indicator.objects.filter(pk=rural.pk).exists()
    assert report.observations.get().indicator_id == rural.pk
    [finding] = Finding.objects.filter(task=t3, code="correction_disagrees", message__contains="改造农村薄弱幼儿园")
    assert "已有填报数值" in finding.message


def test_taking_the_documents_units(corrected, seeds):
    """The new version names another co-unit for task 3 than both the old version and the office: the
    office's units stay until the office takes the document's."""
    original = seed(seeds, "000")
    lines = original.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("3\t"))
    assert "市住房城乡建设局,各区(市)政府" in lines[row]
    lines[row] = lines[row].replace("市住房城乡建设局,各区(市)政府", "市住房城乡建设局、市体育局,各区(市)政府")
    import_bytes("\n".join(lines).encode("utf-8"), original.name, today=LATER)
    t3 = task("3")
    office_units = {"lead": ["市教育局"], "co": ["市财政局", "市卫生健康委"]}
    assert units_of(t3) == office_units
    [d] = [d for d in C.disputes(t3) if d["field"] == "units"]
    assert d["value"] == office_units and "市体育局" in d["document"]["co"]
    C.decide_dispute(corrected["office"], t3, "units", take_document=True, today=LATER)
    t3 = task("3")
    assert units_of(t3)["co"] == ["市财政局", "市自然资源和规划局", "市住房城乡建设局", "市体育局", "各区(市)政府"]
    assert "units" not in t3.corrected
    entry = AuditEntry.objects.get(task=t3, action="correction.take")
    assert entry.before == {"units": office_units} and "市体育局" in entry.after["units"]["co"]
    assert t3.assessed_on == LATER
