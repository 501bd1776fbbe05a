"""Production mode is safe by default. Outside the embedded default — DUBAN_DATABASE_URL set, or
DUBAN_PRODUCTION=1 — `duban serve` (and the WSGI application) refuse to start without
DUBAN_SECRET_KEY and DUBAN_ALLOWED_HOSTS, in Chinese, before writing anything; with DUBAN_HTTPS=1
behind a TLS proxy the cookies are Secure and HSTS is sent. Real `duban serve` processes."""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DUBAN = [sys.executable, "-m", "duban"]
KEY = "k3y-for-the-production-test-" + "x7Q9pL2mZ" * 5


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the test run's own duban settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_") and k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def everything_in(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


REFUSALS = [
    ({"DUBAN_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}, ["DUBAN_SECRET_KEY", "DUBAN_ALLOWED_HOSTS"]),
    ({"DUBAN_PRODUCTION": "1"}, ["DUBAN_SECRET_KEY", "DUBAN_ALLOWED_HOSTS"]),
    ({"DUBAN_PRODUCTION": "1", "DUBAN_ALLOWED_HOSTS": "duban.example.gov.cn"}, ["DUBAN_SECRET_KEY"]),
    ({"DUBAN_PRODUCTION": "1", "DUBAN_SECRET_KEY": KEY}, ["DUBAN_ALLOWED_HOSTS"]),
    ({"DUBAN_PRODUCTION": "1", "DUBAN_SECRET_KEY": "short", "DUBAN_ALLOWED_HOSTS": "duban.example.gov.cn"},
     ["DUBAN_SECRET_KEY 太短"]),
    ({"DUBAN_PRODUCTION": "1", "DUBAN_SECRET_KEY": KEY, "DUBAN_ALLOWED_HOSTS": "duban.example.gov.cn",
      "DUBAN_DEBUG": "1"}, ["DUBAN_DEBUG"]),
]


@pytest.mark.parametrize(("env", "named"), REFUSALS, ids=[str(i) for i in range(len(REFUSALS))])
def test_serve_refuses_an_incomplete_production_setup_and_writes_nothing(tmp_path, env, named):
    try:
        done = subprocess.run([*DUBAN, "serve", "--port", str(free_port())], cwd=tmp_path, env=clean_env(**env),
                              capture_output=True, text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("duban serve started instead of refusing")
    assert done.returncode == 2, done.stderr
    assert "生产模式" in done.stderr and "拒绝启动" in done.stderr
    for name in named:
        assert name in done.stderr
    missing = {"DUBAN_SECRET_KEY", "DUBAN_ALLOWED_HOSTS", "DUBAN_DEBUG"} - {n.split()[0] for n in named}
    for name in missing:  # only what is wrong is named
        assert name not in done.stderr.split("拒绝启动", 1)[1]
    assert "Traceback" not in done.stderr
    assert everything_in(tmp_path) == []  # no data dir, no key, no database


def test_the_wsgi_application_refuses_too(tmp_path):
    done = subprocess.run([sys.executable, "-c", "import duban.wsgi"], cwd=tmp_path, capture_output=True, text=True, check=False,
                          env=clean_env(DUBAN_PRODUCTION="1"), timeout=120)
    assert done.returncode != 0
    assert "DUBAN_SECRET_KEY" in done.stderr and "DUBAN_ALLOWED_HOSTS" in done.stderr
    assert everything_in(tmp_path) == []


class Server:
    """A `duban serve` process of this test (ended by its own pid)."""

    def __init__(self, cwd: Path, env: dict[str, str]):
        self.port = free_port()
        self.proc = subprocess.Popen([*DUBAN, "serve", "--port", str(self.port), "--threads", "2"], cwd=cwd, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            assert self.proc.poll() is None, self.proc.stdout.read()
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        pytest.fail("duban serve did not answer /healthz within 120 s")

    def get(self, path: str, **headers: str):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            return urllib.request.urlopen(request, timeout=20)
        except urllib.error.HTTPError as e:
            return e

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def cookies(response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in response.headers.get_all("Set-Cookie") or []}


def test_a_complete_production_setup_serves_https_behind_its_proxy(tmp_path):
    data = tmp_path / "data"
    env = clean_env(DUBAN_PRODUCTION="1", DUBAN_SECRET_KEY=KEY, DUBAN_ALLOWED_HOSTS="127.0.0.1,duban.example.gov.cn",
                    DUBAN_HTTPS="1", DUBAN_DATA_DIR=str(data))
    server = Server(tmp_path, env)
    try:
        via_tls = server.get("/login/", **{"X-Forwarded-Proto": "https"})  # the proxy at 127.0.0.1 says https
        assert via_tls.status == 200
        assert via_tls.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "default-src 'self'" in via_tls.headers["Content-Security-Policy"]
        assert via_tls.headers["X-Frame-Options"] == "DENY" and via_tls.headers["X-Content-Type-Options"] == "nosniff"
        assert "; Secure" in cookies(via_tls)["csrftoken"]
        plain = server.get("/login/")  # not through TLS: no HSTS over plain http
        assert "Strict-Transport-Security" not in plain.headers
        assert server.get("/healthz", Host="evil.example.com").status == 400  # a host not allowed
    finally:
        server.stop()
    assert not (data / "secret_key").exists()  # the key came from the environment


def test_the_embedded_default_serves_with_its_own_key_and_plain_cookies(tmp_path):
    server = Server(tmp_path, clean_env())
    try:
        page = server.get("/login/", **{"X-Forwarded-Proto": "https"})  # no proxy is trusted here
        assert page.status == 200 and "Strict-Transport-Security" not in page.headers
        assert "Secure" not in cookies(page)["csrftoken"]
        assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    finally:
        server.stop()
    key = tmp_path / "data" / "secret_key"
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600" and len(key.read_text()) >= 50
