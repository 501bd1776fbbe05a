"""Security headers on every response, and pages the policy cannot break.

Each kind of user walks the site from its start page, following every link (the 2024 progress
assessed, with a case, a problem and a bulletin, so the lists and detail pages have rows): every
response — page, download, API, static file, 403, 404 — carries the CSP, frame, content-type and
referrer headers, and no page holds what a CSP of 'self' would block (an inline script or style,
a style attribute, an on… handler, a javascript: link, an outside script or sheet)."""
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from duban.web.security import policy
from tests.web.supervision_fixtures import *

pytestmark = pytest.mark.django_db

PAGES_PER_USER = 150
SKIP = re.compile(r"^/(logout/|admin/logout/|api/tokens)")  # links that would end the walk or issue secrets


def is_bulletin_page(path: str) -> bool:
    return bool(re.fullmatch(r"/bulletins/\d+/(view|download/html)/", urlsplit(path).path))


def assert_headers(response, path):
    h = response.headers
    assert h.get("X-Content-Type-Options") == "nosniff", path
    assert h.get("Referrer-Policy") == "same-origin", path
    assert h.get("X-Frame-Options") in ("DENY", "SAMEORIGIN"), path
    csp = h.get("Content-Security-Policy", "")
    if is_bulletin_page(path):  # the self-contained bulletin: inline style, nothing else at all
        assert csp.startswith("default-src 'none'") and "script-src" not in csp and "frame-ancestors 'self'" in csp
    else:
        assert csp == policy(h["X-Frame-Options"]), path
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp


def inline_content(html: str) -> list[str]:
    """What a CSP of 'self' blocks in a page: each found thing, described."""
    soup = BeautifulSoup(html, "lxml")
    found = []
    for tag in soup.find_all(True):
        data_block = tag.get("type", "").lower() in ("application/json", "application/ld+json")  # not run: allowed
        if tag.name == "script" and not data_block and (not tag.get("src") or tag.get_text(strip=True)):
            found.append(f"inline <script>: {tag.get_text()[:60]}")
        if tag.name == "script" and tag.get("src", "").startswith(("http:", "https:", "//")):
            found.append(f"outside script {tag['src']}")
        if tag.name == "style":
            found.append("inline <style>")
        if tag.name == "link" and "stylesheet" in (tag.get("rel") or []) and \
                tag.get("href", "").startswith(("http:", "https:", "//")):
            found.append(f"outside style sheet {tag['href']}")
        if tag.has_attr("style"):
            found.append(f"style attribute on <{tag.name}>: {tag['style']}")
        found += [f"handler {a} on <{tag.name}>" for a in tag.attrs if a.lower().startswith("on")]
        for a in ("href", "src", "action", "formaction"):
            if str(tag.get(a, "")).strip().lower().startswith("javascript:"):
                found.append(f"javascript: URL in <{tag.name} {a}>")
    return found


def walk(client: Client, start: str) -> dict[str, int]:
    """Every page reachable from `start` by links (at most PAGES_PER_USER): path → status."""
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < PAGES_PER_USER:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen:
            continue
        response = client.get(url)
        seen[path] = response.status_code
        assert_headers(response, url)
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response["Location"]))
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        if not is_bulletin_page(path):
            assert inline_content(html) == [], url
        for href in re.findall(r'(?:href|src)="([^"#]+)"', html):
            target = urljoin(url, href.replace("&amp;", "&"))
            if target.startswith("/") and not SKIP.match(target) and urlsplit(target).path not in seen:
                queue.append(target)
    return seen


@pytest.fixture
def full_site(people, plan2024, task14):
    """A case, a problem and a bulletin beside the assessed plan: their lists and pages have rows."""
    office, fire = signed_in(people["office"]), signed_in(people["fire"])
    assert office.post("/bulletins/new/", {"plan": plan2024.pk, "as_of": "2024-11-30", "issued_on": ""}).status_code == 302
    assert office.post(f"/cases/new/?task={task14.pk}").status_code == 302
    assert fire.post(f"/problems/new/?task={task14.pk}", {"text": "2处消防站选址涉及规划调整"}).status_code == 302
    return people


def test_every_page_of_every_user_has_the_headers_and_nothing_inline(full_site):
    walked = {}
    for name in ("office", "leader", "fire"):
        walked[name] = walk(signed_in(full_site[name]), "/")
    walked["anonymous"] = walk(Client(), "/public/")
    office = walked["office"]
    assert len(office) >= 40, sorted(office)  # the walk really went round the site
    for must in ("/dashboard/", "/tasks/", "/units/", "/cases/", "/bulletins/", "/users/", "/imports/"):
        assert office.get(must) == 200, must
    assert any(re.fullmatch(r"/tasks/\d+/", p) for p in office) and any(re.fullmatch(r"/cases/[^/]+/", p) for p in office)
    assert any(re.fullmatch(r"/problems/\d+/", p) for p in walked["fire"])
    assert any(is_bulletin_page(p) for p in office), sorted(office)  # the bulletin, with its own policy
    assert any(p.startswith("/static/") for p in office)  # WhiteNoise's answers too
    assert len(walked["anonymous"]) >= 5 and len(walked["fire"]) >= 10


def test_refusals_errors_the_api_and_static_files_have_the_headers_too(full_site):
    fire, anonymous = signed_in(full_site["fire"]), Client()
    cases = [
        (fire, "/users/", 403),  # a reporter in the office's area
        (fire, "/no/such/page/", 404),
        (anonymous, "/dashboard/", 302),
        (anonymous, "/login/", 200),
        (anonymous, "/healthz", 200),
        (anonymous, "/favicon.ico", 200),
        (anonymous, "/static/duban/site.css", 200),
        (anonymous, "/static/duban/office.js", 200),
        (anonymous, "/api/plans", 200),
        (anonymous, "/api/no-such-endpoint", 404),
        (anonymous, "/api/tokens", 401),
        (anonymous, "/admin/login/", 200),
    ]
    for client, path, status in cases:
        response = client.get(path)
        assert response.status_code == status, path
        assert_headers(response, path)
    refused = fire.get("/users/")
    assert inline_content(refused.content.decode()) == []
    posted = anonymous.post("/login/", {"username": "nobody", "password": "wrong-password"})
    assert_headers(posted, "/login/ (POST)")


def test_the_color_bars_are_drawn_without_style_attributes(full_site):
    page = signed_in(full_site["office"]).get("/dashboard/").content.decode()
    bars = BeautifulSoup(page, "lxml").select("svg.stackbar")
    assert bars, "the dashboard draws its colour bars"
    widths = [float(r["width"]) for r in bars[0].find_all("rect")]
    assert widths and abs(sum(widths) - 100) < 0.5  # the parts fill the bar
