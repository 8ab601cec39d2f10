#!/usr/bin/env bash
# The build command: sets up the Python environment on first use, then runs build.py.
#   ./build.sh            build the site into _site/
#   ./build.sh serve      preview it in your browser while you edit
#   ./build.sh --help     every command
# Paths given to it (--out, --root) are read from the folder you run it in.
# PYTHON=/path/to/python3 ./build.sh picks the Python that makes .venv (3.11 or newer).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
new_enough='import sys; sys.exit(sys.version_info < (3, 11))'

fail() { echo "error: $*" >&2; exit 1; }

if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "$new_enough" 2>/dev/null; then
    python="${PYTHON:-python3}"
    command -v "$python" >/dev/null \
        || fail "$python is not installed: install Python 3.11 or newer (Debian: sudo apt install python3 python3-venv)"
    "$python" -c "$new_enough" || fail "the site needs Python 3.11 or newer, and $python is" \
        "$("$python" -c 'import platform; print(platform.python_version())'): install a newer one and run" \
        "PYTHON=python3.11 ./build.sh (or the name of the newer one)"
    echo "Setting up the Python environment in .venv (first run only)..." >&2
    rm -rf "$venv"  # made by an older Python, or broken
    "$python" -m venv "$venv" || { rm -rf "$venv"; fail "could not make .venv (Debian: sudo apt install python3-venv)"; }
fi
# Install requirements.txt when it differs from what was installed last (a copy kept in .venv).
if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
    if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"; then
        rm -rf "$venv"  # never leave a half-installed environment for the next run to trust
        fail "could not install the Python packages in requirements.txt (see above); run ./build.sh again"
    fi
    cp "$here/requirements.txt" "$venv/requirements.txt"
fi
exec "$venv/bin/python" "$here/build.py" "$@"
