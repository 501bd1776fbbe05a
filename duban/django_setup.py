"""Start Django from the CLI or a script, and create the schema a fresh database needs.

Only the commands that write make the data directory (and the per-install secret key in it):
prepare_data_dir(), called by ensure_schema(). A read-only command (`duban extract`, `duban status`)
leaves the directory it runs in as it was.
"""
from __future__ import annotations

import os

from duban.errors import DubanError

_ready = False


def _settings():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    from django.conf import settings

    return settings


def setup() -> None:
    global _ready
    if _ready:
        return
    _settings()
    import django

    django.setup()
    _ready = True


def prepare_data_dir() -> None:
    """The data directory, and the secret key kept in it when none is given (DUBAN_SECRET_KEY)."""
    settings = _settings()
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    if settings.SECRET_KEY_SAVED:
        return
    try:  # the key this process already uses, saved for the next ones
        fd = os.open(settings.SECRET_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process saved its own meanwhile: use that one
        settings.SECRET_KEY = settings.SECRET_KEY_FILE.read_text().strip()
    else:
        with os.fdopen(fd, "w") as f:
            f.write(settings.SECRET_KEY)
    settings.SECRET_KEY_SAVED = True


def ensure_schema() -> None:
    """Apply pending migrations (quietly): every command that writes works on a fresh database."""
    prepare_data_dir()
    setup()
    from django.core.management import call_command

    if pending_migrations():
        call_command("migrate", interactive=False, verbosity=0)


def pending_migrations() -> bool:
    setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ledger_exists() -> bool:
    """Whether there is a ledger to read, found without creating one (the SQLite file is not made)."""
    setup()
    from django.db import connection

    if connection.vendor == "sqlite" and not connection.is_in_memory_db() \
            and not os.path.exists(connection.settings_dict["NAME"]):
        return False
    return "ledger_plan" in connection.introspection.table_names()


def open_ledger_read_only() -> bool:
    """For the commands that only read: True when there is a ledger to read (nothing is written:
    no data directory, no key, no database, no migration)."""
    if not ledger_exists():
        return False
    if pending_migrations():
        raise DubanError("台账数据库的结构需要更新:请先运行 duban manage migrate(或任一写入台账的命令)")
    return True


def production_problems() -> list[str]:
    """What keeps a production installation (DUBAN_DATABASE_URL set, or DUBAN_PRODUCTION=1) from
    being served safely; empty for the embedded default or a complete production setup."""
    settings = _settings()
    if not settings.PRODUCTION:
        return []
    env = os.environ
    problems = []
    key = env.get("DUBAN_SECRET_KEY", "")
    if not key:
        problems.append("未设置 DUBAN_SECRET_KEY(会话和签名用的密钥)。请设置一个至少 50 个字符的随机串,"
                        "可用 python3 -c \"import secrets; print(secrets.token_urlsafe(50))\" 生成")
    elif len(key) < 50 or len(set(key)) < 5:
        problems.append("DUBAN_SECRET_KEY 太短或太简单:至少 50 个字符、不少于 5 种字符的随机串")
    if not env.get("DUBAN_ALLOWED_HOSTS", "").strip(" ,"):
        problems.append("未设置 DUBAN_ALLOWED_HOSTS:用户访问本站所用的域名或地址,多个用逗号分隔,如 duban.example.gov.cn")
    if settings.DEBUG:
        problems.append("生产环境不能打开 DUBAN_DEBUG(调试页面会泄露配置和数据)")
    return problems
