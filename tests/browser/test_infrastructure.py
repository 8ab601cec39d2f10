"""Self-tests: the browser/validator infrastructure catches real problems."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from .helpers import (
    collect_console_errors,
    collect_offsite_requests,
    in_ci,
    require,
    run_axe,
    validate_html,
)


def page_html(body: str, head: str = "<title>Test page</title>") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


CLEAN_BODY = "<main><h1>Hello</h1><p>A clean, accessible page.</p></main>"


@pytest.fixture
def site(tmp_path):
    """A tmp dir to write tiny pages into: site("a.html", html) -> path."""

    def write(name: str, html: str):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        return path

    return write


# ---------------------------------------------------------------- axe-core


def test_axe_reports_image_without_alt_and_passes_clean_page(page, serve_dir, site, tmp_path):
    site("clean.html", page_html(CLEAN_BODY))
    site("noalt.html", page_html('<main><h1>Hi</h1><img src="data:image/gif;base64,'
                                 'R0lGODlhAQABAAAAACw=" width="10" height="10"></main>'))
    base = serve_dir(tmp_path)

    page.goto(f"{base}/clean.html")
    assert run_axe(page) == []

    page.goto(f"{base}/noalt.html")
    violations = run_axe(page)
    assert [v.id for v in violations] == ["image-alt"], violations
    (v,) = violations
    assert v.impact == "critical" and v.targets == ("img",)
    assert "image-alt" in repr(v) and "<img" in repr(v)


def test_axe_has_wcag22_rules(page):
    """axe-core is new enough to know WCAG 2.2 AA (target-size)."""
    page.set_content(page_html(CLEAN_BODY))
    run_axe(page)
    rules = page.evaluate("axe.getRules(['wcag22aa']).map(r => r.ruleId)")
    assert "target-size" in rules
    version = page.evaluate("axe.version")
    assert tuple(map(int, version.split(".")[:2])) >= (4, 7), version


# ----------------------------------------------------- Nu Html Checker


def test_validator_reports_invalid_html_and_passes_valid(tmp_path, site):
    good = site("good.html", page_html(CLEAN_BODY))
    span = site("sub/span.html", page_html("<main><span><div>block in inline</div></span></main>"))
    notitle = site("notitle.html", page_html(CLEAN_BODY, head=""))

    # A directory (all *.html in it, recursively) and files; one Java run.
    errors = validate_html([span.parent, good, notitle])
    by_file = {}
    for e in errors:
        by_file.setdefault(e.file, []).append(e)

    assert str(good) not in by_file, errors
    assert set(by_file) == {str(span), str(notitle)}, errors
    (span_err,) = by_file[str(span)]
    assert "div" in span_err.message and "span" in span_err.message
    assert span_err.line == 8  # the <main> line of page_html()
    assert any("title" in e.message for e in by_file[str(notitle)])


# ------------------------------------------------- off-site requests


def test_offsite_requests_are_caught_and_aborted(page, serve_dir, site, tmp_path):
    site("style.css", "p { color: #000; }")
    site("index.html", page_html(
        '<main><h1>Off</h1><img id="x" alt="x" src="https://example.com/x.png">'
        "<script>fetch('https://cdn.example.org/lib.js').catch(() => {})</script></main>",
        head='<title>Off</title><link rel="stylesheet" href="/style.css">',
    ))
    base = serve_dir(tmp_path)
    offsite = collect_offsite_requests(page, base)
    errors = collect_console_errors(page)

    page.goto(f"{base}/")
    page.wait_for_load_state("networkidle")

    assert sorted(offsite) == ["https://cdn.example.org/lib.js", "https://example.com/x.png"]
    assert page.evaluate("document.getElementById('x').naturalWidth") == 0  # aborted
    assert page.evaluate("getComputedStyle(document.querySelector('p') || document.body)"
                         ".color") == "rgb(0, 0, 0)"  # same-origin CSS still loads
    assert any("Failed to load resource" in e for e in errors), errors


# ------------------------------------------------------ console errors


def test_console_errors_and_exceptions_are_caught(page, serve_dir, site, tmp_path):
    site("clean.html", page_html(CLEAN_BODY))
    site("bad.html", page_html(
        CLEAN_BODY + "<script>console.error('boom from script')</script>"
        "<script>null.property</script>"))
    base = serve_dir(tmp_path)
    errors = collect_console_errors(page)

    page.goto(f"{base}/clean.html")
    assert errors == []

    page.goto(f"{base}/bad.html")
    assert any("boom from script" in e for e in errors), errors
    assert any(e.startswith("uncaught:") and "null" in e for e in errors), errors


# ------------------------------------------------------ CSP + server


CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'"


def test_csp_header_is_applied_and_blocks_inline_script(page, serve_dir, site, tmp_path):
    site("ok.js", "document.body.dataset.external = 'ran';")
    site("index.html", page_html(
        CLEAN_BODY + "<script>document.title = 'inline ran';</script>"
        '<script src="/ok.js"></script>'))
    base = serve_dir(tmp_path, headers={"Content-Security-Policy": CSP})
    errors = collect_console_errors(page)

    response = page.goto(f"{base}/")
    assert response.headers["content-security-policy"] == CSP
    assert page.evaluate("document.body.dataset.external") == "ran"  # 'self' allowed
    assert page.title() == "Test page"  # inline script blocked
    assert any("Content Security Policy" in e for e in errors), errors
    # axe is injected over DevTools, so it still runs under the site's CSP.
    assert run_axe(page) == []


def test_server_serves_index_and_404_page(serve_dir, site, tmp_path):
    site("index.html", page_html(CLEAN_BODY))
    site("404.html", page_html("<main><h1>Not found</h1></main>"))
    base = serve_dir(tmp_path, headers={"X-Test": "yes"})

    with urllib.request.urlopen(f"{base}/") as resp:
        assert resp.status == 200 and resp.headers["X-Test"] == "yes"
        assert b"clean, accessible" in resp.read()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{base}/no/such/page/")
    assert info.value.code == 404 and info.value.headers["X-Test"] == "yes"
    assert b"Not found" in info.value.read()


# ---------------------------------------------------- skip vs. fail


def test_missing_tool_fails_in_ci_and_skips_outside(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match="CI=true and chromium is missing"):
        require(False, "chromium", "install it")
    monkeypatch.delenv("CI")
    assert not in_ci()
    with pytest.raises(pytest.skip.Exception, match="chromium is missing"):
        require(False, "chromium", "install it")
    require(True, "chromium", "install it")  # present: no-op
