#!/usr/bin/env bash
# Set up, load seeds/ into the warehouse and serve the dashboard.
# The port: $PORT if set, else server.port of .streamlit/config.toml (8501). The address likewise
# ($ADDRESS, else the config's 127.0.0.1). A port already taken stops the script before set-up.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python3
command -v python3.11 >/dev/null 2>&1 && PY=python3.11
read -r CONFIG_PORT CONFIG_ADDRESS < <("$PY" - <<'PYEOF'
import tomllib
try:
    with open(".streamlit/config.toml", "rb") as fh:
        server = tomllib.load(fh).get("server", {})
except (OSError, tomllib.TOMLDecodeError):
    server = {}
print(server.get("port", 8501), server.get("address", "127.0.0.1"))
PYEOF
)
PORT=${PORT:-$CONFIG_PORT}
ADDRESS=${ADDRESS:-$CONFIG_ADDRESS}
if ! "$PY" -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((sys.argv[1], int(sys.argv[2])))" "$ADDRESS" "$PORT" 2>/dev/null; then
  echo "port $PORT on $ADDRESS is taken: stop what uses it, or choose another, e.g. PORT=8502 bash scripts/serve.sh" >&2
  exit 1
fi
bash scripts/setup.sh
.venv/bin/python -m etl load seeds
echo "serving http://$ADDRESS:$PORT" >&2
exec .venv/bin/python -m streamlit run dashboard/app.py --server.address "$ADDRESS" --server.port "$PORT"
