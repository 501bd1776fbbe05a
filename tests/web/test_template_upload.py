"""The progress template (进展填报表) round trip through the unit workspace: 市消防救援支队 downloads its
form for the 2024 plan, fills one value with openpyxl, uploads it, and the report is submitted for
review; a form with one bad row stores nothing and names that row."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from duban.core.models import AuditEntry
from duban.ledger.models import ProgressReport
from duban.ledger.spreadsheet import TEMPLATE_HEADERS
from tests.web.supervision_fixtures import *

pytestmark = pytest.mark.django_db

STATIONS = "开工建设城镇消防站"
AED = "人员密集场所增设自动体外除颤器"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def column(name: str) -> int:
    return TEMPLATE_HEADERS.index(name) + 1


def download(client, plan):
    response = client.get(f"/unit/template.xlsx?plan={plan.pk}")
    assert response.status_code == 200, page_text(response)[:1000]
    assert response["Content-Type"] == XLSX and "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def row_of(ws, metric: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column("指标")).value == metric)


def upload(client, plan, wb, name="填报表.xlsx"):
    buffer = io.BytesIO()
    wb.save(buffer)
    return client.post("/unit/template/", {"plan": plan.pk, "file": SimpleUploadedFile(name, buffer.getvalue(), XLSX)})


def test_the_template_round_trip_submits_the_report(people, plan2024, task14):
    fire = signed_in(people["fire"])
    page = page_text(fire.get("/unit/template/"))
    assert f"/unit/template.xlsx?plan={plan2024.pk}" in page and "上传" in page
    assert "Excel 填报" in page_text(fire.get("/unit/"))

    wb = download(fire, plan2024)
    ws = wb.active
    r = row_of(ws, STATIONS)
    assert ws.cell(r, column("序号")).value in ("14", 14) and ws.cell(r, column("年度目标")).value.startswith("10")
    ws.cell(r, column("截至日期")).value = "2024-12-15"
    ws.cell(r, column("本期完成值")).value = 6
    ws.cell(r, column("进展情况")).value = "又有3处消防站开工建设"

    response = upload(fire, plan2024, wb)
    assert response.status_code == 302, page_text(response)[:2000]
    report = ProgressReport.objects.get(submitted_by=people["fire"])
    assert (report.task, report.as_of.isoformat(), report.state) == (task14, "2024-12-15", "submitted")
    assert report.text == "又有3处消防站开工建设"
    assert [(o.indicator.metric, o.value) for o in report.observations.all()] == [(STATIONS, 6)]
    assert "填报表已导入1条进展" in page_text(fire.get(response["Location"]))


def test_a_bad_row_stores_nothing_and_is_named_by_its_number(people, plan2024):
    fire = signed_in(people["fire"])
    before = ProgressReport.objects.count()  # the imported progress of the seed
    wb = download(fire, plan2024)
    ws = wb.active
    good, bad = row_of(ws, STATIONS), row_of(ws, AED)
    ws.cell(good, column("截至日期")).value = "2024-12-15"
    ws.cell(good, column("本期完成值")).value = 6
    ws.cell(bad, column("截至日期")).value = "2024-12-15"
    ws.cell(bad, column("本期完成值")).value = "很多台"

    response = upload(fire, plan2024, wb)
    assert response.status_code == 400
    page = page_text(response)
    assert f"第{bad}行" in page and "无法识别的数值" in page and f"第{good}行" not in page
    assert "未导入任何数据" in page
    assert ProgressReport.objects.count() == before and not AuditEntry.objects.filter(action="progress.submit").exists()

    not_a_sheet = fire.post("/unit/template/", {"plan": plan2024.pk,
                                                "file": SimpleUploadedFile("x.xlsx", b"not a workbook", XLSX)})
    assert not_a_sheet.status_code == 400 and "不是有效的 .xlsx" in page_text(not_a_sheet)


def test_a_unit_gets_only_its_own_template(people, plan2024):
    edu = signed_in(people["edu"])
    fire_unit = people["fire"].profile.unit
    assert edu.get(f"/unit/template.xlsx?plan={plan2024.pk}&unit={fire_unit.pk}").status_code == 403
    office = signed_in(people["office"])
    response = office.get(f"/unit/template.xlsx?plan={plan2024.pk}&unit={fire_unit.pk}")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
