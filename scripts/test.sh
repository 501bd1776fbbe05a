#!/usr/bin/env bash
# The whole test suite (what .ci/run runs): on PostgreSQL when one answers, else on SQLite.
#   DUBAN_TEST_DATABASE_URL=postgres://user@host:5432/name   choose the server yourself
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test

PG_URL=postgres://postgres@127.0.0.1:5432/test

# System tools the tests use, from Debian's packages: chromium for the browser tests (Playwright's
# own browser download is never used), LibreOffice and poppler to turn a bulletin into PDF and PNG.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-noto-cjk)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# a Chinese font, for the bulletin's PDF pages kept as pictures and the browser's screenshots
{ command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; } || missing+=(fonts-noto-cjk)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)  # the two-app-server test's shared cache
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)  # pg_dump/pg_restore: the backup test
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} for the tests (apt-get)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") \
    >/dev/null 2>&1 || echo "could not install ${missing[*]}: the tests that need them will be skipped"
fi

# Redis on 127.0.0.1:6379 for tests/web/test_two_servers.py: started when installed and not running.
redis_answers() { command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
if ! redis_answers && command -v redis-server >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >/dev/null 2>&1 || true
  for _ in 1 2 3 4 5; do redis_answers && break; sleep 1; done
fi
redis_answers || echo "Redis does not answer on 127.0.0.1:6379: the two-app-server test is skipped"

pg_answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p 5432 -t 3
  else
    .venv/bin/python -c 'import psycopg; psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()' \
      >/dev/null 2>&1
  fi
}

if [ -z "${DUBAN_TEST_DATABASE_URL:-}" ]; then
  if ! pg_answers && [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
    for version in /etc/postgresql/*/; do  # installed but stopped: start it
      pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start >/dev/null 2>&1 || true
    done
    for _ in 1 2 3 4 5; do pg_answers && break; sleep 1; done
  fi
  if pg_answers; then
    export DUBAN_TEST_DATABASE_URL=$PG_URL
  else
    echo "PostgreSQL does not answer on 127.0.0.1:5432: the tests run on SQLite"
  fi
fi
if [ -z "${DUBAN_TEST_DATABASE_URL:-}" ]; then
  exec .venv/bin/python -m pytest -q "$@"
fi
# The whole suite on PostgreSQL, then the database contract (ledger, import, assessment, transfer)
# once more on the embedded default, so both backends are checked in one run.
echo "tests on PostgreSQL (DUBAN_TEST_DATABASE_URL), then the ledger tests on SQLite"
.venv/bin/python -m pytest -q "$@"
# (the kill and pg_dump tests make PostgreSQL databases of their own whatever the pass: run once, above)
env -u DUBAN_TEST_DATABASE_URL .venv/bin/python -m pytest -q tests/ledger \
  --ignore=tests/ledger/test_kill_mid_write.py --ignore=tests/ledger/test_pg_backup.py "$@"
