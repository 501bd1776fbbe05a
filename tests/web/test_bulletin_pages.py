"""通报 through the pages: the office makes the 2024 bulletin as of 30 November, sees it rendered,
approves and issues it (印发: numbered in the yearly series then); the public portal lists only issued
bulletins — never a draft, never an approved one not yet issued — each on a page of the portal with
the downloads a citizen opens; a draft can be discarded."""
import io
import zipfile

import pytest
from django.test import Client
from openpyxl import load_workbook

from duban.bulletins.models import Bulletin
from tests.web.supervision_fixtures import *

pytestmark = pytest.mark.django_db


def make(office, plan, as_of="2024-11-30") -> Bulletin:
    response = office.post("/bulletins/new/", {"plan": plan.pk, "as_of": as_of, "issued_on": ""})
    assert response.status_code == 302, page_text(response)[:2000]
    b = Bulletin.objects.order_by("-pk").first()
    assert response["Location"] == f"/bulletins/{b.pk}/"
    return b


def test_a_bulletin_is_made_approved_and_published_and_only_then_public(people, plan2024):
    office, public = signed_in(people["office"]), Client()
    assert "编制通报" in page_text(office.get("/bulletins/new/"))
    b = make(office, plan2024)
    assert (b.state, b.number, b.as_of.isoformat()) == ("draft", None, "2024-11-30")

    page = page_text(office.get(f"/bulletins/{b.pk}/"))
    assert "草稿" in page and "审定" in page and f"/bulletins/{b.pk}/view/" in page
    shown = office.get(f"/bulletins/{b.pk}/view/")
    assert shown.status_code == 200 and shown["Content-Type"].startswith("text/html")
    assert shown["X-Frame-Options"] == "SAMEORIGIN"  # shown in the detail page's frame
    assert "督查通报" in shown.content.decode() and "消防站" in shown.content.decode()
    assert b.title in page_text(office.get(f"/bulletins/?plan={plan2024.pk}"))

    # a draft is not public, not even by its address
    assert b.title not in page_text(public.get("/bulletins/public/"))
    assert public.get(f"/bulletins/{b.pk}/view/").status_code == 404
    assert public.get(f"/bulletins/{b.pk}/download/docx/").status_code == 404

    assert office.post(f"/bulletins/{b.pk}/publish/").status_code == 409  # not approved yet
    assert office.post(f"/bulletins/{b.pk}/approve/").status_code == 302
    b.refresh_from_db()
    assert b.state == "approved"
    assert b.title not in page_text(public.get("/bulletins/public/"))  # approved, not yet published
    assert "印发并在公众门户发布" in page_text(office.get(f"/bulletins/{b.pk}/"))

    assert office.post(f"/bulletins/{b.pk}/publish/", {"issued_on": "2024-12-05"}).status_code == 302
    b.refresh_from_db()
    assert b.state == "published" and b.published_at is not None
    assert (b.series_label, b.issued_on.isoformat()) == ("2024年第1期", "2024-12-05")
    listed = page_text(public.get("/bulletins/public/"))
    assert b.title in listed and "督查通报2024年第1期" in listed and "2024年12月5日印发" in listed
    # its page on the portal: the portal's header, the way back, the text, downloads a citizen opens
    own = public.get(f"/bulletins/public/{b.pk}/")
    assert own.status_code == 200
    page = page_text(own)
    assert "返回公众门户" in page and "消防站" in page and "抄送:" in page and "2024年12月5日印发" in page
    assert "Markdown" not in page and "/download/md/" not in page and "/download/docx/" in page
    assert 'href="/static/duban/bulletin.css"' in own.content.decode()  # served by duban itself
    assert f"/bulletins/public/{b.pk}/" in page_text(public.get("/public/"))
    download = public.get(f"/bulletins/{b.pk}/download/docx/")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert "attachment" in download["Content-Disposition"] and "filename*=UTF-8''" in download["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(download.content)).namelist()  # a real .docx package

    # a second one stays a draft: the portal still shows only the first; the draft can be discarded
    second = make(office, plan2024, "2024-12-31")
    assert second.number is None
    listed = page_text(public.get("/bulletins/public/"))
    assert f"/bulletins/public/{b.pk}/" in listed and f"/bulletins/public/{second.pk}/" not in listed
    assert public.get(f"/bulletins/public/{second.pk}/").status_code == 404
    assert "删除草稿" in page_text(office.get(f"/bulletins/{second.pk}/"))
    assert office.post(f"/bulletins/{second.pk}/discard/").status_code == 302
    assert not Bulletin.objects.filter(pk=second.pk).exists()
    assert office.post(f"/bulletins/{b.pk}/discard/").status_code == 409  # an issued one stays
    assert "/bulletins/public/" in page_text(public.get("/public/"))  # the portal links to the list


def test_every_format_downloads_for_the_office(people, plan2024):
    office = signed_in(people["office"])
    b = make(office, plan2024)
    for fmt, kind in (("docx", "wordprocessingml"), ("html", "text/html"), ("md", "text/markdown"),
                      ("xlsx", "spreadsheetml")):
        response = office.get(f"/bulletins/{b.pk}/download/{fmt}/")
        assert response.status_code == 200 and kind in response["Content-Type"], fmt
        assert f".{fmt}" in response["Content-Disposition"]
    sheet = office.get(f"/bulletins/{b.pk}/download/xlsx/")
    assert load_workbook(io.BytesIO(sheet.content)).sheetnames
    assert "消防站" in office.get(f"/bulletins/{b.pk}/download/md/").content.decode()
    assert office.get(f"/bulletins/{b.pk}/download/rtf/").status_code == 404


def test_only_the_office_makes_and_moves_bulletins(people, plan2024):
    office, leader, fire = signed_in(people["office"]), signed_in(people["leader"]), signed_in(people["fire"])
    b = make(office, plan2024)
    assert leader.get("/bulletins/").status_code == 200  # leaders read the drafts
    assert "编制通报" not in page_text(leader.get("/bulletins/"))
    assert leader.post(f"/bulletins/{b.pk}/approve/").status_code == 403
    assert leader.post("/bulletins/new/", {"plan": plan2024.pk, "as_of": "2024-11-30"}).status_code == 403
    assert fire.get("/bulletins/").status_code == 403
    assert fire.get(f"/bulletins/{b.pk}/download/docx/").status_code == 404
    bad = office.post("/bulletins/new/", {"plan": plan2024.pk, "as_of": "2019-01-01"})
    assert bad.status_code == 400 and "计划年度" in page_text(bad)
    assert Bulletin.objects.count() == 1
