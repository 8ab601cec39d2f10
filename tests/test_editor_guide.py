"""docs/editors-guide.md, followed step by step on a copy of the real site: every command it shows is run here.

The guide's ```sh blocks are its commands. STEPS runs them in the guide's order, doing in
between what the guide tells the editor to do (fill in the FILL IN text, delete `draft: true`),
and checks each command's outcome against what the guide says it is.
"""
from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PROJECT, run_cli
from preview_process import PreviewProcess

GUIDE = PROJECT / "docs" / "editors-guide.md"
ARTICLE = "content/articles/what-to-do-if-you-see-an-attack.md"
QUOTE = "content/quotes/smith-call-999.md"
ARTICLE_PAGE = "articles/what-to-do-if-you-see-an-attack/index.html"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)


def guide_commands() -> list[str]:
    return [line for block in blocks("sh") for line in block.splitlines() if line.strip()]


def guide_sample(starting: str) -> str:
    """The guide's sample output that starts with `starting`."""
    return next(block for block in blocks("text") if block.startswith(starting))


def run(site: Path, command: str):
    return run_cli(*shlex.split(command)[1:], "--root", site)  # without ./build.sh


# --- what the editor does between commands ---------------------------------------------

def write_the_article(site: Path) -> None:
    """Replace each FILL IN, as the guide says, and show the quote."""
    path = site / ARTICLE
    text = path.read_text().replace('summary: "FILL IN"', 'summary: "Call 999, keep back and do not film."')
    front, _ = text.rsplit("---\n", 1)
    path.write_text(front + "---\nIf you see a police officer being attacked, call 999 at once.\n\n"
                    "## Keep safe\n\nStay back. Tell others to stop filming.\n\n[[quote: smith-call-999]]\n\n"
                    "Read [how to help](/how-to-help/).\n")
    quote = site / QUOTE
    quote.write_text(quote.read_text()
                     .replace('speaker: "FILL IN"', "speaker: Jo Smith")
                     .replace('role: "FILL IN"', "role: Police officer")
                     .replace('title: "FILL IN"', "title: Officer asks public to call 999")
                     .replace('publisher: "FILL IN"', "publisher: Local News")
                     .replace("https://example.org/FILL-IN", "https://news.example.com/call-999")
                     .replace("FILL IN: the exact words, as the source reports them.", "Please call 999."))


def publish_when_ready(site: Path) -> None:
    """Delete the `draft: true` lines of the article and of its quote."""
    for name in (ARTICLE, QUOTE):
        path = site / name
        path.write_text("".join(line for line in path.read_text().splitlines(keepends=True)
                                if not line.startswith("draft: true")))


# --- the steps, in the guide's order --------------------------------------------------------

def new_article(site: Path, command: str) -> None:
    result = run(site, command)
    assert result.status == 0, result.err
    assert result.out == guide_sample(ARTICLE + "\nCreated")
    assert "draft: true" in (site / ARTICLE).read_text()


def new_quote(site: Path, command: str) -> None:
    assert run(site, command).status == 0
    assert (site / QUOTE).is_file()


def serve_drafts(site: Path, command: str) -> None:
    server = PreviewProcess(site, *shlex.split(command)[2:])
    try:
        server.wait_until_serving()
        assert server.get("/" + ARTICLE_PAGE.removesuffix("index.html")).status == 200
    finally:
        server.stop()


def check_drafts(site: Path, command: str) -> None:
    result = run(site, command)
    assert result.status == 1
    sample = guide_sample(ARTICLE + ":").split("\n\nChecked")[0]
    assert sample in result.out
    write_the_article(site)


def check_readability(site: Path, command: str) -> None:
    result = run(site, command)
    assert result.status == 0, result.out
    assert "Reading grade of each page (Flesch-Kincaid; the target in site.yaml is" in result.out
    publish_when_ready(site)


def check(site: Path, command: str) -> None:
    result = run(site, command)
    assert result.status == 0, result.out
    assert ": 0 errors, " in result.out.splitlines()[-1]


def deploy_dry_run(site: Path, command: str) -> None:
    result = run(site, command)
    assert result.status == 0, result.out + result.err
    assert f"add     {ARTICLE_PAGE}" in result.out.splitlines()
    assert not (site.parent / "live").exists()


def deploy(site: Path, command: str) -> None:
    result = run(site, command)
    assert result.status == 0, result.out + result.err
    live = site.parent / "live"
    assert "call 999 at once" in (live / ARTICLE_PAGE).read_text()
    assert "Please call 999." in (live / "quotes/smith-call-999/index.html").read_text()


STEPS: list[tuple[str, Callable[[Path, str], None]]] = [
    ('./build.sh new article "What to do if you see an attack"', new_article),
    ('./build.sh new quote "Smith: call 999"', new_quote),
    ("./build.sh serve --drafts", serve_drafts),
    ("./build.sh check --drafts", check_drafts),
    ("./build.sh check --readability", check_readability),
    ("./build.sh check", check),
    ("./build.sh deploy --dry-run", deploy_dry_run),
    ("./build.sh deploy", deploy),
]


def test_the_guide_shows_exactly_the_commands_this_test_runs():
    assert guide_commands() == [command for command, _ in STEPS]


@pytest.fixture
def site_copy(tmp_path, monkeypatch):
    """The real site (content, templates, static, site.yaml) with a folder to publish to."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the real content is checked against today
    site = tmp_path / "site"
    for name in ("content", "templates", "static"):
        shutil.copytree(PROJECT / name, site / name)
    config = (PROJECT / "site.yaml").read_text()
    assert "\ndeploy:" not in config, "the test adds its own deploy settings"
    (site / "site.yaml").write_text(config + f"\ndeploy:\n  method: directory\n  path: {tmp_path / 'live'}\n")
    monkeypatch.chdir(site)  # the guide runs every command from the site's folder
    return site


@pytest.mark.slow
def test_following_the_guide_from_a_new_article_to_the_live_site(site_copy):
    for command, step in STEPS:
        step(site_copy, command)
