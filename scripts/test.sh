#!/usr/bin/env bash
# Set up and run the tests (the browser tests drive Debian's /usr/bin/chromium).
#   bash scripts/test.sh                  # every test
#   bash scripts/test.sh -m "not corpus"  # the quick suite: without the tests that load ../shared/corpus
# Arguments go to pytest. As root, chromium is installed when missing; if that fails (no network,
# dpkg lock held) the browser tests are skipped with the reason and every other test still runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests" >&2
  log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
    reason="apt-get install chromium failed: $(tail -n 1 "$log")"
    echo "$reason; the browser tests will be skipped" >&2
    export MEDIA_BROWSER_SKIP="$reason"
  fi
  rm -f "$log"
fi
exec .venv/bin/python -m pytest "$@"
