#!/usr/bin/env bash
# Creates .venv and installs duban into it (with the test tools when called with "test").
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
target=.
[ "${1:-}" = "test" ] && target='.[test]'
# pip and setuptools talk a lot (the editable-install warning block, build notes): keep it in a log and
# show it only when the install fails, so the main command's output starts with duban's own lines.
log=.venv/install.log
if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target" >"$log" 2>&1; then
  echo "安装失败(pip 的输出如下,完整日志:$log)" >&2
  tail -40 "$log" >&2
  exit 1
fi
.venv/bin/python -c "import duban.extract" || { echo "督办未能安装(import duban 失败)" >&2; exit 1; }
