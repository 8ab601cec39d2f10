#!/usr/bin/env bash
# The test command: sets up everything the tests need on a fresh Debian machine (idempotent),
# then runs the whole test suite; extra arguments go to pytest (./test.sh -k serve).
# System packages are installed with apt-get when missing (needs root, as in CI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DEBIAN_FRONTEND=noninteractive
export HOME="${HOME:-/root}"

step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

step "system packages: chromium, Java runtime, Node.js/npm"
apt_pkgs=()
[[ -x /usr/bin/chromium ]] || apt_pkgs+=(chromium)
command -v java >/dev/null || apt_pkgs+=(default-jre-headless)
command -v npm >/dev/null || apt_pkgs+=(nodejs npm)
if ((${#apt_pkgs[@]})); then
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${apt_pkgs[@]}" >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null
java -version 2>&1 | sed -n 1p
echo "node $(node --version), npm $(npm --version 2>/dev/null)"

step "Python virtual environment .venv"
./build.sh --version  # makes (or remakes) .venv with requirements.txt; PYTHON=/path/to/python3 picks the Python
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

step "Python-Markdown's own test suite (its source distribution, for tests/test_markdown_upstream.py)"
PYTHONPATH=. .venv/bin/python tests/markdown_upstream.py --fetch

step "npm test tools (axe-core, vnu-jar)"
# --ignore-scripts: vnu-jar's postinstall would try to download a Java
# runtime; we use Debian's. The packages need no build step.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

step "tests"
# In parallel: one pytest-xdist worker per core and one more (at most 8), as the browser and server tests
# spend much of their time waiting; each worker has its own browser and servers. ./test.sh -n 0: one process.
workers=$(($(nproc) + 1))
exec .venv/bin/python -m pytest -n "$((workers < 8 ? workers : 8))" --dist worksteal "$@"
