#!/usr/bin/env bash
# The main job on the embedded default (SQLite in ./data): install, import the seed documents
# into the ledger, and show where every task stands.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SEEDS=${DUBAN_SEEDS:-../shared/seeds}
if compgen -G "$SEEDS/*" > /dev/null; then
  .venv/bin/duban import "$SEEDS"/*
else
  echo "no seed documents in $SEEDS" >&2
fi
.venv/bin/duban status --as-of "${DUBAN_AS_OF:-$(date +%F)}"
