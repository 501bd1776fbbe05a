"""Importing a document through the pages: upload → preview (nothing written) → correct each task in
its own form → confirm; the corrections become the office's, audited and kept; a correction made on
the preview of a file already imported is applied, not thrown away."""
from pathlib import Path

import pytest
from django.conf import settings

from duban.core.models import AuditEntry
from duban.ledger.models import Plan, SourceDocument, Task
from duban.people.services import add_user
from tests.conftest import seed

pytestmark = pytest.mark.django_db

PW = "duban-test-password-1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TITLE = "2023年市办实事项目责任分工与实施计划一览表"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office(client):
    client.force_login(add_user("office", "office", password=PW)[0])
    return client


def uploads() -> list[str]:
    folder = Path(settings.MEDIA_ROOT) / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def row_counts():
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_app_config("ledger").get_models()}


def upload(client, path: Path, name: str | None = None, content: bytes | None = None, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = path.read_bytes() if content is None else content
    return client.post("/imports/", {"document": SimpleUploadedFile(name or path.name, data)} | extra)


def form_of(response) -> dict:
    """The preview's form as a browser would post it back, unchanged: read from the page's HTML."""
    import re
    from html import unescape

    html = response.content.decode()
    form = html[html.index('class="import-preview"'):]
    post = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or "csrf" in name.group(1):
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                post[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        post[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        post[name] = unescape(text)
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        post[name] = unescape(chosen.group(1) if chosen else re.search(r'<option value="([^"]*)"', options).group(1))
    return post


def test_the_office_uploads_previews_corrects_and_confirms_a_plan(office, seeds):
    path = seed(seeds, "000")
    before = row_counts()
    response = upload(office, path)
    assert response.status_code == 302 and response["Location"].startswith("/imports/preview/")
    preview = office.get(response["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200 and len(preview.context["tasks"]) == 16
    assert "市人力资源社会保障局" in page and TITLE in page and 'value="城镇新增就业"' in page
    assert row_counts() == before  # a preview writes nothing
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert uploads() == sorted([token, f"{token}.json"])

    post = form_of(preview) | {"title": "2023年市办实事项目(督查室更正)", "t0-lead": "市人力资源社会保障局、市财政局"}
    done = office.post(f"/imports/preview/{token}/confirm/", post)
    assert done.status_code == 302 and done["Location"].startswith("/imports/done/")
    plan = Plan.objects.get(year=2023)
    assert plan.title == "2023年市办实事项目(督查室更正)" and plan.tasks.count() == 16
    assert [u.name for u in Task.objects.get(plan=plan, number="1").lead_units()] == ["市人力资源社会保障局", "市财政局"]
    assert SourceDocument.objects.get().name == path.name
    assert AuditEntry.objects.get(action="import").actor.username == "office"
    summary = office.get(done["Location"]).content.decode()
    assert "新建计划《2023年市办实事项目(督查室更正)》 16项任务" in summary
    assert uploads() == []  # the upload is gone once stored

    stale = office.post(f"/imports/preview/{token}/confirm/", post)
    assert stale.status_code == 404 and "已过期或已经导入" in stale.content.decode()
    again = office.get(upload(office, path)["Location"])
    assert "此文件已导入过" in again.content.decode()


def test_units_corrected_inline_replace_the_extracted_ones(office, seeds):
    response = upload(office, seed(seeds, "000"))
    preview = office.get(response["Location"])
    post = form_of(preview) | {"t2-lead": "市教育局、市财政局", "t2-co": "各区(市)政府"}
    office.post(response["Location"] + "confirm/", post)
    task = Task.objects.get(plan__year=2023, number="3")
    assert [u.name for u in task.lead_units()] == ["市教育局", "市财政局"]
    assert [u.name for u in task.co_units()] == ["各区(市)政府"]
    entry = AuditEntry.objects.get(action="task.units", task=task)  # an office correction, audited
    assert entry.before["lead"] == ["市教育局"] and entry.after["lead"] == ["市教育局", "市财政局"]


def test_each_task_has_its_own_form_with_its_findings_and_no_json(office, seeds):
    preview = office.get(upload(office, seed(seeds, "000"))["Location"])
    page = preview.content.decode()
    assert page.count('<fieldset class="preview-task') == 16
    assert "JSON" not in page and 'name="extraction"' not in page
    assert 'name="t0-content"' in page and 'name="t0-q0-metric" value="城镇新增就业"' in page
    assert 'name="t0-q0-value" value="350000"' in page and 'name="t0-m0-due" value="2023-03-31"' in page


def test_content_targets_and_milestones_corrected_in_the_preview_are_the_offices(office, seeds):
    response = upload(office, seed(seeds, "000"))
    post = form_of(office.get(response["Location"])) | {
        "t0-content": "实现城镇新增就业35万人以上(已更正)", "t0-domain": "就业创业",
        "t2-q0-value": "32", "t2-qnew-metric": "新建中小学人工智能实验室", "t2-qnew-value": "200",
        "t2-qnew-unit": "间", "t0-m0-text": "3月底前,城镇新增就业5.5万人(核对后)"}
    post.pop("t0-q1-tracked", None)  # the office takes the 公益性岗位 target out of the judgement
    assert office.post(response["Location"] + "confirm/", post).status_code == 302
    one, three = (Task.objects.get(plan__year=2023, number=n) for n in ("1", "3"))
    assert one.content == "实现城镇新增就业35万人以上(已更正)" and one.domain == "就业创业"
    assert not one.domain_suggested and "content" in one.corrected
    assert not one.indicators.get(order=1).tracked
    assert three.indicators.get(order=0).target == 32
    assert three.indicators.filter(metric="新建中小学人工智能实验室", target=200, unit="间").exists()
    assert one.milestones.get(due="2023-03-31").text == "3月底前,城镇新增就业5.5万人(核对后)"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"import", "task.correct", "indicator.correct", "indicator.add", "milestone.correct"} <= actions


def test_a_correction_on_the_preview_of_a_known_file_is_applied_not_thrown_away(office, seeds):
    path = seed(seeds, "000")
    first = upload(office, path)
    office.post(first["Location"] + "confirm/", form_of(office.get(first["Location"])))
    again = upload(office, path)
    preview = office.get(again["Location"])
    assert "此文件已导入过" in preview.content.decode()
    before = row_counts()
    post = form_of(preview) | {"t2-lead": "市教育局、市财政局"}
    done = office.post(again["Location"] + "confirm/", post)
    assert done.status_code == 302
    task = Task.objects.get(plan__year=2023, number="3")
    assert [u.name for u in task.lead_units()] == ["市教育局", "市财政局"]
    assert row_counts()["ledger.SourceDocument"] == before["ledger.SourceDocument"]  # not stored twice
    assert "预览中的更正已记入台账(1项任务)" in office.get(done["Location"]).content.decode()


def test_a_bad_correction_names_the_task_and_nothing_is_written(office, seeds):
    response = upload(office, seed(seeds, "000"))
    before = row_counts()
    post = form_of(office.get(response["Location"])) | {"t0-content": "实现城镇新增就业36万人以上", "t2-q0-value": "-5"}
    refused = office.post(response["Location"] + "confirm/", post)
    assert refused.status_code == 400 and "第3项:目标值不能为负" in refused.content.decode()
    assert row_counts() == before and len(uploads()) == 2  # all or nothing: not even the import
    assert 'value="-5"' in refused.content.decode()  # the office's input is kept for its next try


@pytest.mark.parametrize("change, message", [
    ({"year": "二〇二三"}, "年度须为四位数字"),
    ({"year": "1800"}, "未能确定年度"),
])
def test_a_broken_correction_is_shown_and_nothing_is_written(office, seeds, change, message):
    response = upload(office, seed(seeds, "000"))
    before = row_counts()
    post = form_of(office.get(response["Location"])) | change
    refused = office.post(response["Location"] + "confirm/", post)
    assert refused.status_code == 400 and message in refused.content.decode()
    assert row_counts() == before and len(uploads()) == 2  # the upload waits for a better correction


@pytest.mark.parametrize("name, content, message", [
    ("计划.docx", PNG, "扩展名为 .docx,但内容是 PNG 图片"),
    ("计划.docx", b"PK\x03\x04" + b"word/document.xml" + b"\x00" * 40, "不是有效的 Word 文档"),
    ("计划.txt", b"", "文件为空"),
])
def test_a_broken_file_shows_the_readers_chinese_error_and_writes_nothing(office, seeds, name, content, message):
    before = row_counts()
    response = upload(office, seed(seeds, "000"), name=name, content=content)
    page = response.content.decode()
    assert response.status_code == 400 and message in page and "Traceback" not in page
    assert row_counts() == before and uploads() == []


def test_stale_or_forged_tokens_are_refused_clearly(office):
    for token in ("0" * 64, "Z" * 64, "abc", ".."):
        response = office.get(f"/imports/preview/{token}/")
        assert response.status_code == 404 and "已过期或已经导入,请重新上传" in response.content.decode()
    assert office.get("/imports/preview/../../etc/passwd/").status_code == 404
    assert office.post(f"/imports/preview/{'0' * 64}/confirm/", {}).status_code == 404


@pytest.mark.parametrize("role, unit", [("reviewer", None), ("leader", None), ("reporter", "市教育局")])
def test_only_the_office_imports(client, seeds, role, unit):
    from duban.ledger.importer import import_file

    if unit:
        import_file(seed(seeds, "000"))
    client.force_login(add_user("someone", role, unit=unit, password=PW)[0])
    assert client.get("/imports/").status_code == 403
    before = row_counts()
    assert upload(client, seed(seeds, "001")).status_code == 403
    assert row_counts() == before and uploads() == []
