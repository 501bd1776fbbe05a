"""Browser tests: Debian's chromium driven by Playwright against a live duban server.

scripts/test.sh installs chromium (apt) when it is missing; Playwright's own browser download is
never used. Screenshots are saved under artifacts/screenshots/ for people to look at.
"""
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in this thread; the tests' own ORM calls are
# still plain synchronous code, so Django's guard against async misuse does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("DUBAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's notes advise: no background networking (the network is closed), no sandbox as root.
CHROMIUM_ARGS = ["--headless=new", "--lang=zh-CN", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (scripts/test.sh installs it with apt-get)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    blocked = []  # what the pages' Content-Security-Policy refused: a script or style the page needs
    pg.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield pg
    context.close()
    assert not blocked, blocked


@pytest.fixture(autouse=True)
def quick(settings, tmp_path):
    """Cheap password hashes (a browser test logs in many times) and uploads in the test's own folder."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def task14(seeds):
    """Task 14 of the 2024 progress (seed 002, 消防站 and AED), its plan assessed as of 30 November 2024."""
    from datetime import date

    from duban.ledger.assessment import assess_plan
    from duban.ledger.importer import import_file
    from duban.ledger.models import Plan, Task
    from tests.conftest import seed

    import_file(seed(seeds, "002"))
    plan = Plan.objects.get(year=2024)
    assess_plan(plan.pk, date(2024, 11, 30))
    return Task.objects.get(plan=plan, number="14")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def new_page(browser, live_server, width: int = 1280):
    """A second person's browser (its own context: its own cookies), `width` px wide."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    return pg


def login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
