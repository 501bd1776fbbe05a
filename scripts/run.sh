#!/usr/bin/env bash
# The main job on the embedded default: install, then extract every seed document.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SEEDS=${DUBAN_SEEDS:-../shared/seeds}
OUT=${DUBAN_DATA_DIR:-data}/extracted
mkdir -p "$OUT"
for doc in "$SEEDS"/*; do
  [ -f "$doc" ] || continue
  name=$(basename "$doc"); name=${name%.*}
  if .venv/bin/duban extract "$doc" > "$OUT/$name.json" 2> "$OUT/$name.findings.txt"; then
    .venv/bin/python - "$OUT/$name.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1], encoding="utf-8"))
n = lambda k: sum(len(t[k]) for t in p["tasks"])
print(f"{p['source']}: {p['title'] or '(无标题)'} {p['year']} {p['kind']}: {len(p['tasks'])} 项任务, "
      f"{n('targets')} 个指标, {n('milestones')} 个时间节点, {n('progress')} 条进展, {len(p['findings'])} 条待核实")
PY
  else
    cat "$OUT/$name.findings.txt" >&2
  fi
done
echo "JSON in $OUT/"
