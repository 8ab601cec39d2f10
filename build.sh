#!/usr/bin/env bash
# The build command: sets up the Python environment on first use, then runs build.py.
#   ./build.sh            build the site into _site/
#   ./build.sh serve      preview it in your browser while you edit
#   ./build.sh --help     every command
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ ! -x .venv/bin/python ]] || ! .venv/bin/python -c "import jinja2, markdown, yaml, livereload" 2>/dev/null; then
    echo "Setting up the Python environment in .venv (first run only)..." >&2
    "${PYTHON:-python3}" -m venv .venv  # PYTHON=/path/to/python3 picks another Python
    .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
fi
exec .venv/bin/python build.py "$@"
