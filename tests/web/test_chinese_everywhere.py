"""Chinese everywhere: every page the access matrix opens, as every role that may open it, and every
command's --help, hold no English prose — only what is not prose (URLs, file names, units, codes, the
names of formats and programs) from the allow list below."""
from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

from django.test import Client

from tests.web.test_access_matrix import PAGES, ROLES, d, data, page_patterns, page_url  # noqa: F401 — fixtures

# Words that are no English prose: formats, programs, standards, units and codes a Chinese page writes
# in Latin letters too.
ALLOWED = {
    "pdf", "word", "excel", "xlsx", "xls", "docx", "doc", "html", "txt", "csv", "json", "ics", "md", "markdown",
    "api", "url", "http", "https", "www", "id", "ip", "sqlite", "postgresql", "redis", "libreoffice", "token",
    "utf", "gbk", "big", "openapi", "yyyy", "mm", "dd", "hpv", "aed", "gdp", "pm", "km", "kwh", "mw", "kv", "vip",
    "wifi", "app", "duban", "bearer", "ai", "iso", "gb", "cpu", "it", "etc", "tab", "ok",
    "kb", "mb", "png", "jpg", "jpeg", "zip", "outlook", "zhangwei",  # file kinds and sizes; a login name's example
    "django", "waitress", "cron", "migrate", "createsuperuser", "shell",  # programs and their commands
}
WORD = re.compile(r"[A-Za-z]{2,}")
URLISH = re.compile(r"(?:https?://|/)[\w./?=&%#:-]*|[\w.-]+\.(?:txt|docx|xlsx|xls|html|pdf|json|ics|csv|md)\b|"
                    r"[\w.+-]+@[\w.-]+|--?[a-z][\w-]*|\b[A-Z0-9]{4}(?:-[A-Z0-9]{4})+\b|\{[\w,]+\}|"
                    r"\bduban\.\w+/\d+")


class VisibleText(HTMLParser):
    """The text a reader sees, and the attributes a reader hears (title, placeholder, aria-label, alt)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, text):
        if not self._skip:
            self.parts.append(text)


def english_words(text: str, known: set[str]) -> list[str]:
    text = URLISH.sub(" ", text)
    return sorted({w for w in WORD.findall(text) if w.lower() not in ALLOWED and w.lower() not in known})


def _visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def test_no_english_prose_on_any_page_for_any_role(data):  # noqa: F811 — the imported fixture
    # what the users and the ledger are called (account names, the seeds' own Latin words) is data, not prose
    known = {u.get_username().lower() for u in data["users"].values() if u is not None}
    found: dict[str, list[str]] = {}
    scanned = 0
    clients = {role: Client() for role in ROLES}
    for role, client in clients.items():
        if role != "anon":
            client.force_login(data["users"][role])
    for name, route in page_patterns().items():
        if name == "admin":  # Django's own admin, for superusers: its translation is Django's
            continue
        for probe in PAGES.get(name, []):
            if probe.method != "GET":
                continue
            url = page_url(name, route, probe, data)
            for role in ROLES:
                if probe.expected[role] != "O":
                    continue
                response = clients[role].get(url)
                kind = response.get("Content-Type", "")
                if response.status_code != 200 or "text/html" not in kind or response.streaming:
                    continue
                scanned += 1
                words = english_words(_visible(response.content.decode()), known)
                if words:
                    found[f"{url} ({role})"] = words
    assert scanned > 40, scanned  # the scan reached the pages
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def _help(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "duban", *args, "--help"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_no_english_prose_in_any_commands_help():
    main = _help()
    commands = sorted(set(re.findall(r"^\s{4}(\w[\w-]*)\s", main, re.M)))
    assert len(commands) >= 8, main
    found = {}
    for command in [None, *commands]:
        text = main if command is None else _help(command)
        # the commands' names (users add, units merge …) are code, not prose
        names = {c.lower() for c in commands} | {w.lower() for w in re.findall(r"^\s{4}(\w+)\s", text, re.M)}
        names |= {w.lower() for w in re.findall(r"(\w+) (?:列出|新建|停用|启用|重置|合并)", text)}
        words = english_words(text, names)
        if words:
            found[command or "duban"] = words
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
