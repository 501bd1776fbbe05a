"""Printing, in chromium's print mode, on the 2024 progress (seed 002) assessed as of 30 November 2024:
the task list, the dashboard and 市消防救援支队's scorecard print without the navigation, the filters or
the buttons, keep their status colours (print-color-adjust: exact), and come out as A4 pages.

The PDFs go to artifacts/screenshots/print-*.pdf for people to look at."""
import re
from datetime import date

import pytest

from duban.ledger.assessment import assess_plan
from duban.ledger.importer import import_file
from duban.ledger.models import Plan, Unit
from duban.people.services import add_user
from tests.browser.conftest import login
from tests.conftest import seed

pytestmark = pytest.mark.django_db(transaction=True)

PW = "duban-browser-pass-2024"
A4 = (595, 842)  # points, portrait
RED = "rgb(197, 48, 48)"  # --red



def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    return [(round(float(w)), round(float(h)))
            for w, h in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)]


def test_list_dashboard_and_scorecard_print_on_a4(page, seeds, screenshots):
    import_file(seed(seeds, "002"), today=date(2024, 11, 30))
    plan = Plan.objects.get(year=2024)
    assess_plan(plan.pk, date(2024, 11, 30))
    fire = Unit.objects.get(name="市消防救援支队")
    add_user("office", "office", password=PW)
    login(page, "office", PW)
    for name, path in (("tasks", f"/tasks/?plan={plan.pk}"), ("dashboard", f"/dashboard/?plan={plan.pk}"),
                       ("scorecard", f"/units/{fire.pk}/?plan={plan.pk}")):
        page.goto(path)
        assert page.locator("header nav").is_visible() and page.locator("[data-print]").first.is_visible()
        page.emulate_media(media="print")
        try:
            assert not page.locator("header nav").is_visible(), name
            assert not page.locator("form.filters").is_visible(), name
            assert not page.locator("[data-print]").first.is_visible(), name
            assert page.locator("main h1").is_visible(), name
            red = page.locator(".badge.red, .stat.c-red").first
            assert red.evaluate("e => getComputedStyle(e).printColorAdjust") == "exact", name
            pdf = page.pdf(prefer_css_page_size=True, print_background=False)
        finally:
            page.emulate_media(media="screen")
        (screenshots / f"print-{name}.pdf").write_bytes(pdf)
        sizes = page_sizes(pdf)
        assert sizes and all(s == A4 for s in sizes), (name, sizes)
    assert page.locator(".badge.red").count() == 0 or page.locator(".badge.red").first.evaluate(
        "e => getComputedStyle(e).backgroundColor") == RED
