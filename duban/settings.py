"""Django settings, all from the environment (DUBAN_ prefix), with safe defaults.

DUBAN_DATA_DIR       where the embedded database and uploads live (default ./data); made only by
                     the commands that write (duban.django_setup.prepare_data_dir)
DUBAN_DATABASE_URL   e.g. postgres://user@127.0.0.1:5432/duban; default: SQLite in the data dir
DUBAN_PRODUCTION     1: a production installation (implied by DUBAN_DATABASE_URL)
DUBAN_SECRET_KEY     required in production (`duban serve` refuses to start without it); otherwise
                     a per-install key is kept in the data dir
DUBAN_DEBUG          1 to show debug pages
DUBAN_ALLOWED_HOSTS  comma-separated; required in production; default: localhost names
DUBAN_HTTPS          1 when served behind TLS: secure cookies, HSTS; `duban serve` then trusts the
                     X-Forwarded-Proto/-For of the proxy at DUBAN_TRUSTED_PROXY (default 127.0.0.1)
DUBAN_LOGIN_SLOTS    password hashes computed at once (default: the cores, at most 4)
DUBAN_CITY           the city this installation serves (default 青岛市)
DUBAN_CACHE_URL      e.g. redis://127.0.0.1:6379/0: the cache shared by several app servers; default:
                     each process's own memory (one app server)
DUBAN_CACHE_PREFIX   the cache keys' prefix (default duban): several installations on one Redis
DUBAN_AUDIT_LOG_LEVEL  INFO (default; the commands other than serve: WARNING): a log line per audited step
DUBAN_SMTP_HOST …    e-mail for reminders (see the block near the end)
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"DUBAN_{name}", default)


DATA_DIR = Path(_env("DATA_DIR", "data")).resolve()
DEBUG = _env("DEBUG") in ("1", "true", "yes")
CITY = _env("CITY", "青岛市")


# Production: a server database, or said so. The embedded default (SQLite in the data dir, a key
# kept beside it) is for one machine; `duban serve` in production needs the key and hosts given.
PRODUCTION = bool(_env("DATABASE_URL")) or _env("PRODUCTION") in ("1", "true", "yes")
HTTPS = _env("HTTPS") in ("1", "true", "yes")
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _secret_key() -> tuple[str, bool]:
    """(key, saved): the given key, else the per-install one kept beside the data (sessions survive
    restarts, nothing is shared), else a new one that prepare_data_dir() saves — only the commands
    that write make it, so a read-only command leaves the directory as it was."""
    if _env("SECRET_KEY"):
        return _env("SECRET_KEY"), True
    try:
        return SECRET_KEY_FILE.read_text().strip(), True
    except FileNotFoundError:
        return secrets.token_urlsafe(50), False


SECRET_KEY, SECRET_KEY_SAVED = _secret_key()
ALLOWED_HOSTS = [h for h in _env("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "duban.core",
    "duban.ledger",
    "duban.people",
    "duban.supervision",
    "duban.web",
    "duban.bulletins",
]
MIDDLEWARE = [
    "duban.web.logs.RequestIdMiddleware",  # outermost: every request has an id, in its log lines and its answer
    "duban.web.security.SecurityHeadersMiddleware",  # every response, static files included
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # duban serves its own static files: intranets are offline
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "duban.web.errors.DubanErrorMiddleware",
]
ROOT_URLCONF = "duban.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "duban.web.context.roles",
    ]},
}]
WSGI_APPLICATION = "duban.wsgi.application"


def _database() -> dict:
    url = _env("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "duban.sqlite3"),
        # WAL lets readers go on while an import writes; the timeout waits out short locks.
        "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    }


DATABASES = {"default": _database()}


def _caches() -> dict:
    """Redis when DUBAN_CACHE_URL is set (what every app server of one installation shares: the
    dashboard's counts, the ledger version), else the process's own memory (the embedded default)."""
    url = _env("CACHE_URL")
    if url:
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                            "KEY_PREFIX": _env("CACHE_PREFIX", "duban"), "TIMEOUT": 15 * 60}}
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "duban"}}


CACHES = _caches()
# Sessions in the database: any app server answers any request of a signed-in user.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "duban.people.hashers.DubanArgon2PasswordHasher",  # OWASP's Argon2id cost, a few hashes at a time
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = ["duban.people.backends.ThrottledModelBackend"]  # throttled, no enumeration
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve from the package too, before collectstatic has run
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False  # the pages' small scripts read it for fetch()
if HTTPS:  # behind TLS: cookies only over it, browsers told to come back by https (HSTS). The
    # proxy's X-Forwarded-Proto/-For are taken by `duban serve` (waitress's trusted_proxy).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
MEDIA_ROOT = DATA_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024

# E-mail for 催办 and escalations (duban.supervision): sent only when DUBAN_SMTP_HOST is set.
#   DUBAN_SMTP_HOST, DUBAN_SMTP_PORT (25), DUBAN_SMTP_USER, DUBAN_SMTP_PASSWORD,
#   DUBAN_SMTP_TLS=1 (STARTTLS) or DUBAN_SMTP_SSL=1, DUBAN_MAIL_FROM, DUBAN_SITE_URL (links in mails)
if _env("SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _env("SMTP_HOST")
    EMAIL_PORT = int(_env("SMTP_PORT", "25"))
    EMAIL_HOST_USER = _env("SMTP_USER")
    EMAIL_HOST_PASSWORD = _env("SMTP_PASSWORD")
    EMAIL_USE_TLS = _env("SMTP_TLS") in ("1", "true", "yes")
    EMAIL_USE_SSL = _env("SMTP_SSL") in ("1", "true", "yes")
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = _env("MAIL_FROM", "duban@localhost")
DUBAN_SITE_URL = _env("SITE_URL")

# The 版记 of the office's bulletins: who issues them (印发机关) and to whom they are copied (抄送),
# names separated by 、 or commas. Frozen into each bulletin when it is issued.
DUBAN_BULLETIN_ISSUER = _env("BULLETIN_ISSUER", f"{CITY}人民政府督查室")
DUBAN_BULLETIN_CC = _env("BULLETIN_CC", "市委办公室、市人大常委会办公室、市政府办公厅、市政协办公室")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_403": {"()": "duban.web.logs.OneLineForbidden"},
                "request_id": {"()": "duban.web.logs.RequestIdFilter"}},
    # Each line: when, how bad, who wrote it, the request's id ([-] outside a request), what.
    "formatters": {"duban": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_403", "request_id"],
                             "formatter": "duban"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Django's own console handler (DEBUG only) would print each 403 again, with its traceback: its
    # records go to the root's handler instead, once.
    # duban.audit: one line per audited step (an import, a review, a case step …: who and what),
    # written when its transaction commits (duban.core.audit.record). The command line keeps its own
    # output and turns it down (duban.cli); the server writes it.
    "loggers": {"django": {"handlers": [], "level": "INFO" if DEBUG else "WARNING", "propagate": True},
                "duban.audit": {"level": _env("AUDIT_LOG_LEVEL", "INFO")}},
}
