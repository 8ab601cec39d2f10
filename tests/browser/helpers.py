"""Helpers for the browser and HTML-validation tests.

Tools come from the npm packages pinned in package.json (installed with
`npm ci --ignore-scripts`): axe-core's axe.min.js and vnu-jar's vnu.jar.
When a tool is missing these helpers skip the test, except under CI=true,
where they fail it: CI must never silently skip a browser check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the network is closed here
    "--disable-component-update",
    "--disable-sync",
]
# The checker runs for a few seconds: Java's quick compiler alone (no optimising second tier) halves
# its processor time (6.3 to 2.5 s for the whole site). Its bigger stack frames need a bigger stack
# than the checker's own -Xss512k minimum (it stops with StackOverflowError at 1m).
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-Xss8m"]
# Every WCAG 2.0 / 2.1 / 2.2 level A and AA rule that axe-core has.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def in_ci() -> bool:
    """True when running under CI (CI=true), where nothing may be skipped."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(condition: bool, what: str, fix: str) -> None:
    """Skip (locally) or fail (in CI) the current test unless `condition`."""
    if condition:
        return
    message = f"{what} is missing; {fix}"
    if in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def require_npm_file(path: Path) -> None:
    """Skip/fail unless an npm-provided tool file exists."""
    require(path.is_file(), str(path.relative_to(REPO_ROOT)),
            "run `npm ci --ignore-scripts` in the repository root")


# --------------------------------------------------------------------------
# axe-core


@dataclass(frozen=True)
class AxeViolation:
    """One failed axe rule and the elements (CSS selectors) that fail it."""

    id: str
    impact: str
    help: str
    help_url: str
    targets: tuple[str, ...]
    html: tuple[str, ...]

    def __repr__(self) -> str:
        nodes = "; ".join(f"{t} -> {h[:120]}" for t, h in zip(self.targets, self.html, strict=True))
        return f"<axe {self.id} [{self.impact}] {self.help}: {nodes}>"


def run_axe(page, tags: list[str] | None = None) -> list[AxeViolation]:
    """Run axe-core on the page's current document; return its violations.

    axe is injected with page.evaluate (DevTools), which a page's
    Content-Security-Policy does not block, so it works under the site's CSP.
    `assert run_axe(page) == []` prints one readable line per violation.
    """
    require_npm_file(AXE_JS)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        """tags => axe.run(document, {
               runOnly: {type: 'tag', values: tags},
               resultTypes: ['violations'],
           })""",
        tags or WCAG_TAGS,
    )
    return [
        AxeViolation(
            id=v["id"],
            impact=v.get("impact") or "",
            help=v["help"],
            help_url=v["helpUrl"],
            targets=tuple(" ".join(map(str, n["target"])) for n in v["nodes"]),
            html=tuple(n["html"] for n in v["nodes"]),
        )
        for v in result["violations"]
    ]


# --------------------------------------------------------------------------
# Page listeners: attach BEFORE page.goto(); the returned lists fill up as
# the page runs.


# An init script (page.add_init_script): window.__violations lists the page's Content-Security-Policy
# violations, recorded before any page script runs (Playwright's init scripts are not subject to the
# page's CSP).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline code')));
"""


def collect_console_errors(page) -> list[str]:
    """Record console.error messages (incl. CSP and load failures) and
    uncaught exceptions of `page` into the returned list."""
    errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            errors.append(f"console.error: {msg.text}{where}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    return errors


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def collect_offsite_requests(page, allowed_origin: str) -> list[str]:
    """Abort every request of `page` to another origin than `allowed_origin`
    and record its URL in the returned list. (data: URLs are not requests.)
    An aborted request also shows up as a console 'Failed to load resource'.
    """
    allowed = origin_of(allowed_origin)
    offsite: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        if origin_of(url) == allowed:
            route.continue_()
        else:
            offsite.append(url)
            route.abort("blockedbyclient")

    page.route("**/*", handle)
    return offsite


# --------------------------------------------------------------------------
# Nu Html Checker (vnu.jar)


@dataclass(frozen=True)
class HtmlError:
    """One Nu Html Checker message: file, line, column and text."""

    file: str
    line: int
    column: int
    message: str
    extract: str = ""

    def __repr__(self) -> str:
        return f"<{self.file}:{self.line}:{self.column}: {self.message}>"


def validate_html(paths, errors_only: bool = True) -> list[HtmlError]:
    """Check HTML files with the Nu Html Checker in ONE Java process.

    `paths` are files or directories (searched recursively for *.html).
    Returns the checker's errors (and warnings if errors_only=False);
    an empty list means every file is valid.
    """
    require(shutil.which("java") is not None, "java",
            "install a Java runtime (apt-get install -y default-jre-headless)")
    require_npm_file(VNU_JAR)
    files: list[str] = []
    for p in map(Path, paths):
        files += sorted(map(str, p.rglob("*.html"))) if p.is_dir() else [str(p)]
    if not files:
        raise ValueError(f"no HTML files to validate in {paths!r}")
    cmd = ["java", *JAVA_OPTIONS, "-jar", str(VNU_JAR), "--format", "json"]
    if errors_only:
        cmd.append("--errors-only")
    proc = subprocess.run(cmd + files, capture_output=True, text=True, timeout=600)
    try:  # vnu writes its JSON report to stderr; exit code 1 = errors found
        report = json.loads(proc.stderr)
    except json.JSONDecodeError:
        raise RuntimeError(
            f"vnu.jar failed (exit {proc.returncode}):\n{proc.stderr}\n{proc.stdout}"
        ) from None
    return [
        HtmlError(
            file=unquote(urlsplit(m.get("url", "")).path),
            line=m.get("lastLine", m.get("firstLine", 0)),
            column=m.get("firstColumn", m.get("lastColumn", 0)),
            message=f"{m.get('subType', m['type'])}: {m.get('message', '')}"
            if m["type"] != "error" else m.get("message", ""),
            extract=m.get("extract", ""),
        )
        for m in report.get("messages", [])
        if m["type"] in ("error", "non-document-error") or not errors_only
    ]
