"""README.md stays true: its reference tables are the schema's, its example article builds, its commands exist."""
from __future__ import annotations

import re

from conftest import PROJECT

README = (PROJECT / "README.md").read_text()


def test_reference_tables_match_the_code_that_checks_the_files():
    from ssg.model.config import Config
    from ssg.model.kinds import KINDS, has_settings, readme_reference
    from ssg.model.schema import reference_table
    for kind in filter(has_settings, KINDS.values()):
        table = f"### {kind.heading}\n\n{reference_table(kind.meta)}"
        assert table in README, f"README's table for {kind.name} is out of date"
    assert readme_reference() in README
    assert reference_table(Config) in README, "README's table for site.yaml is out of date"


def test_example_article_builds_with_its_quote(make_site, build_site):
    example = re.search(r"```markdown\n(---\n.*?)```", README, re.S).group(1)
    quote = (PROJECT / "content/quotes/dick-disgusting.md").read_text()
    root = make_site({"content/articles/example.md": example, "content/articles/other-article.md":
                      "---\ntitle: Other\nsummary: S.\ndate: 2020-01-01\n---\nHi.\n",
                      "content/pages/how-to-help.md": "---\ntitle: How\nsummary: S.\n---\nHi.\n",
                      "content/quotes/dick-disgusting.md": quote})
    result = build_site(root)
    assert result.status == 0, result.err
    html = (root / "_site/articles/example/index.html").read_text()
    assert 'href="/articles/other-article/"' in html and 'class="quote"' in html


def test_the_two_commands_and_ci_agree():
    assert "./build.sh" in README and "./test.sh" in README
    assert "bash ./test.sh" in (PROJECT / ".ci/run").read_text()
    for script in ("build.sh", "test.sh"):
        assert (PROJECT / script).stat().st_mode & 0o111, f"{script} is not executable"
