#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install the project with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PY=$candidate; break; fi
  done
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # requirements.lock: the versions the tests last passed with (a constraint: it installs nothing
  # by itself). Refresh it after an upgrade that passes: pip freeze --exclude-editable > requirements.lock
  .venv/bin/python -m pip install --quiet -e ".[test]" -c requirements.lock
  touch "$stamp"
fi
