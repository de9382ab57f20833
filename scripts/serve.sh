#!/usr/bin/env bash
# Set up, load seeds/ into the warehouse and serve the dashboard on http://127.0.0.1:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m etl load seeds
exec .venv/bin/python -m streamlit run dashboard/app.py --server.address 127.0.0.1 --server.port 8501
