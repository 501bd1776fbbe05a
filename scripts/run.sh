#!/usr/bin/env bash
# The main job on the embedded default (SQLite in ./data): install, import the seed documents (or
# duban's own sample plan), create the office account (its password printed once), start the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SEEDS=${DUBAN_SEEDS:-../shared/seeds}
docs=()
if compgen -G "$SEEDS/*" > /dev/null; then docs=("$SEEDS"/*); fi
.venv/bin/duban init "${docs[@]}"
exec .venv/bin/duban serve --host "${DUBAN_HOST:-127.0.0.1}" --port "${DUBAN_PORT:-8000}"
