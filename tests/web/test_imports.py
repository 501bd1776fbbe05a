"""Importing a document through the pages: upload → preview (nothing written) → correct → confirm."""
import json
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
    """The preview's form as a browser would post it back, unchanged."""
    ctx = response.context
    post = {"title": ctx["title"], "year": str(ctx["year"]), "task_count": str(len(ctx["tasks"])),
            "extraction": ctx["json_text"]}
    for row in ctx["tasks"]:
        post |= {f"t{row['i']}-number": row["t"]["number"], f"t{row['i']}-lead": row["lead"],
                 f"t{row['i']}-co": row["co"]}
    return post


def test_the_office_uploads_previews_corrects_and_confirms_a_plan(office, seeds):
    path = seed(seeds, "000")
    before = row_counts()
    response = upload(office, path)
    assert response.status_code == 302 and response["Location"].startswith("/imports/preview/")
    preview = office.get(response["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200 and len(preview.context["tasks"]) == 16
    assert "市人力资源社会保障局" in page and TITLE in page and "城镇新增就业 ≥35万人" in page
    assert row_counts() == before  # a preview writes nothing
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert uploads() == sorted([token, f"{token}.json"])

    post = form_of(preview) | {"title": "2023年市办实事项目(督查室更正)", "t0-lead": "市人力资源和社会保障局"}
    done = office.post(f"/imports/preview/{token}/confirm/", post)
    assert done.status_code == 302 and done["Location"].startswith("/imports/done/")
    plan = Plan.objects.get(year=2023)
    assert plan.title == "2023年市办实事项目(督查室更正)" and plan.tasks.count() == 16
    assert [u.name for u in Task.objects.get(plan=plan, number="1").lead_units()] == ["市人力资源和社会保障局"]
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


def test_a_correction_in_the_json_is_stored_too(office, seeds):
    response = upload(office, seed(seeds, "000"))
    post = form_of(office.get(response["Location"]))
    extraction = json.loads(post["extraction"])
    extraction["tasks"][0]["content"] = "实现城镇新增就业35万人以上(已更正)"
    office.post(response["Location"] + "confirm/", post | {"extraction": json.dumps(extraction, ensure_ascii=False)})
    assert Task.objects.get(plan__year=2023, number="1").content == "实现城镇新增就业35万人以上(已更正)"


@pytest.mark.parametrize("change, message", [
    ({"extraction": "{\"schema\": "}, "JSON 格式错误"),
    ({"year": "二〇二三"}, "年度须为四位数字"),
    ({"extraction": json.dumps({"schema": "duban.plan/1", "source": "x", "title": "t", "year": 2023,
                                "kind": "plan", "tasks": []})}, "没有识别出任何任务"),
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
